import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RegistryAuditRole, REGISTRY_AUDIT_ROLE_NAME, RegistryBaselineStackSet, SharedLayerRegistry } from '../../src';
import { DEFAULT_AUDIT_ROLE_NAME } from '../../src/audit';

const ENV = { account: '222222222222', region: 'eu-west-1' };

// Every synthesis writes its assembly in a directory this file removes: nothing is left in the temp directory.
const outdirs: string[] = [];
afterEach(() => {
  outdirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});
function newApp(): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-role-'));
  outdirs.push(outdir);
  return new App({ outdir });
}

test('a role with the name the audit assumes by default, trusted by the auditing account', () => {
  // GIVEN
  const stack = new Stack(newApp(), 'Stack', { env: ENV });

  // WHEN
  const audit = new RegistryAuditRole(stack, 'Audit', { trustedAccount: '111111111111' });

  // THEN
  expect(audit.roleName).toBe(DEFAULT_AUDIT_ROLE_NAME);
  expect(REGISTRY_AUDIT_ROLE_NAME).toBe(DEFAULT_AUDIT_ROLE_NAME);
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
    RoleName: 'cdk-ecr-shared-layers-audit',
    AssumeRolePolicyDocument: {
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } } }],
    },
  });
});

test('least privilege: only the Describe/Get calls the audit makes; GetAccountSetting scoped to BLOB_MOUNTING', () => {
  const stack = new Stack(newApp(), 'Stack', { env: ENV });

  new RegistryAuditRole(stack, 'Audit', { trustedAccount: '111111111111', roleName: 'platform-audit' });

  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::IAM::Policy', 0);
  template.hasResourceProperties('AWS::IAM::Role', {
    RoleName: 'platform-audit',
    Policies: [{
      PolicyName: 'RegistryAudit',
      PolicyDocument: {
        Statement: [
          {
            Sid: 'ReadRepositoriesAndManifests',
            Action: ['ecr:DescribeRepositories', 'ecr:DescribeImages', 'ecr:BatchGetImage'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:*:222222222222:repository/*']] },
          },
          {
            Sid: 'ReadRegistry',
            Action: ['ecr:DescribeRegistry', 'ecr:DescribePullThroughCacheRules', 'ecr:DescribeRepositoryCreationTemplates'],
            Effect: 'Allow',
            Resource: '*',
          },
          {
            Sid: 'ReadBlobMountingSetting',
            Action: 'ecr:GetAccountSetting',
            Condition: { StringEquals: { 'ecr:AccountSetting': 'BLOB_MOUNTING' } },
            Effect: 'Allow',
            Resource: '*',
          },
          {
            // The recorded owners of BLOB_MOUNTING, read only, every region.
            Sid: 'ReadBlobMountingOwners',
            Action: 'ssm:GetParametersByPath',
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, Match.stringLikeRegexp(':ssm:\\*:\\d{12}:parameter/cdk-ecr-shared-layers/account-settings/BLOB_MOUNTING$')]] },
          },
        ],
      },
    }],
  });
  // Nothing that writes, deletes or downloads layers.
  const text = JSON.stringify(template.toJSON());
  expect(text).not.toMatch(/ecr:(Put|Delete|Create|Set|Batch(Delete|Check)|GetDownloadUrlForLayer|InitiateLayerUpload)/);
  expect(text).not.toMatch(/ssm:(Put|Delete|GetParameter"|GetParameters")/);
  expect(template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.anyValue() } })).toEqual({});
});

test('cdk-nag AwsSolutions: no unacknowledged findings', () => {
  const app = newApp();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Stack', { env: ENV });
  new RegistryAuditRole(stack, 'Audit', { trustedAccount: '111111111111' });

  expect(() => app.synth()).not.toThrow();
});

describe('fails at construction', () => {
  test.each([
    [{ trustedAccount: '1111' }, /trustedAccount must be an AWS account id of 12 digits, got "1111"/, 'invalidAuditTrustedAccount'],
    [{ trustedAccount: '111111111111', roleName: 'has space' }, /roleName must be 1-64 characters .* got "has space"/, 'invalidAuditRoleName'],
  ])('fails when given %j', (props, error, id) => {
    const stack = new Stack(newApp(), 'Stack', { env: ENV });

    expect(() => new RegistryAuditRole(stack, 'Audit', props)).toThrow(error);
    expect(() => new RegistryAuditRole(stack, `Audit-${id}`, props)).toThrow(`[cdk-ecr-shared-layers:${id}] Stack/Audit-${id}: `);
  });
});

test('cdk-nag AwsSolutions: clean in an environment-agnostic stack too', () => {
  const app = newApp();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Stack');
  new RegistryAuditRole(stack, 'Audit', { trustedAccount: '111111111111' });

  expect(() => app.synth()).not.toThrow();
});

describe('the auditRole option', () => {
  test('SharedLayerRegistry creates the role in its stack', () => {
    // GIVEN
    const stack = new Stack(newApp(), 'Stack', { env: ENV });

    // WHEN
    const registry = new SharedLayerRegistry(stack, 'Registry', { auditRole: { trustedAccount: '111111111111' } });

    // THEN
    expect(registry.auditRole?.roleName).toBe(DEFAULT_AUDIT_ROLE_NAME);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: DEFAULT_AUDIT_ROLE_NAME,
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: Match.anyValue() } })] },
    });
  });

  test('SharedLayerRegistry creates no role without it', () => {
    const stack = new Stack(newApp(), 'Stack', { env: ENV });

    const registry = new SharedLayerRegistry(stack, 'Registry');

    expect(registry.auditRole).toBeUndefined();
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::IAM::Role', { RoleName: DEFAULT_AUDIT_ROLE_NAME }, 0);
  });

  test('RegistryBaselineStackSet creates the role in the stack instance of one region only', () => {
    // GIVEN
    const stack = new Stack(newApp(), 'Organization', { env: { account: '111111111111', region: 'us-east-1' } });

    // WHEN
    new RegistryBaselineStackSet(stack, 'Baseline', {
      organizationalUnitIds: ['ou-abcd-12345678'],
      regions: ['us-east-1', 'eu-west-1'],
      auditRole: { trustedAccount: '111111111111', region: 'us-east-1' },
    });

    // THEN: the embedded template has the role under a condition on the region
    const [stackSet] = Object.values(Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet'));
    const baseline = JSON.parse(stackSet.Properties.TemplateBody);
    const roles = Object.values(baseline.Resources as Record<string, { Type: string; Condition?: string; Properties: any }>)
      .filter((r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName !== undefined);
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties.RoleName).toBe(DEFAULT_AUDIT_ROLE_NAME);
    expect(baseline.Conditions[roles[0].Condition!]).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
  });

  test('fails when the baseline audit role region is not one of the stack set regions', () => {
    const stack = new Stack(newApp(), 'Organization', { env: { account: '111111111111', region: 'us-east-1' } });

    expect(() => new RegistryBaselineStackSet(stack, 'Baseline', {
      organizationalUnitIds: ['ou-abcd-12345678'],
      regions: ['us-east-1', 'eu-west-1'],
      auditRole: { trustedAccount: '111111111111', region: 'ap-south-1' },
    })).toThrow('[cdk-ecr-shared-layers:auditRoleRegionNotInBaseline] Organization/Baseline: auditRole.region "ap-south-1" is not one of the stack set\'s regions ["us-east-1","eu-west-1"]');
  });
});
