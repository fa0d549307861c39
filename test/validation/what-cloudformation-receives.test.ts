import { App, CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  EcrAccountSetting, LifecycleRule, PullThroughUpstream, RegistryEncryption, RegistryPolicy, RegistryPolicyScope, RegistryReplication,
  SharedLayerRegistry, SharedRepository,
} from '../../src';
import { RegistryBaselineStackSet } from '../../src/stacksets';
import { takeInventory } from '../../src/validation/app-inventory';
import { runRules } from '../../src/validation/engine';
import { uniqueNames } from '../../src/validation/rule-unique-names';
import { AppShape, expectShape } from '../support/app-shapes';

// The cases of issue 17, as app shapes: every check reads what CloudFormation receives (overrides,
// generic CfnResource, Lazy values), across the whole app.

const A = { account: '111111111111', region: 'us-east-1' };
const A_EU = { account: '111111111111', region: 'eu-west-1' };
const MRK_US = 'arn:aws:kms:us-east-1:111111111111:key/mrk-1234567890abcdef1234567890abcdef';
const MRK_EU = 'arn:aws:kms:eu-west-1:111111111111:key/mrk-1234567890abcdef1234567890abcdef';
const LAMBDA = 'arn:aws:lambda:us-east-1:111111111111:function:f';

function platform(app: App, encryption?: RegistryEncryption, env = A): { stack: Stack; registry: SharedLayerRegistry } {
  const stack = new Stack(app, env === A ? 'Platform' : 'PlatformEu', { env });
  return { stack, registry: new SharedLayerRegistry(stack, 'Registry', { encryption }) };
}

function rawResource(scope: Construct, id: string, type: string, properties: Record<string, unknown>): CfnResource {
  return new CfnResource(scope, id, { type, properties });
}

