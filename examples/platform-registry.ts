/**
 * A platform team's registry: one KMS key, blob mounting on, 20 service repositories built on the
 * same base images, lifecycle rules with archive, enhanced scanning, and service teams'
 * repositories in their own stacks. Every repository shares layers with every other. Images are
 * replicated to a second region whose registry (its own key, its own island) is defined here too.
 *
 * Synthesize it with the aws-cdk CLI (no AWS credentials needed): `npx projen example`.
 */
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { LifecycleRule, RegistryEncryption, RegistryScanning, SharedLayerRegistry, SharedRepository, TagStatus } from '../src';

const ACCOUNT = '111111111111';
const PRIMARY = { account: ACCOUNT, region: 'us-east-1' };
const SECONDARY = { account: ACCOUNT, region: 'eu-west-1' };

/** The services built on the platform's base images. */
const SERVICES = [
  'api', 'auth', 'billing', 'catalog', 'checkout', 'search', 'orders', 'payments', 'inventory', 'shipping',
  'notifications', 'reviews', 'recommendations', 'profile', 'media', 'reporting', 'gateway', 'scheduler', 'audit', 'export',
];

interface PlatformRegistryStackProps extends StackProps {
  /** Where images are replicated to, if anywhere. */
  readonly replicaRegion?: string;
}

class PlatformRegistryStack extends Stack {
  public readonly registry: SharedLayerRegistry;

  constructor(scope: Construct, id: string, props: PlatformRegistryStackProps) {
    super(scope, id, props);

    const key = new kms.Key(this, 'RegistryKey', {
      description: 'Encryption key of every repository of the platform registry (one key = one layer-sharing island)',
      enableKeyRotation: true,
    });

    this.registry = new SharedLayerRegistry(this, 'Registry', {
      encryption: RegistryEncryption.kms(key),
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      lifecycleRules: [
        LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 14, description: 'Drop untagged images after two weeks' }),
        LifecycleRule.archiveAfterDaysSincePull({ tagStatus: TagStatus.ANY, days: 180, description: 'Archive images nobody pulled for six months' }),
        LifecycleRule.expireFromArchiveAfterDays({ tagStatus: TagStatus.ANY, days: 365, description: 'Delete images a year after archiving' }),
      ],
      scanning: RegistryScanning.enhanced({ scanOnPush: ['*'], continuous: ['base/*'] }),
    });
    if (props.replicaRegion) {
      this.registry.addReplication({ destinations: [{ region: props.replicaRegion }], repositoryPrefixes: ['base', 'services'] });
    }

    // The shared base images every service builds on.
    for (const base of ['node', 'python', 'jvm']) {
      this.registry.addRepository(`Base-${base}`, { repositoryName: `base/${base}` });
    }

    if (!props.replicaRegion) {
      return; // the replica registry: replication creates its repositories through its REPLICATION template
    }

    // CI pushes to every repository and may mount layers from any of them.
    const ci = new iam.Role(this, 'CiPushRole', {
      assumedBy: new iam.AccountPrincipal(ACCOUNT),
      description: 'CI builds push images to the platform registry',
    });
    this.registry.grantPush(ci);
    Validations.of(ci).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:us-east-1:111111111111:repository/*]',
        reason: 'CI pushes to every repository of the registry, and mounting a layer needs ecr:GetDownloadUrlForLayer on whichever repository already holds it.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:GetAuthorizationToken has no resource type.',
      },
    );
  }
}

/** A service team's stack: its repositories join the platform registry's island. */
class TeamStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { registry: SharedLayerRegistry; services: string[] }) {
    super(scope, id, props);
    for (const service of props.services) {
      new SharedRepository(this, `Repo-${service}`, {
        registry: props.registry,
        repositoryName: `services/${service}`,
        lifecycleRules: [LifecycleRule.expireByCount({ tagStatus: TagStatus.TAGGED, tagPatterns: ['pr-*'], maxImageCount: 20 })],
      });
    }
  }
}

const app = new App({
  context: {
    '@aws-cdk/core:validateAgainstDefaultRules': true,
    // Team stacks import the registry key's ARN: keep the producer protected (CDK's current default).
    '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

const platform = new PlatformRegistryStack(app, 'PlatformRegistry', { env: PRIMARY, replicaRegion: SECONDARY.region });
new PlatformRegistryStack(app, 'PlatformRegistryReplica', { env: SECONDARY });
new TeamStack(app, 'TeamCommerce', { env: PRIMARY, registry: platform.registry, services: SERVICES.slice(0, 10) });
new TeamStack(app, 'TeamExperience', { env: PRIMARY, registry: platform.registry, services: SERVICES.slice(10) });

app.synth();
