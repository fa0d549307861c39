/**
 * A cross-account replication pair: the build account's registry replicates release images to the
 * production account. Each account's registry is a SharedLayerRegistry with its own key, so the
 * repositories replication creates in production land in production's encryption island (its
 * REPLICATION creation template carries production's key), and production's registry policy
 * allows the build account to replicate into it.
 *
 * npx cdk synth --app "npx ts-node --project tsconfig.dev.json examples/cross-account-replication.ts"
 */
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { RegistryEncryption, ReplicationDestinationPolicy, SharedLayerRegistry } from '../src';

const BUILD = { account: '111111111111', region: 'us-east-1' };
const PRODUCTION = { account: '222222222222', region: 'us-east-1' };

/** One account's registry, with its own key. */
class RegistryStack extends Stack {
  public readonly registry: SharedLayerRegistry;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const key = new kms.Key(this, 'RegistryKey', { enableKeyRotation: true, description: `Registry key of ${id}` });
    this.registry = new SharedLayerRegistry(this, 'Registry', { encryption: RegistryEncryption.kms(key) });
  }
}

const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

// Source: the build account pushes release images and replicates them to production.
const build = new RegistryStack(app, 'BuildRegistry', { env: BUILD });
build.registry.addRepository('Api', { repositoryName: 'release/api' });
build.registry.addRepository('Worker', { repositoryName: 'release/worker' });
build.registry.addReplication({ destinations: [{ account: PRODUCTION.account, region: PRODUCTION.region }], repositoryPrefixes: ['release'] });

// Destination: production's registry, and its registry policy allowing the build account in.
const production = new RegistryStack(app, 'ProductionRegistry', { env: PRODUCTION });
new ReplicationDestinationPolicy(production, 'FromBuild', {
  sourceAccounts: [BUILD.account],
  registry: production.registry,
  repositoryPrefixes: ['release'],
});

app.synth();
