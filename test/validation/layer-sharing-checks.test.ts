import * as path from 'path';
import { App, Annotations as CoreAnnotations, Aspects, CfnParameter, CfnResource, CustomResource, DefaultStackSynthesizer, Fn, Stack, Stage, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EcrAccountSetting, RegistryEncryption, SharedLayerRegistry, SharedRepository } from '../../src';
import { LayerSharingChecks } from '../../src/validation/layer-sharing-checks';
import { AppShape, expectShape, libraryWarnings } from '../support/app-shapes';

const A = { account: '111111111111', region: 'us-east-1' };
const A_EU = { account: '111111111111', region: 'eu-west-1' };
const B = { account: '222222222222', region: 'us-east-1' };
const KEY_1 = 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111';
const KEY_2 = 'arn:aws:kms:us-east-1:111111111111:key/22222222-2222-2222-2222-222222222222';

const ENCRYPTION_NOT_PROVABLE = 'cdk-ecr-shared-layers:encryptionNotProvable';
const ENV_AGNOSTIC = 'cdk-ecr-shared-layers:envAgnosticStack';
const OUTSIDE_APP = 'cdk-ecr-shared-layers:replicationDestinationOutsideApp';
const REPLICATION_NOT_PROVABLE = 'cdk-ecr-shared-layers:replicationEncryptionNotProvable';
const PULL_THROUGH = 'cdk-ecr-shared-layers:pullThroughCacheNotMounted';
const CONTAINER_ASSETS = 'cdk-ecr-shared-layers:containerAssetsOutsideIsland';
const CHECK_IDS = [ENCRYPTION_NOT_PROVABLE, ENV_AGNOSTIC, OUTSIDE_APP, REPLICATION_NOT_PROVABLE, PULL_THROUGH, CONTAINER_ASSETS];
const IMAGE = path.join(__dirname, 'fixtures', 'image');

function registry(scope: Construct, encryption?: RegistryEncryption, id = 'Registry'): SharedLayerRegistry {
  return new SharedLayerRegistry(scope, id, { encryption });
}

function rawRepository(scope: Construct, id: string, encryptionConfiguration?: ecr.CfnRepository.EncryptionConfigurationProperty): ecr.CfnRepository {
  return new ecr.CfnRepository(scope, id, { encryptionConfiguration });
}

type TemplateEncryption = ecr.CfnRepositoryCreationTemplate.EncryptionConfigurationProperty;

function template(scope: Construct, id: string, appliedFor: string[], prefix: string, encryptionConfiguration?: TemplateEncryption) {
  return new ecr.CfnRepositoryCreationTemplate(scope, id, { appliedFor, prefix, encryptionConfiguration });
}

function replication(scope: Construct, id: string, destinations: Array<{ region: string; registryId: string }>, filters: string[] = []) {
  return new ecr.CfnReplicationConfiguration(scope, id, {
    replicationConfiguration: {
      rules: [{
        destinations,
        repositoryFilters: filters.length > 0 ? filters.map((filter) => ({ filter, filterType: 'PREFIX_MATCH' })) : undefined,
      }],
    },
  });
}

function rawBlobMounting(scope: Construct, id: string, value = 'ENABLED'): CfnResource {
  return new CfnResource(scope, id, {
    type: 'Custom::EcrAccountSetting',
    properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:f', SettingName: 'BLOB_MOUNTING', SettingValue: value },
  });
}

