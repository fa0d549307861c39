import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  BasicScanTypeVersion, LifecycleRule, RegistryEncryption, RegistryPolicyScope, SharedLayerRegistry, SharedRepository, TagStatus,
} from '../../src';
import { cfnLintApp, testWithCfnLint } from '../support/cfn-lint';

const ENV = { account: '111111111111', region: 'us-east-1' };

function registryStack(props: ConstructorParameters<typeof SharedLayerRegistry>[2] = {}) {
  const app = new App();
  const stack = new Stack(app, 'Platform', { env: ENV });
  const registry = new SharedLayerRegistry(stack, 'Registry', props);
  return { app, stack, registry };
}

function repositories(stack: Stack) {
  return Object.values(Template.fromStack(stack).findResources('AWS::ECR::Repository'));
}

describe('SharedLayerRegistry', () => {
  describe('encryption', () => {
    test('AES256 by default, rendered explicitly on every repository', () => {
      const { stack, registry } = registryStack();
      registry.addRepository('A', { repositoryName: 'team/a' });
      registry.addRepository('B', { repositoryName: 'team/b' });

      const repos = repositories(stack);
      expect(repos).toHaveLength(2);
      for (const repo of repos) {
        expect(repo.Properties.EncryptionConfiguration).toEqual({ EncryptionType: 'AES256' });
      }
    });

    test('KMS without a key = the AWS managed key aws/ecr', () => {
      const { stack, registry } = registryStack({ encryption: RegistryEncryption.kms() });
      registry.addRepository('A');

      Template.fromStack(stack).hasResourceProperties('AWS::ECR::Repository', {
        EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: Match.absent() },
      });
      expect(registry.encryption.describe()).toBe('KMS (AWS managed key aws/ecr)');
    });

    test('every repository of a KMS registry, in every stack, carries byte-identical EncryptionConfiguration', () => {
      // GIVEN
      const app = new App();
      const platform = new Stack(app, 'Platform', { env: ENV });
      const key = new kms.Key(platform, 'Key', { enableKeyRotation: true });
      const registry = new SharedLayerRegistry(platform, 'Registry', { encryption: RegistryEncryption.kms(key) });
      const team = new Stack(app, 'Team', { env: ENV });

      // WHEN
      for (let i = 0; i < 5; i++) {
        registry.addRepository(`Own${i}`, { repositoryName: `platform/r${i}` });
        new SharedRepository(team, `Team${i}`, { registry, repositoryName: `team/r${i}` });
      }

      // THEN
      const own = repositories(platform).map((r) => JSON.stringify(r.Properties.EncryptionConfiguration));
      expect(new Set(own)).toEqual(new Set([JSON.stringify({ EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [platform.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] } })]));
      const theirs = repositories(team).map((r) => JSON.stringify(r.Properties.EncryptionConfiguration));
      expect(theirs).toHaveLength(5);
      expect(new Set(theirs).size).toBe(1);
      expect(theirs[0]).toContain('Fn::ImportValue');
    });

    test('a key given to the registry lets the account create the grants ECR needs, through ECR only', () => {
      const app = new App();
      const stack = new Stack(app, 'Platform', { env: ENV });
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      new SharedLayerRegistry(stack, 'Registry', { encryption: RegistryEncryption.kms(key) });

      Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([{
            Sid: 'AllowEcrRepositoriesOfThisRegistry',
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } },
            Action: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
            Resource: '*',
            Condition: { StringEquals: { 'kms:ViaService': 'ecr.us-east-1.amazonaws.com', 'kms:CallerAccount': '111111111111' } },
          }]),
        },
      });
    });

    test('an imported key is used as it is (its policy cannot be changed)', () => {
      const key = kms.Key.fromKeyArn(new Stack(), 'K', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
      const { stack, registry } = registryStack({ encryption: RegistryEncryption.kms(key) });
      registry.addRepository('A');

      Template.fromStack(stack).hasResourceProperties('AWS::ECR::Repository', {
        EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
      });
    });

    test('KMS_DSSE in a GovCloud region', () => {
      const stack = new Stack(new App(), 'Gov', { env: { account: '111111111111', region: 'us-gov-west-1' } });
      const registry = new SharedLayerRegistry(stack, 'Registry', { encryption: RegistryEncryption.kmsDsse() });
      registry.addRepository('A');

      Template.fromStack(stack).hasResourceProperties('AWS::ECR::Repository', { EncryptionConfiguration: { EncryptionType: 'KMS_DSSE' } });
    });

    test('fails when the key is in another region', () => {
      const key = kms.Key.fromKeyArn(new Stack(), 'K', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
      expect(() => registryStack({ encryption: RegistryEncryption.kms(key) })).toThrow(
        'Platform/Registry: The KMS key Default/K is in "eu-west-1", but the registry is in "us-east-1". Amazon ECR needs a key in the repository\'s region: create or import a key in us-east-1.',
      );
    });

    test('fails when KMS_DSSE is asked for in a commercial region', () => {
      expect(() => registryStack({ encryption: RegistryEncryption.kmsDsse() })).toThrow(
        'Platform/Registry: Encryption KMS_DSSE is only available in the AWS GovCloud (US) regions, but the registry is in "us-east-1". Use RegistryEncryption.kms(key) in this region.',
      );
    });
  });

  describe('account settings', () => {
    test('blob mounting is turned on by default, RETAIN', () => {
      const { stack, registry } = registryStack();

      Template.fromStack(stack).resourcePropertiesCountIs('Custom::EcrAccountSetting', { SettingName: 'BLOB_MOUNTING', SettingValue: 'ENABLED', OnDelete: 'RETAIN' }, 1);
      expect(registry.blobMountingSetting?.settingValue).toBe('ENABLED');
    });

    test('blobMounting: false manages no setting at all', () => {
      const { stack, registry } = registryStack({ blobMounting: false });

      Template.fromStack(stack).resourceCountIs('Custom::EcrAccountSetting', 0);
      Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 0);
      expect(registry.blobMountingSetting).toBeUndefined();
    });

    test('the other account settings, and DESTROY for blob mounting', () => {
      const { stack } = registryStack({
        registryPolicyScope: RegistryPolicyScope.V2,
        basicScanTypeVersion: BasicScanTypeVersion.AWS_NATIVE,
        accountSettingsRemovalPolicy: RemovalPolicy.DESTROY,
      });

      const template = Template.fromStack(stack);
      template.hasResourceProperties('Custom::EcrAccountSetting', { SettingName: 'BLOB_MOUNTING', OnDelete: 'RESET', ResetValue: 'DISABLED' });
      template.hasResourceProperties('Custom::EcrAccountSetting', { SettingName: 'REGISTRY_POLICY_SCOPE', SettingValue: 'V2', OnDelete: 'RETAIN' });
      template.hasResourceProperties('Custom::EcrAccountSetting', { SettingName: 'BASIC_SCAN_TYPE_VERSION', SettingValue: 'AWS_NATIVE', OnDelete: 'RETAIN' });
      template.resourceCountIs('AWS::Lambda::Function', 1);
    });
  });

  describe('repositories', () => {
    test('defaults: IMMUTABLE tags, RETAIN, no lifecycle policy, no images deleted', () => {
      const { stack, registry } = registryStack();
      registry.addRepository('Api', { repositoryName: 'team/api' });

      Template.fromStack(stack).hasResource('AWS::ECR::Repository', {
        Properties: {
          RepositoryName: 'team/api',
          ImageTagMutability: 'IMMUTABLE',
          LifecyclePolicy: Match.absent(),
          EmptyOnDelete: Match.absent(),
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    test('tag mutability with exclusion filters, registry-wide and per repository', () => {
      const { stack, registry } = registryStack({
        imageTagMutability: ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION,
        imageTagMutabilityExclusionFilters: ['latest'],
      });
      registry.addRepository('A', { repositoryName: 'team/a' });
      registry.addRepository('B', { repositoryName: 'team/b', imageTagMutability: ecr.TagMutability.MUTABLE });
      registry.addRepository('C', { repositoryName: 'team/c', imageTagMutabilityExclusionFilters: ['dev-*'] });

      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::ECR::Repository', {
        RepositoryName: 'team/a',
        ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        ImageTagMutabilityExclusionFilters: [{ ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'latest' }],
      });
      template.hasResourceProperties('AWS::ECR::Repository', { RepositoryName: 'team/b', ImageTagMutability: 'MUTABLE', ImageTagMutabilityExclusionFilters: Match.absent() });
      template.hasResourceProperties('AWS::ECR::Repository', {
        RepositoryName: 'team/c',
        ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        ImageTagMutabilityExclusionFilters: [{ ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'dev-*' }],
      });
    });

    test('removal policy DESTROY with emptyOnDelete, when asked for', () => {
      const { stack, registry } = registryStack();
      registry.addRepository('Scratch', { removalPolicy: RemovalPolicy.DESTROY, emptyOnDelete: true });

      Template.fromStack(stack).hasResource('AWS::ECR::Repository', {
        Properties: { EmptyOnDelete: true },
        DeletionPolicy: 'Delete',
      });
    });

    test('registry default lifecycle rules merged with a repository\'s own', () => {
      const { stack, registry } = registryStack({
        lifecycleRules: [LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 7 })],
      });
      registry.addRepository('A', { repositoryName: 'team/a' });
      registry.addRepository('B', {
        repositoryName: 'team/b',
        lifecycleRules: [LifecycleRule.archiveAfterDaysSincePull({ days: 90 })],
      });

      const template = Template.fromStack(stack);
      const policies = Object.fromEntries(repositories(stack).map((r) =>
        [r.Properties.RepositoryName, JSON.parse(r.Properties.LifecyclePolicy.LifecyclePolicyText)]));
      expect(policies['team/a'].rules).toEqual([
        { rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, action: { type: 'expire' } },
      ]);
      expect(policies['team/b'].rules).toEqual([
        { rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, action: { type: 'expire' } },
        { rulePriority: 2, selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 }, action: { type: 'transition', targetStorageClass: 'archive' } },
      ]);
      template.resourceCountIs('AWS::ECR::Repository', 2);
    });

    test('the returned repository is an ecr.IRepository with the registry URI', () => {
      const { stack, registry } = registryStack();
      const repo: ecr.IRepository = registry.addRepository('Api', { repositoryName: 'team/api' });

      expect(stack.resolve(repo.repositoryName)).toEqual({ Ref: stack.getLogicalId((repo as SharedRepository).resource) });
      expect(JSON.stringify(stack.resolve(repo.repositoryUri))).toContain('.dkr.ecr.');
      expect(stack.resolve(registry.registryUri)).toEqual({ 'Fn::Join': ['', ['111111111111.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }]] });
      expect(registry.registryId).toBe('111111111111');
      expect(registry.region).toBe('us-east-1');
      expect(registry.repositories).toEqual([repo]);
    });

    test('an imported repository warns that its encryption is not checked', () => {
      const { stack, registry } = registryStack();
      const imported = registry.importRepository('Legacy', 'legacy/app');

      expect(imported.repositoryName).toBe('legacy/app');
      Annotations.fromStack(stack).hasWarning('/Platform/Registry/Legacy', Match.stringLikeRegexp('is not checked for encryption: it shares layers with account 111111111111 in us-east-1 only if it uses the registry\'s encryption AES256 \\(Platform/Registry\\)'));
    });
  });

  describe('grants', () => {
    const ALL_REPOSITORIES = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:111111111111:repository/*']] };

    test.each([
      ['grantPull', ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage']],
      ['grantPush', ['ecr:CompleteLayerUpload', 'ecr:UploadLayerPart', 'ecr:InitiateLayerUpload', 'ecr:BatchCheckLayerAvailability', 'ecr:PutImage', 'ecr:GetDownloadUrlForLayer']],
      ['grantPullPush', ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:UploadLayerPart', 'ecr:InitiateLayerUpload', 'ecr:PutImage']],
    ] as const)('registry.%s grants exactly these actions on every repository of the registry', (method, actions) => {
      const { stack, registry } = registryStack();
      const role = new iam.Role(stack, 'Ci', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });

      registry[method](role);

      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: [...actions], Resource: ALL_REPOSITORIES },
            { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
          ],
        },
      });
    });

    test('repository.grantPush also grants mounting from every repository of the registry', () => {
      const { stack, registry } = registryStack();
      const repo = registry.addRepository('Api', { repositoryName: 'team/api' });
      const role = new iam.Role(stack, 'Ci', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });

      repo.grantPush(role);

      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: ['ecr:CompleteLayerUpload', 'ecr:UploadLayerPart', 'ecr:InitiateLayerUpload', 'ecr:BatchCheckLayerAvailability', 'ecr:PutImage'],
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegistryApi'), 'Arn'] },
            },
            { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
            { Effect: 'Allow', Action: 'ecr:GetDownloadUrlForLayer', Resource: ALL_REPOSITORIES },
          ],
        },
      });
    });

    test.each([
      ['grantPush', ['ecr:CompleteLayerUpload', 'ecr:UploadLayerPart', 'ecr:InitiateLayerUpload', 'ecr:BatchCheckLayerAvailability', 'ecr:PutImage']],
      ['grantPullPush', ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:UploadLayerPart', 'ecr:InitiateLayerUpload', 'ecr:PutImage']],
    ] as const)('an imported repository\'s %s also grants mounting from every repository of the registry', (method, actions) => {
      // GIVEN
      const { stack, registry } = registryStack();
      const imported = registry.importRepository('Legacy', 'legacy/app');
      const role = new iam.Role(stack, 'Ci', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });

      // WHEN
      imported[method](role);

      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: [...actions],
              Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:111111111111:repository/legacy/app']] },
            },
            { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
            { Effect: 'Allow', Action: 'ecr:GetDownloadUrlForLayer', Resource: ALL_REPOSITORIES },
          ],
        },
      });
    });

    test('an imported repository\'s grantPull is aws-cdk-lib\'s (this repository only)', () => {
      const { stack, registry } = registryStack();
      const imported = registry.importRepository('Legacy', 'legacy/app');
      const role = new iam.Role(stack, 'Ci', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });

      imported.grantPull(role);

      const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
      expect(statements.map((statement) => statement.Resource)).not.toContainEqual(ALL_REPOSITORIES);
    });

    test('repository.grantPull is aws-cdk-lib\'s (this repository only)', () => {
      const { stack, registry } = registryStack();
      const repo = registry.addRepository('Api', { repositoryName: 'team/api' });
      const role = new iam.Role(stack, 'Ci', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });

      repo.grantPull(role);

      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegistryApi'), 'Arn'] } },
            { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
          ],
        },
      });
    });
  });

  describe('an app with a KMS registry, 50 repositories and 3 team stacks', () => {
    function bigApp() {
      const app = new App({ context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong' } });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      const platform = new Stack(app, 'Platform', { env: ENV });
      const key = new kms.Key(platform, 'Key', { enableKeyRotation: true });
      const registry = new SharedLayerRegistry(platform, 'Registry', {
        encryption: RegistryEncryption.kms(key),
        lifecycleRules: [LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 14 })],
      });
      for (let i = 0; i < 50; i++) {
        registry.addRepository(`Repo${i}`, { repositoryName: `platform/service-${i}` });
      }
      const teams = ['Alpha', 'Beta', 'Gamma'].map((team) => {
        const stack = new Stack(app, `Team${team}`, { env: ENV });
        for (let i = 0; i < 5; i++) {
          new SharedRepository(stack, `Repo${i}`, { registry, repositoryName: `${team.toLowerCase()}/service-${i}` });
        }
        return stack;
      });
      return { app, platform, teams };
    }

    testWithCfnLint('every template passes cfn-lint', () => {
      const { app } = bigApp();

      expect(cfnLintApp(app)).toEqual({ status: 0, output: '', templates: 4 });
    });

    test('synthesizes with cdk-nag AwsSolutions and no unacknowledged finding', () => {
      const { app, platform, teams } = bigApp();

      expect(() => app.synth()).not.toThrow();
      expect(repositories(platform)).toHaveLength(50);
      for (const team of teams) {
        expect(repositories(team)).toHaveLength(5);
      }
    });
  });

  describe('fails at synthesis', () => {
    test.each([
      ['upper-case letters', 'Team/Api'],
      ['one character', 'a'],
      ['a leading slash', '/team/api'],
      ['a double separator', 'team//api'],
      ['a trailing separator', 'team-'],
      ['a space', 'team api'],
      ['257 characters', 'a'.repeat(257)],
    ])('fails when a repository name has %s', (_case, name) => {
      const { registry } = registryStack();
      expect(() => registry.addRepository('Repo', { repositoryName: name })).toThrow(
        `Platform/Registry/Repo: Invalid repository name ${JSON.stringify(name)}: expected 2-256 characters of lower-case letters and digits, separated by '.', '_', '__' or runs of '-', with optional namespaces separated by '/'`,
      );
    });

    test.each(['my__app', 'my--app', 'team/my---app', 'a.b_c__d-e'])('accepts %s (separators __ and runs of - of ECR\'s OCI pattern)', (name) => {
      const { app, registry } = registryStack();
      registry.addRepository('Repo', { repositoryName: name });
      expect(() => app.synth()).not.toThrow();
    });

    test('fails when two repositories of one registry share a name, across stacks', () => {
      const { app, registry } = registryStack();
      registry.addRepository('Api', { repositoryName: 'team/api' });
      const team = new Stack(app, 'Team', { env: ENV });

      expect(() => new SharedRepository(team, 'Api', { registry, repositoryName: 'team/api' })).toThrow(
        'Team/Api: The registry Platform/Registry already has a repository named "team/api" (Platform/Registry/Api). Repository names are unique in a registry: choose another name, or reuse Platform/Registry/Api.',
      );
    });

    test('fails when a SharedRepository is in another region than its registry', () => {
      const { app, registry } = registryStack();
      const team = new Stack(app, 'Team', { env: { account: '111111111111', region: 'eu-west-1' } });

      expect(() => new SharedRepository(team, 'Api', { registry, repositoryName: 'team/api' })).toThrow(
        'Team/Api: A SharedRepository must be in its registry\'s account and region, but its stack Team has region "eu-west-1" and the registry Platform/Registry has "us-east-1".',
      );
    });

    test.each([
      ['a space', 'dev *'],
      ['a slash', 'release/*'],
      ['129 characters', 'a'.repeat(129)],
      ['nothing', ''],
    ])('fails when a tag mutability exclusion filter has %s', (_case, filter) => {
      const props = { imageTagMutability: ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION, imageTagMutabilityExclusionFilters: [filter] };
      expect(() => registryStack(props)).toThrow(
        `Platform/Registry: Invalid tag mutability exclusion filter ${JSON.stringify(filter)}: expected 1-128 characters of letters, digits, '.', '_', '-' and the wildcard '*'`,
      );
    });

    test('fails when exclusion filters are given with a mutability that ignores them', () => {
      expect(() => registryStack({ imageTagMutabilityExclusionFilters: ['latest'] })).toThrow(
        'Platform/Registry: imageTagMutabilityExclusionFilters ["latest"] are given with tag mutability IMMUTABLE, which ignores them. Use TagMutability.IMMUTABLE_WITH_EXCLUSION or TagMutability.MUTABLE_WITH_EXCLUSION, or remove the filters.',
      );
    });

    test('fails when a *_WITH_EXCLUSION mutability has no filter', () => {
      const { registry } = registryStack();
      expect(() => registry.addRepository('A', { imageTagMutability: ecr.TagMutability.MUTABLE_WITH_EXCLUSION })).toThrow(
        'Platform/Registry/A: Tag mutability MUTABLE_WITH_EXCLUSION needs imageTagMutabilityExclusionFilters (for example [\'latest\']). Add the filters, or use MUTABLE.',
      );
    });

    test('fails when emptyOnDelete is asked for without RemovalPolicy.DESTROY', () => {
      const { registry } = registryStack();
      expect(() => registry.addRepository('A', { emptyOnDelete: true })).toThrow(
        'Platform/Registry/A: emptyOnDelete is true, but removalPolicy is "retain": images can only be deleted with the repository.',
      );
    });

    test.each([
      ['count', () => LifecycleRule.expireByCount({ maxImageCount: 0 })],
      ['days', () => LifecycleRule.expireAfterDaysSincePush({ days: -1 })],
    ])('fails when a lifecycle rule has a zero or negative %s', (_case, make) => {
      expect(make).toThrow(/at least 1/);
    });

    test('fails when two SharedLayerRegistry own the same account and region, naming both', () => {
      const app = new App();
      new SharedLayerRegistry(new Stack(app, 'One', { env: ENV }), 'Registry', { blobMounting: false });
      new SharedLayerRegistry(new Stack(app, 'Two', { env: ENV }), 'Registry', { blobMounting: false });

      expect(() => app.synth()).toThrow(
        'SharedLayerRegistry is defined 2 times for account 111111111111 in us-east-1: One/Registry, Two/Registry. It exists once per registry (account and region), so the last deploy would silently win. A registry has one owner',
      );
    });

    test('allows one SharedLayerRegistry per region of one account', () => {
      const app = new App();
      new SharedLayerRegistry(new Stack(app, 'One', { env: ENV }), 'Registry');
      new SharedLayerRegistry(new Stack(app, 'Two', { env: { account: '111111111111', region: 'eu-west-1' } }), 'Registry');

      expect(() => app.synth()).not.toThrow();
    });
  });
});
