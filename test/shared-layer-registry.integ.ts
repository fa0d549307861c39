/**
 * Integration app: a KMS registry with blob mounting on and two repositories.
 *
 * The committed snapshot (test/shared-layer-registry.integ.snapshot/) is compared with a fresh
 * synthesis by the test task (`npx projen integ:shared-layer-registry:assert`).
 *
 * Anyone with an AWS account can deploy it and run the assertions after deploy:
 *   npx projen integ:shared-layer-registry:deploy     (deploys, asserts, then snapshots)
 *   npx projen integ:shared-layer-registry:destroy
 * The assertions (a second stack, from @aws-cdk/integ-tests-alpha) call ECR after the deployment:
 * GetAccountSetting must return BLOB_MOUNTING = ENABLED, and both repositories must report the
 * registry's KMS encryption. Note: the account setting and the repositories are RETAINED on destroy
 * (the library's defaults); delete the two repositories by hand afterwards if you want them gone.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RegistryEncryption, SharedLayerRegistry } from '../src';
import { integApp } from './support/integ';

const app = integApp({ '@aws-cdk/core:defaultCrossStackReferences': 'strong' });
// Env-agnostic: the snapshot does not depend on who synthesizes it, and it deploys to any account and region.
const stack = new Stack(app, 'SharedLayerRegistryInteg');
Validations.of(stack).acknowledge({
  id: 'cdk-ecr-shared-layers:envAgnosticStack',
  reason: 'The integration stack is env-agnostic on purpose (it deploys to any account and region); it holds the whole registry.',
});

const key = new kms.Key(stack, 'RegistryKey', { enableKeyRotation: true });
const registry = new SharedLayerRegistry(stack, 'Registry', { encryption: RegistryEncryption.kms(key) });
const api = registry.addRepository('Api', { repositoryName: 'integ-shared-layers/api' });
const web = registry.addRepository('Web', { repositoryName: 'integ-shared-layers/web' });

const integ = new IntegTest(app, 'SharedLayerRegistryTest', { testCases: [stack] });

integ.assertions
  .awsApiCall('ECR', 'getAccountSetting', { name: 'BLOB_MOUNTING' })
  .expect(ExpectedResult.objectLike({ name: 'BLOB_MOUNTING', value: 'ENABLED' }));

integ.assertions
  .awsApiCall('ECR', 'describeRepositories', { repositoryNames: [api.repositoryName, web.repositoryName] })
  .expect(ExpectedResult.objectLike({
    repositories: [
      { encryptionConfiguration: { encryptionType: 'KMS', kmsKey: key.keyArn } },
      { encryptionConfiguration: { encryptionType: 'KMS', kmsKey: key.keyArn } },
    ],
  }));
