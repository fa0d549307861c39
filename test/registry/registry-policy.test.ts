import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegistryPolicyScope } from '../../src/account-settings/account-setting-values';
import { AccountSettingName, EcrAccountSetting } from '../../src/account-settings/ecr-account-setting';
import { RegistryPolicy } from '../../src/registry/registry-policy';
import { SharedLayerRegistry } from '../../src/registry/shared-layer-registry';
import { LayerSharingChecks } from '../../src/validation/layer-sharing-checks';

const ENV = { account: '222222222222', region: 'eu-west-1' };
const REPOSITORIES = 'arn:aws:ecr:eu-west-1:222222222222:repository/*';

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}

function statement(overrides: Partial<iam.PolicyStatementProps> = {}): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [new iam.AccountPrincipal('111111111111')],
    actions: ['ecr:ReplicateImage'],
    resources: [REPOSITORIES],
    ...overrides,
  });
}

describe('RegistryPolicy', () => {
  test('renders AWS::ECR::RegistryPolicy from the statements added, also after construction', () => {
    // GIVEN
    const stack = newStack();
    const policy = new RegistryPolicy(stack, 'Policy');

    // WHEN
    policy.addStatements(statement({ sid: 'Replicate' }));

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::RegistryPolicy', {
      PolicyText: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'Replicate',
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } },
          Action: 'ecr:ReplicateImage',
          Resource: REPOSITORIES,
        }],
      },
    });
  });

  test('allowReplicationFrom allows the source account ecr:CreateRepository and ecr:ReplicateImage', () => {
    const stack = newStack();
    const policy = new RegistryPolicy(stack, 'Policy');

    policy.allowReplicationFrom({ sourceAccount: '111111111111', repositoryPrefixes: ['prod/'] });

    Template.fromStack(stack).hasResourceProperties('AWS::ECR::RegistryPolicy', {
      PolicyText: {
        Statement: [{
          Sid: 'ReplicationFrom111111111111',
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } },
          Action: ['ecr:CreateRepository', 'ecr:ReplicateImage'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:222222222222:repository/prod/*']] },
        }],
      },
    });
  });

  test('a registry has one policy, the child Policy of the registry, whatever adds to it', () => {
    const stack = newStack();
    const registry = new SharedLayerRegistry(stack, 'Registry', { blobMounting: false });

    const result = registry.addToRegistryPolicy(statement({ sid: 'First' }));
    registry.allowReplicationFrom({ sourceAccount: '111111111111' });

    expect((result.policyDependable as iam.PolicyDocument).statementCount).toBe(2);
    const policies = Template.fromStack(stack).findResources('AWS::ECR::RegistryPolicy');
    expect(Object.keys(policies)).toHaveLength(1);
    expect(registry.node.findChild('Policy').node.path).toBe('Stack/Registry/Policy');
  });

  test('a wildcard ECR action is accepted with an acknowledgeable warning', () => {
    const stack = newStack();
    new RegistryPolicy(stack, 'Policy', { statements: [statement({ actions: ['ecr:*'] })] });

    Annotations.fromStack(stack).hasWarning('/Stack/Policy', Match.stringLikeRegexp('has the wildcard action "ecr:\\*"'));
  });

  describe('fails', () => {
    test.each<[string, () => iam.PolicyStatement, RegExp]>([
      ['a statement has no Principal', () => new iam.PolicyStatement({ actions: ['ecr:ReplicateImage'], resources: [REPOSITORIES] }), /has no Principal/],
      ['a statement has an action of another service', () => statement({ actions: ['s3:GetObject'] }), /has the action "s3:GetObject", which a registry policy does not accept: only Amazon ECR actions/],
      ['a statement uses NotAction', () => new iam.PolicyStatement({ principals: [new iam.AccountPrincipal('111111111111')], notActions: ['ecr:DeleteRepository'], resources: [REPOSITORIES] }), /uses NotAction or NotResource/],
      ['a statement has no Resource', () => statement({ resources: [] }), /has no Resource/],
      ['a statement names a resource of another service', () => statement({ resources: ['arn:aws:s3:::bucket'] }), /has the resource "arn:aws:s3:::bucket", which is not an Amazon ECR ARN/],
      ['a statement names repositories of another registry', () => statement({ resources: ['arn:aws:ecr:us-east-1:333333333333:repository/*'] }), /with region "us-east-1" instead of "eu-west-1" and account "333333333333" instead of "222222222222"/],
    ])('fails when %s', (_name, make, message) => {
      const policy = new RegistryPolicy(newStack(), 'Policy');
      expect(() => policy.addStatements(make())).toThrow(message);
    });

    test('fails when the registry policy scope is V1 and an action is outside V1', () => {
      const stack = newStack();
      const registry = new SharedLayerRegistry(stack, 'Registry', { blobMounting: false, registryPolicyScope: RegistryPolicyScope.V1 });

      registry.addToRegistryPolicy(statement({ actions: ['ecr:CreateRepository'] }));
      registry.addToRegistryPolicy(statement({ actions: ['ecr:DescribeImages'] }));

      expect(() => (stack.node.root as App).synth())
        .toThrow(/\[cdk-ecr-shared-layers:registryPolicyActionOutsideV1\] Stack\/Registry\/Policy: This registry policy has the action "ecr:DescribeImages", but the registry policy scope of account 222222222222 in eu-west-1 is V1 \(Stack\/Registry\/RegistryPolicyScope\), which accepts only ecr:ReplicateImage, ecr:BatchImportUpstreamImage, ecr:CreateRepository/);
    });

    test('a standalone policy is checked against a V1 scope set anywhere in its registry', () => {
      const app = new App();
      const stack = new Stack(app, 'Policies', { env: ENV });
      const settings = new Stack(app, 'Settings', { env: ENV });
      new EcrAccountSetting(settings, 'Scope', { name: AccountSettingName.REGISTRY_POLICY_SCOPE, value: RegistryPolicyScope.V1 });
      new RegistryPolicy(stack, 'Policy', { statements: [statement({ actions: ['ecr:BatchGetImage'] })] });

      expect(() => app.synth()).toThrow(/\[Policies\] \[cdk-ecr-shared-layers:registryPolicyActionOutsideV1\] Policies\/Policy: This registry policy has the action "ecr:BatchGetImage"/);
    });

    test('a message never shows token text: a value known only at deploy time is named as such', () => {
      const stack = new Stack(new App(), 'Stack', { env: { region: 'eu-west-1' } });
      const policy = new RegistryPolicy(stack, 'Policy');

      expect(() => policy.addStatements(statement({ resources: ['arn:aws:ecr:us-east-1:222222222222:repository/*'] })))
        .toThrow(/^\[cdk-ecr-shared-layers:registryPolicyResourceOfOtherRegistry\] Stack\/Policy: Registry policy statement .* with region "us-east-1" instead of "eu-west-1": a registry policy applies to the repositories of its own registry\. Use ARNs of this registry: account a value known at deploy time, region "eu-west-1"\.$/);
    });

    describe('statements that grant to everyone', () => {
      const everyone: Array<[string, () => iam.PolicyStatement]> = [
        ['Principal "*" (StarPrincipal)', () => statement({ principals: [new iam.StarPrincipal()] })],
        ['AnyPrincipal ({ AWS: "*" })', () => statement({ principals: [new iam.AnyPrincipal()] })],
        ['{ AWS: "*" } among other principals', () => statement({ principals: [new iam.AccountPrincipal('111111111111'), new iam.ArnPrincipal('*')] })],
        ['a negated organization condition', () => statement({ principals: [new iam.AnyPrincipal()], conditions: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } } })],
        ['an ...IfExists organization condition', () => statement({ principals: [new iam.AnyPrincipal()], conditions: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123def4' } } })],
      ];

      test.each(everyone)('fails for %s without a limiting condition', (_name, make) => {
        const policy = new RegistryPolicy(newStack(), 'Policy');

        expect(() => policy.addStatements(make()))
          .toThrow(/^\[cdk-ecr-shared-layers:registryPolicyPublic\] Stack\/Policy: Registry policy statement .* allows everyone \(Principal "\*"\) without a condition that limits it to your organization or accounts: anyone could use the registry's repositories\. Add a condition such as \{ StringEquals: \{ 'aws:PrincipalOrgID': 'o-xxxxxxxxxx' \} \}.* or name the accounts \(new iam\.AccountPrincipal\('111111111111'\)\)\. For a registry that is meant to be public, set allowPublicAccess: true\.$/);
      });

      test.each([
        ['aws:PrincipalOrgID', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } }],
        ['aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': ['111111111111', '333333333333'] } }],
        ['aws:SourceAccount', { StringEquals: { 'aws:SourceAccount': '111111111111' } }],
        ['aws:PrincipalOrgPaths', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-abc123def4/r-ab12/ou-ab12-11111111/*'] } }],
        ['aws:SourceOrgID', { StringEquals: { 'aws:SourceOrgID': 'o-abc123def4' } }],
      ])('accepts everyone limited by %s', (_key, conditions) => {
        const stack = newStack();
        const policy = new RegistryPolicy(stack, 'Policy');

        policy.addStatements(statement({ principals: [new iam.AnyPrincipal()], conditions }));

        Template.fromStack(stack).hasResourceProperties('AWS::ECR::RegistryPolicy', {
          PolicyText: { Statement: [Match.objectLike({ Principal: { AWS: '*' }, Condition: conditions })] },
        });
      });

      test('accepts everyone with allowPublicAccess: true (a truly public registry)', () => {
        const stack = newStack();
        const registry = new SharedLayerRegistry(stack, 'Registry', { blobMounting: false, allowPublicAccess: true });

        registry.addToRegistryPolicy(statement({ principals: [new iam.StarPrincipal()], actions: ['ecr:BatchGetImage'] }));

        Template.fromStack(stack).hasResourceProperties('AWS::ECR::RegistryPolicy', {
          PolicyText: { Statement: [Match.objectLike({ Principal: '*', Action: 'ecr:BatchGetImage' })] },
        });
        expect(() => (stack.node.root as App).synth()).not.toThrow();
      });

      test('fails at synthesis for a raw CfnRegistryPolicy that grants to everyone', () => {
        const stack = newStack();
        Aspects.of(stack.node.root).add(new LayerSharingChecks());
        new ecr.CfnRegistryPolicy(stack, 'Raw', {
          policyText: { Version: '2012-10-17', Statement: [{ Sid: 'Everyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'ecr:BatchGetImage', Resource: REPOSITORIES }] },
        });

        expect(() => (stack.node.root as App).synth())
          .toThrow(/\[Stack\] \[cdk-ecr-shared-layers:registryPolicyPublic\] Stack\/Raw: This registry policy allows everyone \(Principal "\*"\) without a condition that limits it to your organization or accounts \(statement "Everyone"\)/);
      });
    });

    test.each([
      ['not 12 digits', '12345', /Invalid source account "12345": expected a 12-digit AWS account id/],
      ['the registry\'s own account', '222222222222', /is this registry's own account/],
    ])('fails when the replication source account is %s', (_name, account, message) => {
      const policy = new RegistryPolicy(newStack(), 'Policy');
      expect(() => policy.allowReplicationFrom({ sourceAccount: account })).toThrow(message);
    });

    test('fails at synthesis when the policy has no statements', () => {
      const stack = newStack();
      new RegistryPolicy(stack, 'Policy');

      expect(() => (stack.node.root as App).synth())
        .toThrow(/\[cdk-ecr-shared-layers:registryPolicyWithoutStatements\] Stack\/Policy: This registry policy has no statements/);
    });

    test('fails at synthesis when two registry policies are declared for one account and region', () => {
      const app = new App();
      const a = new Stack(app, 'A', { env: ENV });
      const b = new Stack(app, 'B', { env: ENV });
      new RegistryPolicy(a, 'Policy', { statements: [statement()] });
      new RegistryPolicy(b, 'Policy', { statements: [statement()] });

      expect(() => app.synth()).toThrow(/ECR registry policy is defined 2 times for account 222222222222 in eu-west-1: A\/Policy, B\/Policy/);
    });
  });
});