function everyone(extra: Record<string, unknown> = {}) {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'], Resource: 'arn:aws:ecr:us-east-1:111111111111:repository/*', ...extra }],
  };
}

const SHAPES: AppShape[] = [
  // ---- 1. overrides, generic CfnResource and Lazy values are read as CloudFormation receives them
  {
    name: 'fails when addPropertyOverride puts KMS on an ecr.Repository beside an AES256 registry',
    build: (app) => {
      const { stack } = platform(app);
      const repository = new ecr.Repository(stack, 'Legacy');
      (repository.node.defaultChild as ecr.CfnRepository).addPropertyOverride('EncryptionConfiguration.EncryptionType', 'KMS');
    },
    errors: ['[cdk-ecr-shared-layers:encryptionMismatch] Platform/Legacy: ', '- KMS (AWS managed key aws/ecr), 1 resource: Platform/Legacy'],
  },
  {
    name: 'fails when addOverride makes a repository of a KMS registry AES256',
    build: (app) => {
      const stack = new Stack(app, 'Platform', { env: A });
      const registry = new SharedLayerRegistry(stack, 'Registry', { encryption: RegistryEncryption.kms(new kms.Key(stack, 'Key')) });
      registry.addRepository('Api').resource.addOverride('Properties.EncryptionConfiguration', { EncryptionType: 'AES256' });
    },
    errors: ['Platform/Registry/Api: ', '- AES256, 1 resource: Platform/Registry/Api'],
  },
  {
    name: 'fails when addPropertyDeletionOverride removes the encryption of a repository of a KMS registry (absent = AES256)',
    build: (app) => {
      const stack = new Stack(app, 'Platform', { env: A });
      const registry = new SharedLayerRegistry(stack, 'Registry', { encryption: RegistryEncryption.kms() });
      registry.addRepository('Api').resource.addPropertyDeletionOverride('EncryptionConfiguration');
    },
    errors: ['- AES256, 1 resource: Platform/Registry/Api'],
  },
  {
    name: 'fails when a generic CfnResource AWS::ECR::Repository with KMS is beside an AES256 registry',
    build: (app) => {
      const { stack } = platform(app);
      rawResource(stack, 'Generic', 'AWS::ECR::Repository', { EncryptionConfiguration: { EncryptionType: 'KMS' } });
    },
    errors: ['[cdk-ecr-shared-layers:encryptionMismatch] Platform/Generic: ', '- KMS (AWS managed key aws/ecr), 1 resource: Platform/Generic'],
  },
  {
    name: 'allows a generic CfnResource AWS::ECR::Repository with the registry\'s own key',
    build: (app) => {
      const stack = new Stack(app, 'Platform', { env: A });
      const key = new kms.Key(stack, 'Key');
      new SharedLayerRegistry(stack, 'Registry', { encryption: RegistryEncryption.kms(key) });
      rawResource(stack, 'Generic', 'AWS::ECR::Repository', { EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: key.keyArn } });
    },
    warnings: [],
  },
  {
    name: 'allows an override that gives a plain repository the registry\'s key',
    build: (app) => {
      const stack = new Stack(app, 'Platform', { env: A });
      const key = new kms.Key(stack, 'Key');
      new SharedLayerRegistry(stack, 'Registry', { encryption: RegistryEncryption.kms(key) });
      const repository = new ecr.Repository(stack, 'Plain');
      (repository.node.defaultChild as ecr.CfnRepository).addPropertyOverride('EncryptionConfiguration', { EncryptionType: 'KMS', KmsKey: key.keyArn });
    },
    warnings: [],
  },
  {
    name: 'fails when an override puts Principal "*" into a raw CfnRegistryPolicy',
    build: (app) => {
      const { stack } = platform(app);
      const policy = new ecr.CfnRegistryPolicy(stack, 'Raw', { policyText: everyone({ Principal: { AWS: 'arn:aws:iam::222222222222:root' } }) });
      policy.addPropertyOverride('PolicyText.Statement.0.Principal', '*');
    },
    errors: ['[cdk-ecr-shared-layers:registryPolicyPublic] Platform/Raw: This registry policy allows everyone'],
  },
  {
    name: 'fails when a generic CfnResource AWS::ECR::RegistryPolicy grants to everyone',
    build: (app) => {
      const { stack } = platform(app);
      rawResource(stack, 'Generic', 'AWS::ECR::RegistryPolicy', { PolicyText: everyone() });
    },
    errors: ['[cdk-ecr-shared-layers:registryPolicyPublic] Platform/Generic: '],
  },
  {
    name: 'fails when a Lazy repository name resolves to Team/API',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.Repository(stack, 'Lazy', { repositoryName: Lazy.string({ produce: () => 'Team/API' }) });
    },
    errors: ['[cdk-ecr-shared-layers:invalidRepositoryName] Platform/Lazy: Invalid repository name "Team/API"'],
  },
  {
    name: 'fails when a Lazy account setting name resolves to BLOB_MOUNTING (DISABLED) beside a registry',
    build: (app) => {
      const { stack } = platform(app);
      rawResource(new Stack(app, 'Settings', { env: A }), 'Setting', 'Custom::EcrAccountSetting', {
        ServiceToken: LAMBDA, SettingName: Lazy.string({ produce: () => 'BLOB_MOUNTING' }), SettingValue: 'DISABLED',
      });
      void stack;
    },
    errors: ['[cdk-ecr-shared-layers:duplicateRegistrySingleton]', 'ECR account setting BLOB_MOUNTING is defined 2 times for account 111111111111 in us-east-1'],
  },
  // ---- 2. uniqueness across the whole registry, whatever wrote the resource
  {
    name: 'fails when a plain ecr.Repository in another stack has the name of a SharedRepository',
    build: (app) => {
      const { registry } = platform(app);
      registry.addRepository('Api', { repositoryName: 'team/api' });
      new ecr.Repository(new Stack(app, 'Team', { env: A }), 'Api', { repositoryName: 'team/api' });
    },
    errors: ['[Team] [cdk-ecr-shared-layers:duplicateRepositoryName] Team/Api: The repository name "team/api" is also the name of Platform/Registry/Api'],
  },
  {
    name: 'fails when a raw pull through cache rule in another stack has the prefix of the registry\'s rule',
    build: (app) => {
      const { registry } = platform(app);
      registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.ECR_PUBLIC, prefix: 'ecr-public' });
      new ecr.CfnPullThroughCacheRule(new Stack(app, 'Team', { env: A }), 'Raw', { ecrRepositoryPrefix: 'ecr-public', upstreamRegistryUrl: 'public.ecr.aws' });
    },
    errors: ['[Team] [cdk-ecr-shared-layers:duplicatePullThroughCachePrefix] Team/Raw: '],
  },
  {
    name: 'fails when a raw ROOT creation template in another stack meets the registry\'s default template',
    build: (app) => {
      platform(app);
      new ecr.CfnRepositoryCreationTemplate(new Stack(app, 'Team', { env: A }), 'Root', { prefix: 'ROOT', appliedFor: ['CREATE_ON_PUSH'] });
    },
    errors: ['[Team] [cdk-ecr-shared-layers:duplicateCreationTemplatePrefix] Team/Root: The repository creation template prefix "ROOT" is also the prefix of Platform/Registry/DefaultCreationTemplate'],
  },
  {
    name: 'fails when a plain repository is under the prefix of a pull through cache rule',
    build: (app) => {
      const { registry } = platform(app);
      registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.QUAY, prefix: 'quay' });
      new ecr.Repository(new Stack(app, 'Team', { env: A }), 'Mirror', { repositoryName: 'quay/coreos/etcd' });
    },
    errors: ['[Team] [cdk-ecr-shared-layers:pullThroughCachePrefixCollision] Team/Mirror: The repository "quay/coreos/etcd" is in the namespace of the pull through cache rule Platform/Registry/PullThroughCache-quay'],
  },
  // ---- 3. keys are compared as ECR compares them
  {
    name: 'fails when a us-east-1 repository is given the eu-west-1 replica ARN of the registry\'s multi-Region key',
    build: (app) => {
      const stack = new Stack(app, 'Platform', { env: A });
      new SharedLayerRegistry(stack, 'Registry', { encryption: RegistryEncryption.kms(kms.Key.fromKeyArn(stack, 'Key', MRK_US)) });
      new ecr.CfnRepository(stack, 'Replica', { encryptionConfiguration: { encryptionType: 'KMS', kmsKey: MRK_EU } });
    },
    errors: ['[cdk-ecr-shared-layers:kmsKeyInOtherRegion] Platform/Replica: The KMS key', '[cdk-ecr-shared-layers:encryptionMismatch] Platform/Replica: '],
  },
  {
    name: 'allows the us-east-1 ARN and the bare id of the registry\'s multi-Region key',
    build: (app) => {
      const stack = new Stack(app, 'Platform', { env: A });
      new SharedLayerRegistry(stack, 'Registry', { encryption: RegistryEncryption.kms(kms.Key.fromKeyArn(stack, 'Key', MRK_US)) });
      new ecr.CfnRepository(stack, 'ByArn', { encryptionConfiguration: { encryptionType: 'KMS', kmsKey: MRK_US } });
      new ecr.CfnRepository(stack, 'ById', { encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'mrk-1234567890abcdef1234567890abcdef' } });
    },
    warnings: [],
  },
  {
    name: 'fails when a raw creation template\'s KmsKey is an alias ARN',
    build: (app) => {
      const { stack } = platform(app, undefined, A_EU);
      new ecr.CfnRepositoryCreationTemplate(stack, 'Alias', {
        prefix: 'team', appliedFor: ['REPLICATION'], encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:111111111111:alias/ecr' },
      });
    },
    errors: ['[cdk-ecr-shared-layers:creationTemplateKeyNotKeyArn] PlatformEu/Alias: The KmsKey of the repository creation template is "arn:aws:kms:eu-west-1:111111111111:alias/ecr"'],
  },
  {
    name: 'fails when a raw creation template\'s KmsKey is a bare key id',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.CfnRepositoryCreationTemplate(stack, 'Bare', {
        prefix: 'team', appliedFor: ['REPLICATION'], encryptionConfiguration: { encryptionType: 'KMS', kmsKey: '11111111-1111-1111-1111-111111111111' },
      });
    },
    errors: ['[cdk-ecr-shared-layers:creationTemplateKeyNotKeyArn] Platform/Bare: '],
  },
  // ---- 4. ECR's limits and patterns (API model), on every resource
  {
    name: 'fails when a raw repository has 6 tag mutability exclusion filters (max 5)',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.CfnRepository(stack, 'Six', {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: ['a', 'b', 'c', 'd', 'e', 'f'].map((v) => ({ imageTagMutabilityExclusionFilterType: 'WILDCARD', imageTagMutabilityExclusionFilterValue: `${v}*` })),
      });
    },
    errors: ['[cdk-ecr-shared-layers:invalidTagMutabilityExclusionFilter] Platform/Six: 6 tag mutability exclusion filters, but Amazon ECR accepts at most 5'],
  },
  {
    name: 'fails when a raw creation template\'s description has 257 characters',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.CfnRepositoryCreationTemplate(stack, 'Long', { prefix: 'team', appliedFor: ['CREATE_ON_PUSH'], description: 'd'.repeat(257) });
    },
    errors: ['[cdk-ecr-shared-layers:creationTemplateDescriptionTooLong] Platform/Long: The description of the repository creation template has 257 characters'],
  },
  {
    name: 'allows a registry at a deep construct path (its default template description stays within 256 characters)',
    build: (app) => {
      let scope: Construct = new Stack(app, 'Platform', { env: A });
      for (let i = 0; i < 12; i++) {
        scope = new Construct(scope, `AVeryLongConstructIdOfLevel${i}`);
      }
      new SharedLayerRegistry(scope, 'Registry');
    },
    warnings: [],
  },
  {
    name: 'fails when a raw creation template has 51 resource tags (max 50)',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.CfnRepositoryCreationTemplate(stack, 'Tags', {
        prefix: 'team', appliedFor: ['CREATE_ON_PUSH'], resourceTags: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
      });
    },
    errors: ['[cdk-ecr-shared-layers:tooManyCreationTemplateTags] Platform/Tags: The repository creation template has 51 resource tags'],
  },
  {
    name: 'fails when a registry policy has more than 10,240 characters',
    build: (app) => {
      const stack = new Stack(app, 'Platform', { env: A });
      const policy = new RegistryPolicy(stack, 'Policy');
      for (let i = 0; i < 60; i++) {
        policy.addStatements(new iam.PolicyStatement({
          sid: `Replication${i}`,
          principals: [new iam.AccountPrincipal(String(100000000000 + i))],
          actions: ['ecr:CreateRepository', 'ecr:ReplicateImage'],
          resources: [`arn:aws:ecr:us-east-1:111111111111:repository/team${i}/*`],
        }));
      }
    },
    errors: ['[cdk-ecr-shared-layers:registryPolicyTooLong] Platform/Policy: This registry policy has '],
  },
  {
    name: 'allows repository names and prefixes with __ and -- (ECR\'s OCI pattern)',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.CfnRepository(stack, 'Underscores', { repositoryName: 'my__app' });
      new ecr.CfnRepository(stack, 'Dashes', { repositoryName: 'team/my--app' });
      new ecr.CfnRepositoryCreationTemplate(stack, 'Template', { prefix: 'team__x', appliedFor: ['CREATE_ON_PUSH'] });
    },
    warnings: [],
  },
  // ---- 5. IAM semantics
  {
    name: 'fails when a public statement is "limited" by StringLike aws:PrincipalAccount "*"',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.CfnRegistryPolicy(stack, 'Raw', { policyText: everyone({ Condition: { StringLike: { 'aws:PrincipalAccount': '*' } } }) });
    },
    errors: ['[cdk-ecr-shared-layers:registryPolicyPublic] Platform/Raw: '],
  },
  {
    name: 'fails when a public statement is "limited" by ForAllValues on a key that may be absent',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.CfnRegistryPolicy(stack, 'Raw', { policyText: everyone({ Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': ['o-abc123'] } } }) });
    },
    errors: ['[cdk-ecr-shared-layers:registryPolicyPublic] Platform/Raw: '],
  },
  {
    name: 'allows a public statement limited by StringEquals aws:PrincipalOrgID',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.CfnRegistryPolicy(stack, 'Raw', { policyText: everyone({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }) });
    },
    warnings: [],
  },
  {
    name: 'allows ECR:ReplicateImage (action names are case-insensitive) under registry policy scope V1',
    build: (app) => {
      const stack = new Stack(app, 'Platform', { env: A });
      new SharedLayerRegistry(stack, 'Registry', { registryPolicyScope: RegistryPolicyScope.V1 });
      new RegistryPolicy(new Stack(app, 'Policies', { env: A }), 'Policy', {
        statements: [new iam.PolicyStatement({
          principals: [new iam.AccountPrincipal('222222222222')], actions: ['ECR:ReplicateImage'], resources: ['arn:aws:ecr:us-east-1:111111111111:repository/*'],
        })],
      });
    },
    warnings: ['Platform/Registry/RegistryPolicyScope cdk-ecr-shared-layers:REGISTRY_POLICY_SCOPE.V1'],
  },
  // ---- 6. a replication filter is a string prefix, a creation template prefix a namespace
  {
    name: 'fails when a filter "team" replicates into a KMS registry whose only REPLICATION template is "team" (teamx would be AES256)',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.CfnReplicationConfiguration(stack, 'Replication', {
        replicationConfiguration: { rules: [{ destinations: [{ region: 'eu-west-1', registryId: '111111111111' }], repositoryFilters: [{ filter: 'team', filterType: 'PREFIX_MATCH' }] }] },
      });
      const eu = new Stack(app, 'Eu', { env: A_EU });
      const key = new kms.Key(eu, 'Key');
      new SharedLayerRegistry(eu, 'Registry', { encryption: RegistryEncryption.kms(key), creationTemplates: false }).addRepository('Api', { repositoryName: 'team/api' });
      new ecr.CfnRepositoryCreationTemplate(eu, 'Team', { prefix: 'team', appliedFor: ['REPLICATION'], encryptionConfiguration: { encryptionType: 'KMS', kmsKey: key.keyArn } });
    },
    errors: ['[cdk-ecr-shared-layers:replicationLeavesIsland] Platform/Replication: ', 'a filter is a plain prefix: "team" also matches "teamx"'],
  },
  {
    name: 'allows a filter "team/" into a KMS registry whose REPLICATION template is "team"',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.CfnReplicationConfiguration(stack, 'Replication', {
        replicationConfiguration: { rules: [{ destinations: [{ region: 'eu-west-1', registryId: '111111111111' }], repositoryFilters: [{ filter: 'team/', filterType: 'PREFIX_MATCH' }] }] },
      });
      const eu = new Stack(app, 'Eu', { env: A_EU });
      const key = new kms.Key(eu, 'Key');
      new SharedLayerRegistry(eu, 'Registry', { encryption: RegistryEncryption.kms(key), creationTemplates: false }).addRepository('Api', { repositoryName: 'team/api' });
      new ecr.CfnRepositoryCreationTemplate(eu, 'Team', { prefix: 'team', appliedFor: ['REPLICATION'], encryptionConfiguration: { encryptionType: 'KMS', kmsKey: key.keyArn } });
    },
    warnings: [],
  },
  // ---- 7. pull through cache credentials
  {
    name: 'fails when a raw pull through cache rule\'s secret name does not start with ecr-pullthroughcache/',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.CfnPullThroughCacheRule(stack, 'Hub', {
        ecrRepositoryPrefix: 'docker-hub',
        upstreamRegistry: 'docker-hub',
        upstreamRegistryUrl: 'registry-1.docker.io',
        credentialArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:dockerhub-AbCdEf',
      });
    },
    errors: ['[cdk-ecr-shared-layers:invalidPullThroughCacheCredential] Platform/Hub: ', 'does not start with \'ecr-pullthroughcache/\''],
  },
  {
    name: 'fails when the credential secret of a pull through cache rule is in another region',
    build: (app) => {
      const { stack } = platform(app);
      new ecr.CfnPullThroughCacheRule(stack, 'Hub', {
        ecrRepositoryPrefix: 'docker-hub',
        upstreamRegistry: 'docker-hub',
        upstreamRegistryUrl: 'registry-1.docker.io',
        credentialArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:ecr-pullthroughcache/hub-AbCdEf',
      });
    },
    errors: ['it is in region eu-west-1, but the rule is in region us-east-1'],
  },
  {
    name: 'fails when the credential secret construct of a raw pull through cache rule is named without the prefix',
    build: (app) => {
      const { stack } = platform(app);
      const secret = new secretsmanager.Secret(stack, 'Secret', { secretName: 'dockerhub' });
      new ecr.CfnPullThroughCacheRule(stack, 'Hub', {
        ecrRepositoryPrefix: 'docker-hub', upstreamRegistry: 'docker-hub', upstreamRegistryUrl: 'registry-1.docker.io', credentialArn: secret.secretArn,
      });
    },
    errors: ['its name "dockerhub" does not start with \'ecr-pullthroughcache/\''],
  },
  {
    name: 'allows a pull through cache rule whose secret construct is named ecr-pullthroughcache/...',
    build: (app) => {
      const { stack, registry } = platform(app);
      registry.addPullThroughCacheRule({
        upstream: PullThroughUpstream.DOCKER_HUB,
        prefix: 'docker-hub',
        credential: new secretsmanager.Secret(stack, 'Secret', { secretName: 'ecr-pullthroughcache/docker-hub' }),
      });
    },
    warnings: ['Platform/Registry/PullThroughCache-docker-hub cdk-ecr-shared-layers:pullThroughCacheNotMounted'],
  },
  // ---- 8. the smaller ones
  {
    name: 'warns about ecr.Repository.fromRepositoryName in a registry with blob mounting on',
    build: (app) => {
      platform(app);
      ecr.Repository.fromRepositoryName(new Stack(app, 'Team', { env: A }), 'Legacy', 'legacy/app');
    },
    warnings: ['Team/Legacy cdk-ecr-shared-layers:importedRepositoryNotChecked'],
  },
  {
    name: 'allows ecr.Repository.fromRepositoryName of a repository of the app',
    build: (app) => {
      const { registry } = platform(app);
      registry.addRepository('Api', { repositoryName: 'team/api' });
      ecr.Repository.fromRepositoryName(new Stack(app, 'Team', { env: A }), 'Api', 'team/api');
    },
    warnings: [],
  },
  {
    name: 'fails when a repository in a team stack has another encryption: the error is listed by the team stack, under the repository\'s path',
    build: (app) => {
      const { registry } = platform(app);
      new SharedRepository(new Stack(app, 'Web', { env: A }), 'Web', { registry });
      new ecr.Repository(new Stack(app, 'Team', { env: A }), 'Legacy', { encryption: ecr.RepositoryEncryption.KMS });
    },
    errors: ['\n  [Team] [cdk-ecr-shared-layers:encryptionMismatch] Team/Legacy: Blob mounting is on'],
  },
];

describe('the checks read what CloudFormation receives, across the whole app', () => {
  test.each(SHAPES)('$name', (shape) => expectShape(shape));

  test('shapes read like the cases: rejected ones start with "fails when", allowed ones do not', () => {
    expect(SHAPES.filter((s) => s.errors).every((s) => s.name.startsWith('fails when'))).toBe(true);
    expect(SHAPES.filter((s) => !s.errors).some((s) => s.name.startsWith('fails when'))).toBe(false);
  });
});

describe('the engine', () => {
  test('a rule that throws is reported as an error naming the rule, and the other rules still run', () => {
    const app = new App();
    const stack = new Stack(app, 'Platform', { env: A });
    new ecr.CfnRepository(stack, 'One', { repositoryName: 'team/api' });
    new ecr.CfnRepository(stack, 'Two', { repositoryName: 'team/api' });
    function brokenRule(): never {
      throw new Error('cannot read property x');
    }

    const findings = runRules(takeInventory(app), [brokenRule, uniqueNames], app);

    expect(findings.map((f) => [f.level, f.id, f.subject.node.path])).toEqual([
      ['error', 'checkFailed', 'Platform'],
      ['error', 'duplicateRepositoryName', 'Platform/Two'],
    ]);
    expect(findings[0].message).toMatch(/^The layer-sharing check brokenRule failed: cannot read property x\. /);
    expect(findings[0].message).not.toMatch(/\n\s+at /);
  });
});

describe('inputs outside the checks', () => {
  test('a lifecycle count of NaN is reported as NaN, not null', () => {
    expect(() => LifecycleRule.expireByCount({ maxImageCount: NaN })).toThrow(/maxImageCount must be a whole number of at least 1, got NaN/);
  });

  test.each(['eu-wset-1', 'us-east', 'useast-1'])('a StackSet region that is not a region (%s) is refused', (region) => {
    const stack = new Stack(new App(), 'Organization', { env: A });
    expect(() => new RegistryBaselineStackSet(stack, 'Baseline', { organizationalUnitIds: ['ou-ab12-cdef3456'], regions: [region] }))
      .toThrow(`[cdk-ecr-shared-layers:stackSetInvalidListEntry] Organization/Baseline: Invalid entry "${region}" in regions`);
  });

  test('errors of a construct\'s own state follow the README\'s format too: [id] <path>: <message>', () => {
    const app = new App();
    const { registry } = platform(app);
    new RegistryReplication(registry, 'Replication', { registry });
    new RegistryPolicy(new Stack(app, 'Policies', { env: A }), 'Policy');
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('[Platform/Registry/Replication] [cdk-ecr-shared-layers:replicationWithoutRules] Platform/Registry/Replication: This replication configuration has no rules');
    expect(message).toContain('[Policies/Policy] [cdk-ecr-shared-layers:registryPolicyWithoutStatements] Policies/Policy: This registry policy has no statements');
  });

  test('EcrAccountSetting and a registry in one account and region still count as two owners of BLOB_MOUNTING', () => {
    const app = new App();
    platform(app);
    EcrAccountSetting.blobMounting(new Stack(app, 'Settings', { env: A }), 'BlobMounting');
    expect(() => app.synth()).toThrow(/\[Settings\] \[cdk-ecr-shared-layers:duplicateRegistrySingleton\] Settings\/BlobMounting: ECR account setting BLOB_MOUNTING is defined 2 times/);
  });
});