const SHAPES: AppShape[] = [
  // ---- registries and stacks
  {
    name: 'allows a registry with repositories in its own stack and in another stack (AES256)',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      const r = registry(platform);
      r.addRepository('Api');
      new SharedRepository(new Stack(app, 'Team', { env: A }), 'Web', { registry: r });
    },
    warnings: [],
  },
  {
    name: 'allows a KMS registry whose key is referenced across stacks',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      const r = registry(platform, RegistryEncryption.kms(new kms.Key(platform, 'Key')));
      r.addRepository('Api');
      new SharedRepository(new Stack(app, 'Team', { env: A }), 'Web', { registry: r });
    },
    warnings: [],
  },
  {
    name: 'fails when a raw CfnRepository with KMS is in the same stack as an AES256 registry',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform).addRepository('Api');
      rawRepository(platform, 'Raw', { encryptionType: 'KMS' });
    },
    errors: [
      'Blob mounting is on for account 111111111111 in us-east-1 (Platform/Registry)',
      'use 2 different encryption configurations',
      '- AES256 [the registry\'s encryption: Platform/Registry], ',
      'Platform/Registry/Api',
      '- KMS (AWS managed key aws/ecr), 1 resource: Platform/Raw',
      'Fix: create each repository with registry.addRepository() or new SharedRepository()',
      'change the encryption of the others (and of creation templates) to AES256',
      'Encryption is create-only: changing it replaces the repository',
    ],
  },
  {
    name: 'fails when an ecr.Repository in another stack of the same registry uses the AWS managed KMS key',
    build: (app) => {
      registry(new Stack(app, 'Platform', { env: A })).addRepository('Api');
      new ecr.Repository(new Stack(app, 'Team', { env: A }), 'Legacy', { encryption: ecr.RepositoryEncryption.KMS });
    },
    errors: ['- KMS (AWS managed key aws/ecr), 1 resource: Team/Legacy', 'the registry\'s encryption: Platform/Registry'],
  },
  {
    name: 'allows a raw CfnRepository with explicit AES256 in an AES256 registry (AES256 = absent)',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform).addRepository('Api');
      rawRepository(platform, 'Raw', { encryptionType: 'AES256' });
    },
    warnings: [],
  },
  {
    name: 'allows an ecr.Repository without encryption in an AES256 registry (absent = AES256)',
    build: (app) => {
      registry(new Stack(app, 'Platform', { env: A }));
      new ecr.Repository(new Stack(app, 'Team', { env: A }), 'Plain');
    },
    warnings: [],
  },
  {
    name: 'fails when a repository with a customer managed key is in a registry using the AWS managed key',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform, RegistryEncryption.kms()).addRepository('Api');
      new ecr.Repository(platform, 'Cmk', { encryptionKey: new kms.Key(platform, 'Key') });
    },
    errors: ['- KMS (AWS managed key aws/ecr) [the registry\'s encryption: Platform/Registry]', '- KMS (key Platform/Key), 1 resource: Platform/Cmk', 'to KMS (AWS managed key aws/ecr)'],
  },
  {
    name: 'fails when two customer managed keys are used in one registry',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform, RegistryEncryption.kms(new kms.Key(platform, 'Key'))).addRepository('Api');
      const team = new Stack(app, 'Team', { env: A });
      new ecr.Repository(team, 'Own', { encryptionKey: new kms.Key(team, 'TeamKey') });
    },
    errors: ['- KMS (key Platform/Key) [the registry\'s encryption: Platform/Registry], ', 'Platform/Registry/Api', '- KMS (key Team/TeamKey), 1 resource: Team/Own'],
  },
  {
    name: 'allows an ecr.Repository in another stack that uses the registry\'s key construct',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      const key = new kms.Key(platform, 'Key');
      registry(platform, RegistryEncryption.kms(key));
      new ecr.Repository(new Stack(app, 'Team', { env: A }), 'Same', { encryptionKey: key });
    },
    warnings: [],
  },
  {
    name: 'warns (no error) when the registry\'s key construct meets the same key given by literal ARN',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform, RegistryEncryption.kms(new kms.Key(platform, 'Key')));
      rawRepository(platform, 'ByArn', { encryptionType: 'KMS', kmsKey: KEY_1 });
    },
    warnings: [`Platform/ByArn ${ENCRYPTION_NOT_PROVABLE}`],
  },
  {
    name: 'allows the same key by literal ARN and by key id (blob mounting through EcrAccountSetting)',
    build: (app) => {
      const stack = new Stack(app, 'Baseline', { env: A });
      EcrAccountSetting.blobMounting(stack, 'BlobMounting');
      rawRepository(stack, 'ByArn', { encryptionType: 'KMS', kmsKey: KEY_1 });
      rawRepository(stack, 'ById', { encryptionType: 'KMS', kmsKey: '11111111-1111-1111-1111-111111111111' });
      new ecr.Repository(stack, 'Imported', { encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_1) });
    },
    warnings: [],
  },
  {
    name: 'fails when two literal key ARNs differ (blob mounting through EcrAccountSetting, majority taken)',
    build: (app) => {
      const stack = new Stack(app, 'Baseline', { env: A });
      EcrAccountSetting.blobMounting(stack, 'BlobMounting');
      rawRepository(stack, 'One', { encryptionType: 'KMS', kmsKey: KEY_1 });
      rawRepository(stack, 'Two', { encryptionType: 'KMS', kmsKey: KEY_1 });
      new ecr.Repository(stack, 'Other', { encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_2) });
    },
    errors: [
      'Blob mounting is on for account 111111111111 in us-east-1 (Baseline/BlobMounting)',
      `- KMS (key ${KEY_1}) [the majority, taken as the registry's], 2 resources: Baseline/One, Baseline/Two`,
      `- KMS (key ${KEY_2}), 1 resource: Baseline/Other`,
    ],
  },
  {
    name: 'warns when a repository key is an imported alias',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform, RegistryEncryption.kms(new kms.Key(platform, 'Key')));
      new ecr.Repository(platform, 'Aliased', { encryptionKey: kms.Alias.fromAliasName(platform, 'Alias', 'alias/ecr') });
    },
    warnings: [`Platform/Aliased ${ENCRYPTION_NOT_PROVABLE}`],
  },
  {
    name: 'warns when a repository key is a literal alias ARN',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform, RegistryEncryption.kms(new kms.Key(platform, 'Key')));
      rawRepository(platform, 'Raw', { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:us-east-1:111111111111:alias/ecr' });
    },
    warnings: [`Platform/Raw ${ENCRYPTION_NOT_PROVABLE}`],
  },
  {
    name: 'warns when a repository key comes from a CfnParameter',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform, RegistryEncryption.kms(new kms.Key(platform, 'Key')));
      rawRepository(platform, 'Raw', { encryptionType: 'KMS', kmsKey: new CfnParameter(platform, 'KeyArn').valueAsString });
    },
    warnings: [`Platform/Raw ${ENCRYPTION_NOT_PROVABLE}`],
  },
  {
    name: 'warns when a repository key is imported with Fn.importValue',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform, RegistryEncryption.kms(new kms.Key(platform, 'Key')));
      rawRepository(platform, 'Raw', { encryptionType: 'KMS', kmsKey: Fn.importValue('SharedKeyArn') });
    },
    warnings: [`Platform/Raw ${ENCRYPTION_NOT_PROVABLE}`],
  },
  {
    name: 'fails when a KMS repository with an imported key is in an AES256 registry (the types differ)',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform);
      rawRepository(platform, 'Raw', { encryptionType: 'KMS', kmsKey: Fn.importValue('SharedKeyArn') });
    },
    errors: ['[cdk-ecr-shared-layers:encryptionMismatch]', '- KMS (key an imported value), 1 resource: Platform/Raw'],
  },
  {
    name: 'fails when the registry key is a CfnParameter and a plain repository is AES256 (the types differ)',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      const key = kms.Key.fromKeyArn(platform, 'Key', new CfnParameter(platform, 'KeyArn').valueAsString);
      registry(platform, RegistryEncryption.kms(key));
      new ecr.Repository(platform, 'Plain');
    },
    errors: [
      '[Platform] [cdk-ecr-shared-layers:encryptionMismatch] Platform/Plain: Blob mounting is on for account 111111111111 in us-east-1 (Platform/Registry)',
      '- AES256, 1 resource: Platform/Plain',
    ],
  },
  {
    name: 'allows different encryption in another region of the same account',
    build: (app) => {
      registry(new Stack(app, 'Platform', { env: A })).addRepository('Api');
      const eu = new Stack(app, 'PlatformEu', { env: A_EU });
      registry(eu, RegistryEncryption.kms(new kms.Key(eu, 'Key'))).addRepository('Api');
    },
    warnings: [],
  },
  {
    name: 'allows different encryption in another account of the same region',
    build: (app) => {
      registry(new Stack(app, 'Platform', { env: A })).addRepository('Api');
      const other = new Stack(app, 'Other', { env: B });
      EcrAccountSetting.blobMounting(other, 'BlobMounting');
      new ecr.Repository(other, 'Cmk', { encryptionKey: new kms.Key(other, 'Key') });
    },
    warnings: [],
  },
  {
    name: 'allows mixed encryption where blob mounting is not on',
    build: (app) => {
      const stack = new Stack(app, 'Plain', { env: A });
      new ecr.Repository(stack, 'One');
      new ecr.Repository(stack, 'Two', { encryption: ecr.RepositoryEncryption.KMS });
      EcrAccountSetting.blobMounting(stack, 'Off', { enabled: false });
    },
    warnings: [],
  },
  {
    name: 'fails when a raw Custom::EcrAccountSetting turns blob mounting on and raw repositories differ',
    build: (app) => {
      const stack = new Stack(app, 'Raw', { env: A });
      rawBlobMounting(stack, 'Setting');
      rawRepository(stack, 'Aes');
      rawRepository(stack, 'Kms', { encryptionType: 'KMS' });
    },
    errors: ['Blob mounting is on for account 111111111111 in us-east-1 (Raw/Setting)', '- AES256', 'Raw/Aes', '- KMS (AWS managed key aws/ecr)', 'Raw/Kms'],
  },
  {
    name: 'fails when a CustomResource of type Custom::EcrAccountSetting turns blob mounting on and repositories differ',
    build: (app) => {
      const stack = new Stack(app, 'Raw', { env: A });
      new CustomResource(stack, 'Setting', {
        resourceType: 'Custom::EcrAccountSetting',
        serviceToken: 'arn:aws:lambda:us-east-1:111111111111:function:f',
        properties: { SettingName: 'BLOB_MOUNTING', SettingValue: 'ENABLED' },
      });
      new ecr.Repository(stack, 'Aes');
      new ecr.Repository(stack, 'Kms', { encryption: ecr.RepositoryEncryption.KMS });
    },
    errors: ['(Raw/Setting)', 'Raw/Aes', 'Raw/Kms'],
  },
  // ---- creation templates
  {
    name: 'fails when a raw creation template uses KMS in an AES256 registry',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform).addRepository('Api');
      template(platform, 'OnPush', ['CREATE_ON_PUSH'], 'ROOT', { encryptionType: 'KMS' });
    },
    errors: ['- KMS (AWS managed key aws/ecr), 1 resource: Platform/OnPush (creation template)'],
  },
  {
    name: 'allows a raw creation template with the registry\'s key',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      const key = new kms.Key(platform, 'Key');
      registry(platform, RegistryEncryption.kms(key)).addRepository('Api');
      // Prefix 'team': the registry's default template already holds ROOT (one template per prefix).
      template(new Stack(app, 'Templates', { env: A }), 'OnPush', ['CREATE_ON_PUSH'], 'team', { encryptionType: 'KMS', kmsKey: key.keyArn });
    },
    warnings: [],
  },
  // ---- replication
  {
    name: 'fails when replicating into a KMS registry of the app that has no REPLICATION creation template',
    build: (app) => {
      const source = new Stack(app, 'Source', { env: A });
      registry(source).addRepository('Api');
      replication(source, 'Replication', [{ region: 'eu-west-1', registryId: '111111111111' }]);
      const eu = new Stack(app, 'Eu', { env: A_EU });
      EcrAccountSetting.blobMounting(eu, 'BlobMounting');
      new ecr.Repository(eu, 'Api', { encryptionKey: new kms.Key(eu, 'Key') });
    },
    errors: [
      'Source/Replication: This replication configuration replicates into account 111111111111 in eu-west-1, whose repositories use the encryption of most repositories there, KMS (key Eu/Key)',
      'no REPLICATION creation template with prefix ROOT exists there, so ECR creates them with AES256',
      'give account 111111111111 in eu-west-1 a REPLICATION creation template (prefix ROOT) with KMS (key Eu/Key)',
    ],
  },
  {
    name: 'fails when the REPLICATION creation template of a destination without blob mounting differs from its repositories',
    build: (app) => {
      const source = new Stack(app, 'Source', { env: A });
      replication(source, 'Replication', [{ region: 'eu-west-1', registryId: '111111111111' }], ['team']);
      const eu = new Stack(app, 'Eu', { env: A_EU });
      new ecr.Repository(eu, 'One', { encryption: ecr.RepositoryEncryption.KMS });
      new ecr.Repository(eu, 'Two', { encryption: ecr.RepositoryEncryption.KMS });
      template(eu, 'Replicated', ['REPLICATION'], 'ROOT');
    },
    errors: ['the REPLICATION creation template Eu/Replicated creates them with AES256', 'the encryption of most repositories there, KMS (AWS managed key aws/ecr)'],
  },
  {
    name: 'allows replicating into a registry of the app whose ROOT REPLICATION template has its key',
    build: (app) => {
      const source = new Stack(app, 'Source', { env: A });
      registry(source).addRepository('Api');
      replication(source, 'Replication', [{ region: 'eu-west-1', registryId: '111111111111' }]);
      const eu = new Stack(app, 'Eu', { env: A_EU });
      const key = new kms.Key(eu, 'Key');
      // Without the registry's default templates: a registry has one ROOT template.
      new SharedLayerRegistry(eu, 'Registry', { encryption: RegistryEncryption.kms(key), creationTemplates: false }).addRepository('Api');
      template(eu, 'Replicated', ['REPLICATION'], 'ROOT', { encryptionType: 'KMS', kmsKey: key.keyArn });
    },
    warnings: [],
  },
  {
    name: 'warns when replicating to a registry the app does not define',
    build: (app) => {
      const source = new Stack(app, 'Source', { env: A });
      registry(source).addRepository('Api');
      replication(source, 'Replication', [{ region: 'eu-central-1', registryId: '333333333333' }]);
    },
    warnings: [`Source/Replication ${OUTSIDE_APP}`],
  },
  // ---- singletons
  {
    name: 'fails when two raw replication configurations are in one account and region',
    build: (app) => {
      replication(new Stack(app, 'One', { env: A }), 'Replication', [{ region: 'eu-central-1', registryId: '333333333333' }]);
      replication(new Stack(app, 'Two', { env: A }), 'Replication', [{ region: 'eu-central-1', registryId: '333333333333' }]);
    },
    errors: ['ECR replication configuration is defined 2 times for account 111111111111 in us-east-1: One/Replication, Two/Replication', 'the last deploy would silently win'],
  },
  {
    name: 'allows raw replication configurations in different regions',
    build: (app) => {
      replication(new Stack(app, 'One', { env: A }), 'Replication', [{ region: 'eu-central-1', registryId: '111111111111' }]);
      replication(new Stack(app, 'Two', { env: A_EU }), 'Replication', [{ region: 'eu-central-1', registryId: '111111111111' }]);
    },
    warnings: [`One/Replication ${OUTSIDE_APP}`, `Two/Replication ${OUTSIDE_APP}`],
  },
  {
    name: 'fails when two raw scanning configurations are in one account and region',
    build: (app) => {
      const stack = new Stack(app, 'One', { env: A });
      new ecr.CfnRegistryScanningConfiguration(stack, 'Scanning', { scanType: 'BASIC', rules: [] });
      new ecr.CfnRegistryScanningConfiguration(new Stack(app, 'Two', { env: A }), 'Scanning', { scanType: 'ENHANCED', rules: [] });
    },
    errors: ['ECR registry scanning configuration is defined 2 times for account 111111111111 in us-east-1: One/Scanning, Two/Scanning'],
  },
  {
    name: 'fails when two raw registry policies are in one account and region',
    build: (app) => {
      const stack = new Stack(app, 'One', { env: A });
      new ecr.CfnRegistryPolicy(stack, 'PolicyA', { policyText: {} });
      new ecr.CfnRegistryPolicy(stack, 'PolicyB', { policyText: {} });
    },
    errors: ['ECR registry policy is defined 2 times for account 111111111111 in us-east-1: One/PolicyA, One/PolicyB'],
  },
  {
    name: 'fails when a raw account setting duplicates an EcrAccountSetting of the same name',
    build: (app) => {
      EcrAccountSetting.blobMounting(new Stack(app, 'Baseline', { env: A }), 'BlobMounting');
      rawBlobMounting(new Stack(app, 'Rogue', { env: A }), 'Setting');
    },
    errors: ['ECR account setting BLOB_MOUNTING is defined 2 times for account 111111111111 in us-east-1: Baseline/BlobMounting, Rogue/Setting'],
  },
  // ---- nested Stages and env-agnostic stacks
  {
    name: 'fails when a repository in a nested Stage differs from the registry of the same account and region',
    build: (app) => {
      registry(new Stack(app, 'Platform', { env: A })).addRepository('Api');
      const stage = new Stage(app, 'Prod', { env: A });
      new ecr.Repository(new Stack(stage, 'Service'), 'Repo', { encryption: ecr.RepositoryEncryption.KMS });
    },
    errors: ['- KMS (AWS managed key aws/ecr), 1 resource: Prod/Service/Repo', 'Platform/Registry/Api'],
  },
  {
    name: 'fails when a nested Stage holds both the registry and a different raw repository',
    build: (app) => {
      const stage = new Stage(app, 'Prod', { env: A });
      const stack = new Stack(stage, 'Platform');
      LayerSharingChecks.ensure(stack);
      registry(stack).addRepository('Api');
      rawRepository(stack, 'Raw', { encryptionType: 'KMS' });
    },
    errors: ['Blob mounting is on for account 111111111111 in us-east-1 (Prod/Platform/Registry)', 'Prod/Platform/Raw'],
  },
  {
    name: 'allows an env-agnostic stack with consistent repositories, with a warning that it is compared with itself only',
    build: (app) => {
      registry(new Stack(app, 'Platform', { env: A })).addRepository('Api');
      const agnostic = new Stack(app, 'Agnostic');
      registry(agnostic, RegistryEncryption.kms()).addRepository('Api');
      new ecr.Repository(agnostic, 'Other', { encryption: ecr.RepositoryEncryption.KMS });
    },
    warnings: [`Agnostic ${ENV_AGNOSTIC}`],
  },
  {
    name: 'fails when an env-agnostic stack mixes encryptions with blob mounting on',
    build: (app) => {
      const agnostic = new Stack(app, 'Agnostic');
      registry(agnostic).addRepository('Api');
      rawRepository(agnostic, 'Raw', { encryptionType: 'KMS' });
    },
    errors: ['Blob mounting is on for the env-agnostic stack Agnostic (Agnostic/Registry)', 'Agnostic/Raw'],
  },
  // ---- pull through cache
  {
    name: 'warns that images of a pull through cache rule in a blob-mounting registry cannot be mounted',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform);
      new ecr.CfnPullThroughCacheRule(platform, 'DockerHub', { ecrRepositoryPrefix: 'docker-hub', upstreamRegistryUrl: 'registry-1.docker.io' });
    },
    warnings: [`Platform/DockerHub ${PULL_THROUGH}`],
  },
  {
    name: 'fails when a registry with blobMounting: false has another encryption beside it, without claiming blob mounting is on',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      new SharedLayerRegistry(platform, 'Registry', { blobMounting: false });
      rawRepository(platform, 'Raw', { encryptionType: 'KMS' });
    },
    errors: [
      '[Platform] [cdk-ecr-shared-layers:encryptionMismatch] Platform/Raw: account 111111111111 in us-east-1 has a SharedLayerRegistry (Platform/Registry) whose repositories are meant to share layers (blobMounting: false leaves the setting to another stack), but its repositories',
    ],
  },
  // ---- container image assets (the CDK bootstrap's repository is AES256)
  {
    name: 'warns when a container image asset goes to the bootstrap repository (AES256) of a KMS registry',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform, RegistryEncryption.kms(new kms.Key(platform, 'Key')));
      new ecrAssets.DockerImageAsset(new Stack(app, 'Service', { env: A }), 'Image', { directory: IMAGE });
    },
    warnings: [`Service/Image ${CONTAINER_ASSETS}`],
  },
  {
    name: 'allows container image assets in an AES256 registry (the bootstrap repository is in its island)',
    build: (app) => {
      registry(new Stack(app, 'Platform', { env: A }));
      new ecrAssets.DockerImageAsset(new Stack(app, 'Service', { env: A }), 'Image', { directory: IMAGE });
    },
    warnings: [],
  },
  {
    name: 'allows container image assets pushed to a repository of the registry (imageAssetsRepositoryName)',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform, RegistryEncryption.kms(new kms.Key(platform, 'Key'))).addRepository('CdkAssets', { repositoryName: 'cdk-assets' });
      const service = new Stack(app, 'Service', { env: A, synthesizer: new DefaultStackSynthesizer({ imageAssetsRepositoryName: 'cdk-assets' }) });
      new ecrAssets.DockerImageAsset(service, 'Image', { directory: IMAGE });
    },
    warnings: [],
  },
  // ---- acknowledged warnings
  {
    name: 'drops a warning acknowledged with Annotations.acknowledgeWarning',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform);
      new ecr.CfnPullThroughCacheRule(platform, 'DockerHub', { ecrRepositoryPrefix: 'docker-hub', upstreamRegistryUrl: 'registry-1.docker.io' });
      CoreAnnotations.of(platform).acknowledgeWarning(PULL_THROUGH, 'docker hub images are small');
    },
    warnings: [],
  },
  {
    name: 'drops a warning acknowledged with Validations.acknowledge',
    build: (app) => {
      const platform = new Stack(app, 'Platform', { env: A });
      registry(platform, RegistryEncryption.kms(new kms.Key(platform, 'Key')));
      rawRepository(platform, 'Raw', { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:us-east-1:111111111111:alias/ecr' });
      Validations.of(platform).acknowledge({ id: ENCRYPTION_NOT_PROVABLE, reason: 'the alias points to Platform/Key' });
    },
    warnings: [],
  },
];

describe('LayerSharingChecks: app shapes', () => {
  test.each(SHAPES)('$name', (shape) => expectShape(shape, CHECK_IDS));

  test('has at least 30 shapes, allowed and rejected', () => {
    expect(SHAPES.length).toBeGreaterThanOrEqual(30);
    expect(SHAPES.filter((s) => s.errors).every((s) => s.name.startsWith('fails when'))).toBe(true);
    expect(SHAPES.filter((s) => !s.errors).some((s) => s.name.startsWith('fails when'))).toBe(false);
  });
});

describe('LayerSharingChecks: reporting', () => {
  test('warnings are visible to Annotations.fromStack after app.synth()', () => {
    const app = new App();
    const platform = new Stack(app, 'Platform', { env: A });
    LayerSharingChecks.ensure(platform);
    registry(platform, RegistryEncryption.kms(new kms.Key(platform, 'Key')));
    rawRepository(platform, 'Raw', { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:us-east-1:111111111111:alias/ecr' });

    app.synth();

    Annotations.fromStack(platform).hasWarning('/Platform/Raw', Match.stringLikeRegexp('cannot be compared at synthesis: the key is given as the alias .*alias/ecr'));
  });

  test('warnings about a nested Stage reach its assembly when the checks are on', () => {
    const app = new App();
    const stage = new Stage(app, 'Prod', { env: A });
    const stack = new Stack(stage, 'Platform');
    LayerSharingChecks.ensure(stack);
    registry(stack);
    new ecr.CfnPullThroughCacheRule(stack, 'Quay', { ecrRepositoryPrefix: 'quay', upstreamRegistryUrl: 'quay.io' });

    app.synth();

    Annotations.fromStack(stack).hasWarning('/Prod/Platform/Quay', Match.stringLikeRegexp('cannot be mounted'));
  });

  test('fails once, not once per construct or per registration', () => {
    const app = new App();
    Aspects.of(app).add(new LayerSharingChecks());
    Aspects.of(app).add(new LayerSharingChecks());
    const platform = new Stack(app, 'Platform', { env: A });
    LayerSharingChecks.ensure(platform);
    LayerSharingChecks.ensure(app);
    registry(platform).addRepository('Api');
    rawRepository(platform, 'Raw', { encryptionType: 'KMS' });

    expect(() => app.synth()).toThrow(/^(?![\s\S]*Blob mounting is on[\s\S]*Blob mounting is on)[\s\S]*Blob mounting is on/);
  });

  test('does not repeat a duplicate the library\'s own claims already report', () => {
    const app = new App();
    Aspects.of(app).add(new LayerSharingChecks());
    EcrAccountSetting.blobMounting(new Stack(app, 'One', { env: A }), 'BlobMounting');
    EcrAccountSetting.blobMounting(new Stack(app, 'Two', { env: A }), 'BlobMounting');

    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.match(/ECR account setting BLOB_MOUNTING is defined 2 times/g)).toHaveLength(1);
  });

  test('lists at most five paths per island', () => {
    const app = new App();
    const platform = new Stack(app, 'Platform', { env: A });
    LayerSharingChecks.ensure(platform);
    registry(platform).addRepository('Api');
    for (let i = 0; i < 12; i++) {
      rawRepository(platform, `Kms${i}`, { encryptionType: 'KMS' });
    }

    expect(() => app.synth()).toThrow('- KMS (AWS managed key aws/ecr), 12 resources: Platform/Kms0, Platform/Kms1, Platform/Kms2, Platform/Kms3, Platform/Kms4 and 7 more');
  });

  test('an error is listed under the stack of the construct at fault, and names that construct first', () => {
    const app = new App();
    registry(new Stack(app, 'Platform', { env: A }));
    replication(new Stack(app, 'One', { env: A }), 'Replication', [{ region: 'eu-central-1', registryId: '333333333333' }]);
    replication(new Stack(app, 'Two', { env: A }), 'Replication', [{ region: 'eu-central-1', registryId: '333333333333' }]);

    expect(() => app.synth()).toThrow(
      'Validation failed with the following errors:\n  [Two] [cdk-ecr-shared-layers:duplicateRegistrySingleton] Two/Replication: ECR replication configuration is defined 2 times for account 111111111111 in us-east-1: One/Replication, Two/Replication. '
      + 'It exists once per registry (account and region), so the last deploy would silently win. Keep one replication configuration per account and region: add every rule with registry.addReplication() on the one SharedLayerRegistry of that account and region.',
    );
  });

  test('a synthesis without the checks turned on reports nothing', () => {
    const app = new App();
    const platform = new Stack(app, 'Platform', { env: A });
    new ecr.Repository(platform, 'One');
    new ecr.Repository(platform, 'Two', { encryption: ecr.RepositoryEncryption.KMS });
    rawBlobMounting(platform, 'Setting');

    expect(() => app.synth()).not.toThrow();
    expect(libraryWarnings(app, CHECK_IDS)).toEqual([]);
  });
});
