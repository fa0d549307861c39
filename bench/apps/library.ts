/**
 * N repositories built with the library: a SharedLayerRegistry (KMS key, blob mounting on, expire
 * untagged after 14 days) and `addRepository`, or, with BENCH_STACKS > 0, the registry in its own
 * stack and N / BENCH_STACKS `SharedRepository` in each of BENCH_STACKS team stacks.
 */
import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ENV, findChecksClass, pad, runBenchApp } from './harness';
import * as lib from '../../src';

runBenchApp((app, { n, stacks }) => {
  const registryStack = new Stack(app, 'Registry', { env: ENV });
  const key = new kms.Key(registryStack, 'RegistryKey');
  const registry = new lib.SharedLayerRegistry(registryStack, 'Registry', {
    encryption: lib.RegistryEncryption.kms(key),
    imageTagMutability: ecr.TagMutability.IMMUTABLE,
    lifecycleRules: [lib.LifecycleRule.expireAfterDaysSincePush({ tagStatus: lib.TagStatus.UNTAGGED, days: 14 })],
  });
  if (stacks <= 0) {
    for (let i = 0; i < n; i++) {
      registry.addRepository(`Repo${pad(i)}`, { repositoryName: `svc/repo-${pad(i)}` });
    }
    return;
  }
  const perStack = Math.ceil(n / stacks);
  for (let s = 0; s < stacks; s++) {
    const team = new Stack(app, `Team${pad(s)}`, { env: ENV });
    for (let i = s * perStack; i < Math.min(n, (s + 1) * perStack); i++) {
      new lib.SharedRepository(team, `Repo${pad(i)}`, { registry, repositoryName: `svc/repo-${pad(i)}` });
    }
  }
}, { checks: findChecksClass(lib as unknown as Record<string, unknown>), instrument: true });
