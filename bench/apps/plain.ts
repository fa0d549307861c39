/**
 * The same N repositories with plain aws-cdk-lib: `ecr.Repository` with the same KMS key, tag
 * mutability and lifecycle rule (expire untagged after 14 days), in the same stack layout as
 * library.ts.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ENV, pad, runBenchApp } from './harness';

runBenchApp((app, { n, stacks }) => {
  const registryStack = new Stack(app, 'Registry', { env: ENV });
  const key = new kms.Key(registryStack, 'RegistryKey');
  const repository = (scope: Stack, i: number) => new ecr.Repository(scope, `Repo${pad(i)}`, {
    repositoryName: `svc/repo-${pad(i)}`,
    encryption: ecr.RepositoryEncryption.KMS,
    encryptionKey: key,
    imageTagMutability: ecr.TagMutability.IMMUTABLE,
    lifecycleRules: [{ tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(14) }],
  });
  if (stacks <= 0) {
    for (let i = 0; i < n; i++) {
      repository(registryStack, i);
    }
    return;
  }
  const perStack = Math.ceil(n / stacks);
  for (let s = 0; s < stacks; s++) {
    const team = new Stack(app, `Team${pad(s)}`, { env: ENV });
    for (let i = s * perStack; i < Math.min(n, (s + 1) * perStack); i++) {
      repository(team, i);
    }
  }
});
