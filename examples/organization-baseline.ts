/**
 * An organization's registry baseline: from the management account, one service-managed StackSet
 * turns blob mounting on (with registry policy scope V2 and basic scanning) in every account of the
 * workloads OU, in three regions, and keeps doing it for accounts that join the OU later.
 * The management account itself (StackSets never deploys there) gets the same registry as a
 * regular stack.
 *
 * npx cdk synth --app "ts-node --project tsconfig.dev.json examples/organization-baseline.ts" -o cdk.out/examples/organization-baseline --quiet --no-notices
 */
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  BaselineEncryption, LifecycleRule, RegistryBaselineStackSet, RegistryPolicyScope, RegistryScanning, SharedLayerRegistry,
  StackSetConcurrencyMode, StackSetRegionConcurrency, TagStatus,
} from '../src';

const MANAGEMENT_ACCOUNT = '111111111111';
const HOME_REGION = 'us-east-1';
/** The OU of the workload accounts (every account in it, now and later, gets the baseline). */
const WORKLOADS_OU = 'ou-ab12-cdef3456';
/** Deployment order: the first region is the canary (sequential region concurrency). */
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

class OrganizationBaselineStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);

    new RegistryBaselineStackSet(this, 'RegistryBaseline', {
      stackSetName: 'ecr-registry-baseline',
      organizationalUnitIds: [WORKLOADS_OU],
      regions: REGIONS,

      // The baseline: one encryption island per registry, repositories created by anyone included.
      encryption: BaselineEncryption.AES256,
      blobMounting: true,
      registryPolicyScope: RegistryPolicyScope.V2,
      scanning: RegistryScanning.basic({ scanOnPush: ['*'] }),
      lifecycleRules: [
        LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 14, description: 'Drop untagged images after two weeks' }),
      ],

      // Rollout: 10% of the accounts at a time per region, stop a region after 10% failures.
      maxConcurrentPercentage: 10,
      failureTolerancePercentage: 10,
      regionConcurrency: StackSetRegionConcurrency.SEQUENTIAL,
      concurrencyMode: StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE,
    });
  }
}

/** The management account's own registry: a StackSet does not deploy to it. */
class ManagementRegistryStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    new SharedLayerRegistry(this, 'Registry', {
      registryPolicyScope: RegistryPolicyScope.V2,
      scanning: RegistryScanning.basic({ scanOnPush: ['*'] }),
    });
  }
}

const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

new OrganizationBaselineStack(app, 'OrganizationRegistryBaseline', { env: { account: MANAGEMENT_ACCOUNT, region: HOME_REGION } });
new ManagementRegistryStack(app, 'ManagementRegistry', { env: { account: MANAGEMENT_ACCOUNT, region: HOME_REGION } });

app.synth();
