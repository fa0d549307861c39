import * as fs from 'fs';
import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  LifecycleRule, RegistryPolicyScope, RegistryScanning, TagStatus,
} from '../../src';
import {
  BaselineEncryption, RegistryBaselineStackSet, RegistryBaselineStackSetProps, StackSetAccountFilter,
  StackSetCallAs, StackSetConcurrencyMode, StackSetRegionConcurrency,
} from '../../src/stacksets';
import { buildBaselineApp, synthesizeBaseline } from '../../src/stacksets/baseline-template';
import { cfnLintTemplate, testWithCfnLint } from '../support/cfn-lint';

const MANAGEMENT = { account: '111111111111', region: 'us-east-1' };
const OU = 'ou-ab12-cdef3456';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const TEMPLATE_BODY_LIMIT = 51_200;

type Props = Partial<RegistryBaselineStackSetProps>;

function managementStack(props: Props = {}) {
  const app = new App();
  const stack = new Stack(app, 'Organization', { env: MANAGEMENT });
  const baseline = new RegistryBaselineStackSet(stack, 'Baseline', {
    organizationalUnitIds: [OU],
    regions: REGIONS,
    ...props,
  });
  return { app, stack, baseline };
}

interface Resource {
  Type: string;
  Properties: Record<string, any>;
  DeletionPolicy?: string;
}

/** The baseline template as CloudFormation receives it: parsed from the stack set's TemplateBody. */
function embeddedTemplate(stack: Stack): { Resources: Record<string, Resource>; [section: string]: unknown } {
  const stackSets = Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet');
  const bodies = Object.values(stackSets).map((r) => r.Properties.TemplateBody as string);
  expect(bodies).toHaveLength(1);
  return JSON.parse(bodies[0]);
}

function resourcesOfType(template: { Resources: Record<string, Resource> }, type: string): Resource[] {
  return Object.values(template.Resources).filter((r) => r.Type === type);
}

