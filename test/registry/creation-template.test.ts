import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RegistryEncryption } from '../../src/encryption';
import { LifecycleRule, TagStatus } from '../../src/lifecycle/lifecycle-rule';
import { CreationTemplateAppliedFor, RegistryCreationTemplate, RegistryCreationTemplateOptions } from '../../src/registry/creation-template';
import { PullThroughUpstream } from '../../src/registry/pull-through-cache';
import { SharedLayerRegistry, SharedLayerRegistryProps } from '../../src/registry/shared-layer-registry';

const ENV = { account: '111111111111', region: 'us-east-1' };

function registryStack(props: SharedLayerRegistryProps = {}): { stack: Stack; registry: SharedLayerRegistry } {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const registry = new SharedLayerRegistry(stack, 'Registry', { blobMounting: false, creationTemplates: false, ...props });
  return { stack, registry };
}

function kmsRegistry(creationTemplates = false): { stack: Stack; registry: SharedLayerRegistry; key: kms.Key } {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const registry = new SharedLayerRegistry(stack, 'Registry', { blobMounting: false, creationTemplates, encryption: RegistryEncryption.kms(key) });
  return { stack, registry, key };
}

describe('RegistryCreationTemplate', () => {
  test('the default template (ROOT) carries the AES256 registry\'s settings and needs no custom role', () => {
    // GIVEN
    // WHEN
    const { stack } = registryStack({ creationTemplates: true });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', {
      Prefix: 'ROOT',
      AppliedFor: ['REPLICATION', 'CREATE_ON_PUSH'],
      EncryptionConfiguration: { EncryptionType: 'AES256' },
      ImageTagMutability: 'IMMUTABLE',
      CustomRoleArn: Match.absent(),
      LifecyclePolicy: Match.absent(),
    });
    template.resourceCountIs('AWS::IAM::Role', 0);
  });

  test.each<[string, (stack: Stack) => kms.IKey]>([
    ['kms.Alias.fromAliasName', (stack) => kms.Alias.fromAliasName(stack, 'Alias', 'alias/platform/ecr')],
    ['a new kms.Alias', (stack) => new kms.Alias(stack, 'Alias', { aliasName: 'alias/platform/ecr', targetKey: new kms.Key(stack, 'Key') })],
    ['an alias ARN given to kms.Key.fromKeyArn', (stack) => kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:111111111111:alias/platform/ecr')],
  ])('fails when the registry key is an alias (%s): a creation template needs a key ARN', (_name, makeKey) => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const key = makeKey(stack);

    expect(() => new SharedLayerRegistry(stack, 'Registry', { blobMounting: false, encryption: RegistryEncryption.kms(key) }))
      .toThrow(/^\[cdk-ecr-shared-layers:creationTemplateKeyIsAlias\] Stack\/Registry\/DefaultCreationTemplate: The registry Stack\/Registry uses the KMS key .* as an alias .*, but a repository creation template needs a key ARN: Amazon ECR rejects an alias in KmsKey\. Give the key itself: kms\.Key\.fromKeyArn/);
  });

  test('an alias key is accepted when the registry has no creation templates', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const alias = kms.Alias.fromAliasName(stack, 'Alias', 'alias/platform/ecr');

    new SharedLayerRegistry(stack, 'Registry', { blobMounting: false, creationTemplates: false, encryption: RegistryEncryption.kms(alias) });

    Template.fromStack(stack).resourceCountIs('AWS::ECR::RepositoryCreationTemplate', 0);
  });

  test('a registry has one default template, whatever else it adds', () => {
    const { stack, registry } = registryStack({ creationTemplates: true });

    registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.ECR_PUBLIC, prefix: 'ecr-public' });
    registry.addCreationTemplate('Prod', { prefix: 'prod', appliedFor: [CreationTemplateAppliedFor.REPLICATION] });

    const templates = Object.values(Template.fromStack(stack).findResources('AWS::ECR::RepositoryCreationTemplate'));
    expect(templates.map((t) => t.Properties.Prefix)).toEqual(['ROOT', 'prod']);
  });

  test('a KMS registry\'s template carries its key and a custom role scoped to the key', () => {
    // GIVEN
    const { stack, registry, key } = kmsRegistry();

    // WHEN
    new RegistryCreationTemplate(registry, 'Prod', { registry, prefix: 'prod', appliedFor: [CreationTemplateAppliedFor.REPLICATION] });

    // THEN
    const template = Template.fromStack(stack);
    const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
    template.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', {
      Prefix: 'prod',
      AppliedFor: ['REPLICATION'],
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      CustomRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegistryCreationTemplateRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecr.amazonaws.com' } }],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'CreateRepositoriesOfThisRegistry',
            Effect: 'Allow',
            Action: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'],
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:111111111111:repository/*']] },
          },
          {
            Sid: 'UseTheRegistryKey',
            Effect: 'Allow',
            Action: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
            Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
          },
        ],
      },
    });
  });

  test('the AWS managed key aws/ecr: kms permissions through ECR only (kms:ViaService)', () => {
    const { stack } = registryStack({ encryption: RegistryEncryption.kms(), creationTemplates: true });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', {
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: Match.absent() },
      CustomRoleArn: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'UseTheAwsManagedEcrKey',
          Effect: 'Allow',
          Action: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-east-1:111111111111:key/*']] },
          Condition: { StringEquals: { 'kms:ViaService': 'ecr.us-east-1.amazonaws.com', 'kms:CallerAccount': '111111111111' } },
        }]),
      },
    });
  });

  test('one role per registry, shared by all its templates', () => {
    const { stack, registry } = kmsRegistry(true);
    new RegistryCreationTemplate(registry, 'Prod', { registry, prefix: 'prod', appliedFor: [CreationTemplateAppliedFor.CREATE_ON_PUSH] });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ECR::RepositoryCreationTemplate', 2);
    template.resourceCountIs('AWS::IAM::Role', 1);
  });

  test('resource tags need the custom role, even with AES256', () => {
    const { stack, registry } = registryStack();

    new RegistryCreationTemplate(registry, 'Tagged', {
      registry,
      prefix: 'team/a',
      appliedFor: [CreationTemplateAppliedFor.CREATE_ON_PUSH],
      resourceTags: [{ key: 'team', value: 'a' }],
    });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', {
      ResourceTags: [{ Key: 'team', Value: 'a' }],
      EncryptionConfiguration: { EncryptionType: 'AES256' },
      CustomRoleArn: Match.anyValue(),
    });
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Sid: 'CreateRepositoriesOfThisRegistry' })] },
    });
  });

  test('the registry\'s default lifecycle policy is the one its repositories get', () => {
    const { stack, registry } = registryStack({
      lifecycleRules: [LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 14 })],
      creationTemplates: true,
    });
    registry.addRepository('Api', { repositoryName: 'team/api' });

    const template = Template.fromStack(stack);
    const repository = Object.values(template.findResources('AWS::ECR::Repository'))[0];
    const text = repository.Properties.LifecyclePolicy.LifecyclePolicyText;
    expect(JSON.parse(text).rules).toHaveLength(1);
    template.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', { Prefix: 'ROOT', LifecyclePolicy: text });
  });

  test('tag mutability with exclusions is mapped to the template\'s property type', () => {
    const { stack } = registryStack({
      imageTagMutability: ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION,
      imageTagMutabilityExclusionFilters: ['latest'],
      creationTemplates: true,
    });

    Template.fromStack(stack).hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', {
      ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      ImageTagMutabilityExclusionFilters: [{ ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'latest' }],
    });
  });

  test('the default template applies to PULL_THROUGH_CACHE once the registry has a rule, also one added later', () => {
    const { stack, registry } = registryStack({ creationTemplates: true });

    registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.ECR_PUBLIC, prefix: 'ecr-public' });

    Template.fromStack(stack).hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', {
      Prefix: 'ROOT',
      AppliedFor: ['REPLICATION', 'CREATE_ON_PUSH', 'PULL_THROUGH_CACHE'],
    });
  });

  describe('fails', () => {
    const base: RegistryCreationTemplateOptions = { prefix: 'prod', appliedFor: [CreationTemplateAppliedFor.REPLICATION] };

    test.each<[string, Partial<RegistryCreationTemplateOptions>, RegExp]>([
      ['the prefix has upper-case letters', { prefix: 'Prod' }, /Invalid repository creation template prefix "Prod": expected ROOT or a repository namespace/],
      ['the prefix starts with a slash', { prefix: '/prod' }, /Invalid repository creation template prefix "\/prod"/],
      ['the prefix is too long', { prefix: 'a'.repeat(257) }, /expected ROOT or a repository namespace of at most 256 characters/],
      ['appliedFor is empty', { appliedFor: [] }, /needs at least one appliedFor value, but got \[\]. Expected one or more of REPLICATION, CREATE_ON_PUSH, PULL_THROUGH_CACHE/],
      ['appliedFor has an unknown value', { appliedFor: ['PUSH' as CreationTemplateAppliedFor] }, /Invalid appliedFor value "PUSH"/],
      ['appliedFor lists a value twice', { appliedFor: [CreationTemplateAppliedFor.REPLICATION, CreationTemplateAppliedFor.REPLICATION] }, /lists a value twice/],
      ['a tag key is empty', { resourceTags: [{ key: '', value: 'x' }] }, /Invalid tag key "" of a repository creation template: expected 1-128 characters/],
      ['a tag value is too long', { resourceTags: [{ key: 'k', value: 'v'.repeat(257) }] }, /257 characters, expected at most 256/],
      ['a tag key is given twice', { resourceTags: [{ key: 'k', value: '1' }, { key: 'k', value: '2' }] }, /Tag key "k" is given twice/],
    ])('fails when %s', (_name, override, message) => {
      const { registry } = registryStack();
      expect(() => new RegistryCreationTemplate(registry, 'T', { registry, ...base, ...override })).toThrow(message);
    });

    test.each([
      ['prod', 'prod'],
      ['prod', 'prod/'],
      ['ROOT', 'ROOT'],
    ])('fails when two templates of one registry have the prefixes %s and %s', (first, second) => {
      const { registry } = registryStack();
      new RegistryCreationTemplate(registry, 'First', { registry, ...base, prefix: first });

      expect(() => new RegistryCreationTemplate(registry, 'Second', { registry, ...base, prefix: second }))
        .toThrow(new RegExp(`Stack/Registry/Second: The registry Stack/Registry already has a repository creation template for prefix "${first}" \\(Stack/Registry/First\\)`));
    });

    test('fails when the template is in another region than its registry', () => {
      const { registry } = registryStack();
      const other = new Stack(registry.node.root, 'Other', { env: { ...ENV, region: 'eu-west-1' } });

      expect(() => new RegistryCreationTemplate(other, 'T', { registry, ...base }))
        .toThrow(/Other\/T: A repository creation template must be in its registry's account and region, but its stack Other has region "eu-west-1" and the registry Stack\/Registry has "us-east-1"/);
    });
  });
});
