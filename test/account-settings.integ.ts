/**
 * Integration app: ECR account settings on their own, in an app that does not use
 * SharedLayerRegistry (plain aws-cdk-lib repositories, checked by the LayerSharingChecks aspect).
 *
 * The committed snapshot (test/account-settings.integ.snapshot/) is compared with a fresh synthesis
 * by the test task. With AWS credentials:
 *   npx projen integ:account-settings:deploy     (deploys, asserts, then snapshots)
 *   npx projen integ:account-settings:destroy
 * After deploy, the assertions stack calls GetAccountSetting: BLOB_MOUNTING must be ENABLED and
 * REGISTRY_POLICY_SCOPE must be V2. Both settings are RETAINED on destroy (the default).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Aspects, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { EcrAccountSetting, LayerSharingChecks } from '../src';
import { integApp } from './support/integ';

const app = integApp();
Aspects.of(app).add(new LayerSharingChecks());

// Env-agnostic: the snapshot does not depend on who synthesizes it, and it deploys anywhere.
const stack = new Stack(app, 'AccountSettingsInteg');
Validations.of(stack).acknowledge({
  id: 'cdk-ecr-shared-layers:envAgnosticStack',
  reason: 'The integration stack is env-agnostic on purpose (it deploys to any account and region); it holds every repository of the test.',
});
EcrAccountSetting.blobMounting(stack, 'BlobMounting');
EcrAccountSetting.registryPolicyScopeV2(stack, 'RegistryPolicyScope');
// Two plain repositories with ECR's default encryption: one island, so the checks pass.
new ecr.Repository(stack, 'One', { removalPolicy: RemovalPolicy.RETAIN });
new ecr.Repository(stack, 'Two', { removalPolicy: RemovalPolicy.RETAIN });

const integ = new IntegTest(app, 'AccountSettingsTest', { testCases: [stack] });
integ.assertions
  .awsApiCall('ECR', 'getAccountSetting', { name: 'BLOB_MOUNTING' })
  .expect(ExpectedResult.objectLike({ name: 'BLOB_MOUNTING', value: 'ENABLED' }));
integ.assertions
  .awsApiCall('ECR', 'getAccountSetting', { name: 'REGISTRY_POLICY_SCOPE' })
  .expect(ExpectedResult.objectLike({ name: 'REGISTRY_POLICY_SCOPE', value: 'V2' }));
