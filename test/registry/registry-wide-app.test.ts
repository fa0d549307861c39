import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  CreationTemplateAppliedFor, PullThroughUpstream, RegistryEncryption, RegistryScanning, ReplicationDestinationPolicy, SharedLayerRegistry,
} from '../../src';
import { cfnLintApp, testWithCfnLint } from '../support/cfn-lint';

const SOURCE = { account: '111111111111', region: 'us-east-1' };
const SAME_ACCOUNT_DR = { account: '111111111111', region: 'eu-west-1' };
const OTHER_ACCOUNT = { account: '222222222222', region: 'eu-west-1' };

/** An app with every registry-wide part: two regions, two accounts. */
function buildApp(app: App): { source: Stack; dr: Stack; other: Stack } {
  const source = new Stack(app, 'Source', { env: SOURCE });
  const key = new kms.Key(source, 'Key', { enableKeyRotation: true });
  const registry = new SharedLayerRegistry(source, 'Registry', {
    blobMounting: false,
    encryption: RegistryEncryption.kms(key),
    scanning: RegistryScanning.enhanced({ scanOnPush: ['*'], continuous: ['team/*'] }),
  });
  registry.addRepository('Api', { repositoryName: 'team/api' });
  registry.addCreationTemplate('ProdTemplate', { prefix: 'prod', appliedFor: [CreationTemplateAppliedFor.CREATE_ON_PUSH] });
  registry.addReplication({
    destinations: [{ region: SAME_ACCOUNT_DR.region }, { region: OTHER_ACCOUNT.region, account: OTHER_ACCOUNT.account }],
    repositoryPrefixes: ['team/'],
  });
  registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.ECR_PUBLIC, prefix: 'ecr-public' });
  registry.addToRegistryPolicy(new iam.PolicyStatement({
    principals: [new iam.AccountPrincipal(OTHER_ACCOUNT.account)],
    actions: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
    resources: [source.formatArn({ service: 'ecr', resource: 'repository', resourceName: 'ecr-public/*' })],
  }));

  const dr = new Stack(app, 'SameAccountDr', { env: SAME_ACCOUNT_DR });
  const drKey = new kms.Key(dr, 'Key', { enableKeyRotation: true });
  new SharedLayerRegistry(dr, 'Registry', { blobMounting: false, encryption: RegistryEncryption.kms(drKey) });

  const other = new Stack(app, 'OtherAccount', { env: OTHER_ACCOUNT });
  const otherRegistry = new SharedLayerRegistry(other, 'Registry', { blobMounting: false, encryption: RegistryEncryption.kms() });
  new ReplicationDestinationPolicy(other, 'FromSource', { sourceAccounts: [SOURCE.account], registry: otherRegistry });

  return { source, dr, other };
}

describe('an app with every registry-wide part (two regions, two accounts)', () => {
  test('synthesizes each part once per registry', () => {
    const { source, dr, other } = buildApp(new App());

    const s = Template.fromStack(source);
    s.resourceCountIs('AWS::ECR::ReplicationConfiguration', 1);
    s.resourceCountIs('AWS::ECR::RegistryScanningConfiguration', 1);
    s.resourceCountIs('AWS::ECR::PullThroughCacheRule', 1);
    s.resourceCountIs('AWS::ECR::RegistryPolicy', 1);
    s.resourceCountIs('AWS::ECR::RepositoryCreationTemplate', 2);
    s.resourceCountIs('AWS::IAM::Role', 1);
    Template.fromStack(dr).resourceCountIs('AWS::ECR::RepositoryCreationTemplate', 1);
    const o = Template.fromStack(other);
    o.resourceCountIs('AWS::ECR::RegistryPolicy', 1);
    o.hasResourceProperties('AWS::ECR::RepositoryCreationTemplate', { EncryptionConfiguration: { EncryptionType: 'KMS' } });
  });

  testWithCfnLint('every template passes cfn-lint', () => {
    const app = new App();
    buildApp(app);

    expect(cfnLintApp(app, [SOURCE.region, OTHER_ACCOUNT.region])).toEqual({ status: 0, output: '', templates: 3 });
  });

  test('cdk-nag AwsSolutions: no unacknowledged findings', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    buildApp(app);

    expect(() => app.synth()).not.toThrow();
  });

  test('the creation template role needs its scoped acknowledgements (without them cdk-nag reports IAM5)', () => {
    const acknowledge = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    try {
      const app = new App();
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      buildApp(app);

      expect(() => app.synth()).toThrow(/AwsSolutions-IAM5[\s\S]*CreationTemplateRole/);
    } finally {
      acknowledge.mockRestore();
    }
  });

  test('cdk-nag still reports an unacknowledged wildcard next to the creation template role (the check can fail)', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const { source } = buildApp(app);
    const role = new iam.Role(source, 'Other', { assumedBy: new iam.ServicePrincipal('ecr.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ecr:CreateRepository'], resources: [source.formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' })] }));

    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  });
});