describe('RegistryBaselineStackSet', () => {
  describe('the stack set', () => {
    test('defaults: service-managed, auto-deployment on, managed execution, CAPABILITY_IAM, 10% / 10%, regions in order', () => {
      // GIVEN / WHEN
      const { stack, baseline } = managementStack();

      // THEN
      Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::StackSet', 1);
      Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
        StackSetName: 'Organization-Baseline-549ACC81',
        Description: 'Amazon ECR registry baseline (cdk-ecr-shared-layers): blob mounting ENABLED, creation template AES256',
        PermissionModel: 'SERVICE_MANAGED',
        CallAs: 'SELF',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        ManagedExecution: { Active: true },
        Capabilities: ['CAPABILITY_IAM'],
        OperationPreferences: {
          MaxConcurrentPercentage: 10,
          FailureTolerancePercentage: 10,
          RegionConcurrencyType: 'SEQUENTIAL',
          ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE',
          RegionOrder: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
        },
        StackInstancesGroup: [{
          DeploymentTargets: { OrganizationalUnitIds: [OU] },
          Regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
        }],
        TemplateBody: baseline.baselineTemplate,
        Parameters: Match.absent(),
      });
      expect(baseline.stackSetName).toBe('Organization-Baseline-549ACC81');
      expect(stack.resolve(baseline.stackSetId)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(baseline.resource), 'StackSetId'] });
    });

    test('every deployment preference is passed through', () => {
      // GIVEN / WHEN
      const { stack } = managementStack({
        organizationalUnitIds: [OU, 'r-ab12'],
        accounts: ['222222222222', '333333333333'],
        accountFilter: StackSetAccountFilter.DIFFERENCE,
        regions: ['eu-west-1', 'us-east-1'],
        stackSetName: 'ecr-registry-baseline',
        description: 'ECR baseline',
        callAs: StackSetCallAs.DELEGATED_ADMIN,
        retainStacksOnAccountRemoval: true,
        maxConcurrentPercentage: 25,
        failureTolerancePercentage: 0,
        regionConcurrency: StackSetRegionConcurrency.PARALLEL,
        concurrencyMode: StackSetConcurrencyMode.SOFT_FAILURE_TOLERANCE,
      });

      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
        StackSetName: 'ecr-registry-baseline',
        Description: 'ECR baseline',
        CallAs: 'DELEGATED_ADMIN',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
        OperationPreferences: {
          MaxConcurrentPercentage: 25,
          FailureTolerancePercentage: 0,
          RegionConcurrencyType: 'PARALLEL',
          ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
          RegionOrder: ['eu-west-1', 'us-east-1'],
        },
        StackInstancesGroup: [{
          DeploymentTargets: {
            OrganizationalUnitIds: [OU, 'r-ab12'],
            Accounts: ['222222222222', '333333333333'],
            AccountFilterType: 'DIFFERENCE',
          },
          Regions: ['eu-west-1', 'us-east-1'],
        }],
      });
    });

    test('accounts without accountFilter mean INTERSECTION (a pilot)', () => {
      const { stack } = managementStack({ accounts: ['222222222222'] });

      Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
        StackInstancesGroup: [{
          DeploymentTargets: { OrganizationalUnitIds: [OU], Accounts: ['222222222222'], AccountFilterType: 'INTERSECTION' },
          Regions: REGIONS,
        }],
      });
    });

    test('auto-deployment can be turned off', () => {
      const { stack } = managementStack({ autoDeployment: false });

      Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
        AutoDeployment: { Enabled: false, RetainStacksOnAccountRemoval: Match.absent() },
      });
    });

    test('a baseline without IAM resources asks for no capability', () => {
      // GIVEN: no account setting (no custom resource provider) and AES256 (no creation template role)
      const { stack } = managementStack({ blobMounting: false, scanning: RegistryScanning.basic() });

      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', { Capabilities: Match.absent() });
      expect(resourcesOfType(embeddedTemplate(stack), 'AWS::IAM::Role')).toHaveLength(0);
    });

    test('the management stack passes cdk-nag AwsSolutions', () => {
      // GIVEN
      const { app } = managementStack({ encryption: BaselineEncryption.keyPerAccount() });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

      // WHEN / THEN
      expect(() => app.synth()).not.toThrow();
    });
  });

  describe('the embedded baseline template', () => {
    test('turns blob mounting on with the inline custom resource, and has a creation template with the encryption', () => {
      // GIVEN / WHEN
      const { stack } = managementStack({ registryPolicyScope: RegistryPolicyScope.V2 });
      const template = embeddedTemplate(stack);

      // THEN
      const settings = resourcesOfType(template, 'Custom::EcrAccountSetting').map((r) => [r.Properties.SettingName, r.Properties.SettingValue, r.Properties.OnDelete]);
      expect(settings).toEqual([['BLOB_MOUNTING', 'ENABLED', 'RETAIN'], ['REGISTRY_POLICY_SCOPE', 'V2', 'RETAIN']]);

      const templates = resourcesOfType(template, 'AWS::ECR::RepositoryCreationTemplate');
      expect(templates).toHaveLength(1);
      expect(templates[0].Properties).toMatchObject({
        Prefix: 'ROOT',
        AppliedFor: ['REPLICATION', 'CREATE_ON_PUSH'],
        EncryptionConfiguration: { EncryptionType: 'AES256' },
        ImageTagMutability: 'IMMUTABLE',
      });

      const functions = resourcesOfType(template, 'AWS::Lambda::Function');
      expect(functions).toHaveLength(1);
      expect(Object.keys(functions[0].Properties.Code)).toEqual(['ZipFile']);
      expect(functions[0].Properties.Code.ZipFile).toContain('PutAccountSetting');
    });

    test('is self-contained: no parameters, rules, bootstrap references or assets', () => {
      // GIVEN
      const { app, stack } = buildBaselineApp({ encryption: BaselineEncryption.keyPerAccount() }, 'test');

      // WHEN
      const synthesis = synthesizeBaseline(app, stack);

      // THEN
      expect(synthesis.assets).toBe(0);
      expect(synthesis.artifactIds).toEqual(['RegistryBaseline']);
      expect(Object.keys(synthesis.template).sort()).toEqual(['Description', 'Resources']);
      expect(synthesis.body).not.toMatch(/BootstrapVersion|cdk-hnb659fds|AssetParameters|S3Bucket/);
      expect(fs.existsSync(app.outdir)).toBe(false); // the temporary assembly is removed
    });

    test('is the exact TemplateBody, and minified', () => {
      const { stack, baseline } = managementStack();

      expect(JSON.stringify(embeddedTemplate(stack))).toBe(baseline.baselineTemplate);
      expect(baseline.baselineTemplate).not.toContain('\n');
    });

    test('carries scanning, replication and the default lifecycle rules', () => {
      // GIVEN / WHEN
      const { stack } = managementStack({
        regions: ['us-east-1', 'eu-west-1'],
        scanning: RegistryScanning.enhanced({ scanOnPush: ['*'], continuous: ['prod/*'] }),
        replication: [{ destinations: [{ region: 'eu-central-1' }, { region: 'us-east-1', account: '444444444444' }], repositoryPrefixes: ['base'] }],
        lifecycleRules: [LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 14 })],
        imageTagMutability: ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION,
        imageTagMutabilityExclusionFilters: ['latest'],
      });
      const template = embeddedTemplate(stack);

      // THEN
      expect(resourcesOfType(template, 'AWS::ECR::RegistryScanningConfiguration')[0].Properties.ScanType).toBe('ENHANCED');
      const replication = resourcesOfType(template, 'AWS::ECR::ReplicationConfiguration')[0].Properties.ReplicationConfiguration;
      expect(replication.Rules[0].Destinations).toEqual([
        { Region: 'eu-central-1', RegistryId: { Ref: 'AWS::AccountId' } },
        { Region: 'us-east-1', RegistryId: '444444444444' },
      ]);
      const creationTemplate = resourcesOfType(template, 'AWS::ECR::RepositoryCreationTemplate')[0].Properties;
      expect(JSON.parse(creationTemplate.LifecyclePolicy).rules).toEqual([
        expect.objectContaining({ selection: expect.objectContaining({ tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 14 }) }),
      ]);
      expect(creationTemplate.ImageTagMutabilityExclusionFilters).toEqual([{ ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'latest' }]);
    });

    test('account settings can be reset when a stack instance is deleted', () => {
      const { stack } = managementStack({ accountSettingsRemovalPolicy: RemovalPolicy.DESTROY });

      const blobMounting = resourcesOfType(embeddedTemplate(stack), 'Custom::EcrAccountSetting')[0];
      expect(blobMounting.Properties).toMatchObject({ SettingName: 'BLOB_MOUNTING', OnDelete: 'RESET', ResetValue: 'DISABLED' });
    });

    test('accountSettingsRevision reaches every account setting, so that changing it re-applies them', () => {
      // GIVEN
      const before = managementStack({ registryPolicyScope: RegistryPolicyScope.V2 });
      // WHEN
      const after = managementStack({ registryPolicyScope: RegistryPolicyScope.V2, accountSettingsRevision: '2026-03-01' });

      // THEN
      const revisions = (stack: Stack) => resourcesOfType(embeddedTemplate(stack), 'Custom::EcrAccountSetting').map((r) => r.Properties.Revision);
      expect(revisions(before.stack)).toEqual([undefined, undefined]);
      expect(revisions(after.stack)).toEqual(['2026-03-01', '2026-03-01']);
    });

    test('a warning of the baseline is reported on the stack set construct, acknowledgeable by its id', () => {
      // GIVEN / WHEN
      const { stack } = managementStack({ registryPolicyScope: RegistryPolicyScope.V1 });

      // THEN
      Annotations.fromStack(stack).hasWarning('/Organization/Baseline', Match.stringLikeRegexp(
        'In the registry baseline \\(RegistryBaseline/Registry/RegistryPolicyScope\\): Amazon ECR advises against going back to registry policy scope V1.*\\[ack: cdk-ecr-shared-layers:REGISTRY_POLICY_SCOPE.V1\\]'));
      // The env-agnostic warning of the layer-sharing checks is acknowledged: a stack set template has no env.
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('envAgnosticStack'));
    });
  });

  describe('encryption', () => {
    test.each([
      ['AES256', BaselineEncryption.AES256, { EncryptionType: 'AES256' }],
      ['the AWS managed key', BaselineEncryption.AWS_MANAGED_KEY, { EncryptionType: 'KMS' }],
    ])('%s: the creation template says so, and the baseline creates no key', (_name, encryption, expected) => {
      const template = embeddedTemplate(managementStack({ encryption }).stack);

      expect(resourcesOfType(template, 'AWS::ECR::RepositoryCreationTemplate')[0].Properties.EncryptionConfiguration).toEqual(expected);
      expect(resourcesOfType(template, 'AWS::KMS::Key')).toHaveLength(0);
    });

    test('a key per account and region: rotation, alias, retained, a key policy for ECR, used by the creation template', () => {
      // GIVEN / WHEN
      const { stack, baseline } = managementStack({ encryption: BaselineEncryption.keyPerAccount({ alias: 'alias/platform/ecr' }) });
      const template = embeddedTemplate(stack);

      // THEN
      const keyEntries = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::KMS::Key');
      expect(keyEntries).toHaveLength(1);
      const [keyId, key] = keyEntries[0];
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({
        Sid: 'AllowEcrRepositoriesOfThisRegistry',
        Action: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['ecr.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
            'kms:CallerAccount': { Ref: 'AWS::AccountId' },
          },
        },
      }));
      expect(resourcesOfType(template, 'AWS::KMS::Alias').map((a) => a.Properties.AliasName)).toEqual(['alias/platform/ecr']);
      expect(resourcesOfType(template, 'AWS::ECR::RepositoryCreationTemplate')[0].Properties.EncryptionConfiguration).toEqual({
        EncryptionType: 'KMS',
        KmsKey: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
      expect(baseline.encryption.describe()).toBe('KMS (a key per account and region, alias/platform/ecr)');
    });

    test.each(['ecr-shared-layers', 'alias/aws/ecr', 'alias/with space'])('fails when the key alias is %p', (alias) => {
      expect(() => BaselineEncryption.keyPerAccount({ alias })).toThrow(/Invalid key alias .* expected 'alias\/' followed by letters/);
    });
  });

  describe('template size', () => {
    test.each([
      ['AES256', BaselineEncryption.AES256],
      ['AWS_MANAGED_KEY', BaselineEncryption.AWS_MANAGED_KEY],
      ['keyPerAccount', BaselineEncryption.keyPerAccount()],
    ])('a full baseline with %s stays well under the TemplateBody limit', (_name, encryption) => {
      const { baseline } = managementStack({
        encryption,
        registryPolicyScope: RegistryPolicyScope.V2,
        scanning: RegistryScanning.enhanced({ continuous: ['prod/*'] }),
        lifecycleRules: [LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 14 })],
      });

      const bytes = Buffer.byteLength(baseline.baselineTemplate, 'utf8');
      expect(bytes).toBeGreaterThan(5_000);
      // Under 45 % of the limit: about 12 KB of it is the inline handler (which records the setting's
      // owners in SSM) and one IAM policy per setting; the rest leaves room for large replication,
      // scanning and lifecycle configurations.
      expect(bytes).toBeLessThan(TEMPLATE_BODY_LIMIT * 0.45);
    });

    test('fails when the baseline template is over 51,200 bytes', () => {
      // GIVEN: 10 replication rules of 100 long prefixes each (valid for ECR, but ~200 KB of template)
      const replication = Array.from({ length: 10 }, (_, rule) => ({
        destinations: [{ region: 'eu-central-1', account: '444444444444' }],
        repositoryPrefixes: Array.from({ length: 100 }, (__, i) => `team-${rule}/${'service'.repeat(25)}-${i}`),
      }));

      // WHEN / THEN
      expect(() => managementStack({ replication })).toThrow(
        /^\[cdk-ecr-shared-layers:baselineTemplateTooLarge\] Organization\/Baseline: The registry baseline template is \d{6} bytes, but a template passed as TemplateBody may have at most 51200 bytes\. Make the baseline smaller .* uploaded to Amazon S3/);
    });
  });

  describe('validation', () => {
    test.each<[string, Props, RegExp]>([
      ['no organizational unit is given', { organizationalUnitIds: [] }, /organizationalUnitIds is empty: a service-managed stack set creates its stack instances in organizational units/],
      ['an OU id is malformed', { organizationalUnitIds: ['ou-123'] }, /Invalid entry "ou-123" in organizationalUnitIds: expected an OU id like ou-ab12-cdef3456 or a root id like r-ab12/],
      ['an OU is listed twice', { organizationalUnitIds: [OU, OU] }, /organizationalUnitIds lists "ou-ab12-cdef3456" twice/],
      ['more than 50 OUs are given', { organizationalUnitIds: Array.from({ length: 51 }, (_, i) => `ou-ab12-${String(i).padStart(8, '0')}`) }, /organizationalUnitIds has 51 entries, but a stack set operation accepts at most 50/],
      ['an account id is not 12 digits', { accounts: ['12345'] }, /Invalid entry "12345" in accounts: expected a 12-digit account id/],
      ['accountFilter is given without accounts', { accountFilter: StackSetAccountFilter.DIFFERENCE }, /accountFilter DIFFERENCE is given without accounts/],
      ['accountFilter is UNION', { accounts: ['222222222222'], accountFilter: 'UNION' as StackSetAccountFilter }, /Invalid accountFilter "UNION": expected one of INTERSECTION, DIFFERENCE .*UNION is not supported/],
      ['no region is given', { regions: [] }, /regions is empty: give at least one region/],
      ['a region is malformed', { regions: ['us-east'] }, /Invalid entry "us-east" in regions: expected a region name like us-east-1/],
      ['a region is listed twice', { regions: ['us-east-1', 'us-east-1'] }, /regions lists "us-east-1" twice/],
      ['regions span partitions', { regions: ['us-east-1', 'us-gov-west-1'], creationTemplates: false }, /span several partitions \(aws, aws-us-gov/],
      ['maxConcurrentPercentage is 0', { maxConcurrentPercentage: 0 }, /Invalid maxConcurrentPercentage 0: expected a whole number from 1 to 100/],
      ['maxConcurrentPercentage is over 100', { maxConcurrentPercentage: 101 }, /Invalid maxConcurrentPercentage 101: expected a whole number from 1 to 100/],
      ['failureTolerancePercentage is negative', { failureTolerancePercentage: -1 }, /Invalid failureTolerancePercentage -1: expected a whole number from 0 to 100/],
      ['failureTolerancePercentage is not whole', { failureTolerancePercentage: 12.5 }, /Invalid failureTolerancePercentage 12.5/],
      ['retainStacksOnAccountRemoval is given without auto-deployment', { autoDeployment: false, retainStacksOnAccountRemoval: true }, /retainStacksOnAccountRemoval is true but autoDeployment is false/],
      ['the stack set name starts with a digit', { stackSetName: '1-baseline' }, /Invalid stackSetName "1-baseline": expected a letter followed by letters, digits or '-'/],
      ['the description is too long', { description: 'x'.repeat(1025) }, /The description of the stack set is 1025 characters long, but CloudFormation accepts at most 1024/],
      ['lifecycle rules are given without creation templates', { creationTemplates: false, lifecycleRules: [LifecycleRule.expireByCount({ tagStatus: TagStatus.ANY, maxImageCount: 5 })] }, /lifecycleRules is given with creationTemplates: false, where it has no effect/],
      ['replication goes to one of the target regions in the same account', { replication: [{ destinations: [{ region: 'eu-west-1' }] }] }, /Replication rule 1 replicates to eu-west-1 in the same account, but eu-west-1 is one of the stack set's regions/],
      ['the baseline is empty', { blobMounting: false, creationTemplates: false }, /The registry baseline is empty .* CloudFormation refuses a template without resources/],
      ['the registry rejects a baseline setting', { scanning: RegistryScanning.basic({ scanOnPush: ['UPPER'] }) }, /^\[cdk-ecr-shared-layers:invalidScanningFilter\] Organization\/Baseline: The registry baseline is invalid: RegistryBaseline\/Registry.*"UPPER"/],
      ['the registry rejects the tag mutability', { imageTagMutability: ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION }, /The registry baseline is invalid: .*needs imageTagMutabilityExclusionFilters/],
    ])('fails when %s', (_name, props, message) => {
      expect(() => managementStack(props)).toThrow(message);
    });
  });

  test('fails when creation templates target a China region', () => {
    const app = new App();
    const stack = new Stack(app, 'China', { env: { account: '111111111111', region: 'cn-north-1' } });

    expect(() => new RegistryBaselineStackSet(stack, 'Baseline', { organizationalUnitIds: [OU], regions: ['cn-north-1', 'cn-northwest-1'] }))
      .toThrow(/Repository creation templates are not available in cn-north-1, cn-northwest-1 \(China and AWS GovCloud \(US\) regions\).*Set creationTemplates: false/);
    // And without them, the baseline is accepted.
    const baseline = new RegistryBaselineStackSet(stack, 'Settings', { organizationalUnitIds: [OU], regions: ['cn-north-1'], creationTemplates: false });
    expect(baseline.baselineTemplate).not.toContain('RepositoryCreationTemplate');
  });

  describe('cfn-lint', () => {
    testWithCfnLint.each([
      ['AES256', BaselineEncryption.AES256],
      ['AWS_MANAGED_KEY', BaselineEncryption.AWS_MANAGED_KEY],
      ['keyPerAccount', BaselineEncryption.keyPerAccount()],
    ])('the embedded baseline template with %s passes cfn-lint', (name, encryption) => {
      // GIVEN
      const { baseline } = managementStack({
        encryption,
        registryPolicyScope: RegistryPolicyScope.V2,
        scanning: RegistryScanning.enhanced({ continuous: ['prod/*'] }),
        replication: [{ destinations: [{ region: 'eu-central-1' }] }],
      });

      // WHEN
      const result = cfnLintTemplate(`baseline-${name}`, baseline.baselineTemplate, REGIONS);

      // THEN
      expect(result).toEqual({ status: 0, output: '' });
    });
  });

  describe('the baseline stack itself', () => {
    test('passes cdk-nag AwsSolutions with every encryption', () => {
      for (const encryption of [BaselineEncryption.AES256, BaselineEncryption.AWS_MANAGED_KEY, BaselineEncryption.keyPerAccount()]) {
        // GIVEN
        const { app, stack } = buildBaselineApp({ encryption, registryPolicyScope: RegistryPolicyScope.V2 }, 'test');
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

        // WHEN
        const synthesis = synthesizeBaseline(app, stack);

        // THEN
        expect(synthesis.messages.filter((m) => m.level === 'error')).toEqual([]);
      }
    });
  });
});
