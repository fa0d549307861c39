import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack, Stage, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AccountSettingName, EcrAccountSetting } from '../../src';
import { ACCOUNT_SETTING_RESOURCE_TYPE, AccountSettingProperties, PROPERTIES_VERSION } from '../../src/account-settings/contract';
import { ACCOUNT_SETTING_HANDLER_CODE } from '../../src/account-settings/handler-code.generated';
import { enableTemplateValidation } from '../support/test-run';

// Asserts what aws-cdk-lib's template validation reports (validateAgainstDefaultRules).
enableTemplateValidation();

const ENV = { account: '111111111111', region: 'us-east-1' };

function stackWith(...settings: Array<[string, string]>): Stack {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  settings.forEach(([name, value], i) => new EcrAccountSetting(stack, `Setting${i}`, { name, value }));
  return stack;
}

describe('EcrAccountSetting', () => {
  test('renders a Custom::EcrAccountSetting with a short service timeout and RETAIN by default', () => {
    // GIVEN / WHEN
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    EcrAccountSetting.blobMounting(stack, 'BlobMounting');

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::EcrAccountSetting', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EcrAccountSettingProviderHandler'), 'Arn'] },
      ServiceTimeout: '300',
      SettingName: 'BLOB_MOUNTING',
      SettingValue: 'ENABLED',
      OnDelete: 'RETAIN',
      ResetValue: Match.absent(),
      PropertiesVersion: '1',
    });
  });

  test('RemovalPolicy.DESTROY resets BLOB_MOUNTING to DISABLED on delete', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    EcrAccountSetting.blobMounting(stack, 'BlobMounting', { removalPolicy: RemovalPolicy.DESTROY });

    Template.fromStack(stack).hasResourceProperties('Custom::EcrAccountSetting', {
      SettingName: 'BLOB_MOUNTING',
      SettingValue: 'ENABLED',
      OnDelete: 'RESET',
      ResetValue: 'DISABLED',
    });
  });

  test.each([
    ['blobMounting', () => (s: Stack) => EcrAccountSetting.blobMounting(s, 'S'), 'BLOB_MOUNTING', 'ENABLED'],
    ['blobMounting disabled', () => (s: Stack) => EcrAccountSetting.blobMounting(s, 'S', { enabled: false }), 'BLOB_MOUNTING', 'DISABLED'],
    ['registryPolicyScopeV2', () => (s: Stack) => EcrAccountSetting.registryPolicyScopeV2(s, 'S'), 'REGISTRY_POLICY_SCOPE', 'V2'],
    ['basicScanTypeAwsNative', () => (s: Stack) => EcrAccountSetting.basicScanTypeAwsNative(s, 'S'), 'BASIC_SCAN_TYPE_VERSION', 'AWS_NATIVE'],
  ])('factory %s applies %s = %s', (_name, make, name, value) => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const setting = make()(stack);

    expect(setting.settingName).toBe(name);
    expect(setting.settingValue).toBe(value);
    Template.fromStack(stack).hasResourceProperties('Custom::EcrAccountSetting', { SettingName: name, SettingValue: value });
  });

  /** What the function's role may do, per IAM policy: `{ policy logical id: [Sid: actions on resources (condition)] }`. */
  const rights = (stack: Stack): Record<string, string[]> => {
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    return Object.fromEntries(Object.entries(policies).map(([id, policy]) => [
      id.replace(/[0-9A-F]{8}$/, ''),
      policy.Properties.PolicyDocument.Statement.map((st: { Sid: string; Action: string | string[]; Resource: unknown; Condition?: unknown }) =>
        `${st.Sid}: ${[st.Action].flat().join(',')} on ${JSON.stringify(stack.resolve(st.Resource))}${st.Condition ? ` if ${JSON.stringify(st.Condition)}` : ''}`),
    ]));
  };
  test('one provider per stack, however many settings; one policy per setting, scoped to it', () => {
    // GIVEN / WHEN
    const stack = stackWith(['BLOB_MOUNTING', 'ENABLED'], ['REGISTRY_POLICY_SCOPE', 'V2']);

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::EcrAccountSetting', 2);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    const byPolicy = rights(stack);
    expect(Object.keys(byPolicy).sort()).toEqual([
      'EcrAccountSettingProviderPolicy',
      'EcrAccountSettingProviderPolicyBLOBMOUNTING',
      'EcrAccountSettingProviderPolicyREGISTRYPOLICYSCOPE',
    ]);
    expect(byPolicy.EcrAccountSettingProviderPolicy).toEqual([expect.stringMatching(/^Logs: logs:CreateLogStream,logs:PutLogEvents on \{"Fn::GetAtt":\["EcrAccountSettingProviderLogGroup/)]);
    for (const name of ['BLOB_MOUNTING', 'REGISTRY_POLICY_SCOPE']) {
      const statements = byPolicy[`EcrAccountSettingProviderPolicy${name.replace(/_/g, '')}`];
      expect(statements).toHaveLength(3);
      expect(statements[0]).toBe(`EcrAccountSetting: ecr:GetAccountSetting,ecr:PutAccountSetting on "*" if {"StringEquals":{"ecr:AccountSetting":"${name}"}}`);
      // Writes: only this stack's own records of this setting (under its name).
      expect(statements[1]).toBe(`RecordOwners: ssm:PutParameter,ssm:DeleteParameter on ${JSON.stringify({
        'Fn::Join': ['', [
          'arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:111111111111:parameter/cdk-ecr-shared-layers/account-settings/${name}/`,
          { Ref: 'AWS::StackName' }, '/*',
        ]],
      })}`);
      // Reads: every owner of this setting.
      expect(statements[2]).toBe(`ReadOwners: ssm:GetParametersByPath on ${JSON.stringify({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:111111111111:parameter/cdk-ecr-shared-layers/account-settings/${name}`]],
      })}`);
    }
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      },
      ManagedPolicyArns: Match.absent(),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  test('the function knows its own stack: OWNING_STACK_ID is AWS::StackId', () => {
    Template.fromStack(stackWith(['BLOB_MOUNTING', 'ENABLED'])).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { OWNING_STACK_ID: { Ref: 'AWS::StackId' } } },
    });
  });

  describe('least privilege across versions of a stack', () => {
    const ecrSettings = (stack: Stack): string[] => Object.values(rights(stack)).flat()
      .filter((st) => st.startsWith('EcrAccountSetting:'))
      .map((st) => /"ecr:AccountSetting":"([A-Z_]+)"/.exec(st)![1]).sort();

    test('a stack that declares only REGISTRY_POLICY_SCOPE cannot read or write BLOB_MOUNTING or its owners', () => {
      const stack = new Stack(new App(), 'Stack', { env: ENV });
      EcrAccountSetting.registryPolicyScopeV2(stack, 'PolicyScope');

      expect(ecrSettings(stack)).toEqual(['REGISTRY_POLICY_SCOPE']);
      expect(JSON.stringify(rights(stack))).not.toContain('BLOB_MOUNTING');
    });

    test('each custom resource depends on the policy of its own setting: a removed setting is deleted before its rights', () => {
      // GIVEN: version 1 of the stack has both; version 2 drops blob mounting
      const v1 = new Stack(new App(), 'Stack', { env: ENV });
      EcrAccountSetting.blobMounting(v1, 'BlobMounting', { removalPolicy: RemovalPolicy.DESTROY });
      EcrAccountSetting.registryPolicyScopeV2(v1, 'PolicyScope');
      const v2 = new Stack(new App(), 'Stack', { env: ENV });
      EcrAccountSetting.registryPolicyScopeV2(v2, 'PolicyScope');

      // THEN: CloudFormation deletes removed resources in reverse dependency order (cleanup phase):
      // the BlobMounting resource, then its policy. Version 2 has no right to BLOB_MOUNTING at all.
      const template = Template.fromStack(v1);
      const [blobId] = Object.keys(template.findResources('Custom::EcrAccountSetting', { Properties: { SettingName: 'BLOB_MOUNTING' } }));
      const [blobPolicyId] = Object.keys(template.findResources('AWS::IAM::Policy')).filter((id) => id.includes('PolicyBLOBMOUNTING'));
      expect(template.toJSON().Resources[blobId].DependsOn).toContain(blobPolicyId);
      expect(ecrSettings(v1)).toEqual(['BLOB_MOUNTING', 'REGISTRY_POLICY_SCOPE']);
      expect(ecrSettings(v2)).toEqual(['REGISTRY_POLICY_SCOPE']);
    });
  });

  test('the properties follow the contract the handler reads', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: ENV });

    // WHEN
    EcrAccountSetting.blobMounting(stack, 'BlobMounting', { removalPolicy: RemovalPolicy.DESTROY });

    // THEN
    const [resource] = Object.values(Template.fromStack(stack).findResources(ACCOUNT_SETTING_RESOURCE_TYPE));
    const { ServiceToken, ServiceTimeout, ...properties } = resource.Properties;
    expect(ServiceToken).toBeDefined();
    expect(ServiceTimeout).toBe('300');
    const expected: AccountSettingProperties = {
      SettingName: 'BLOB_MOUNTING', SettingValue: 'ENABLED', OnDelete: 'RESET', ResetValue: 'DISABLED', PropertiesVersion: PROPERTIES_VERSION,
    };
    expect(properties).toStrictEqual(expected);
  });

  test('the handler is inline code (ZipFile), the bundled handler, on a current Node.js runtime', () => {
    const template = Template.fromStack(stackWith(['BLOB_MOUNTING', 'ENABLED']));

    template.hasResourceProperties('AWS::Lambda::Function', {
      Code: { ZipFile: ACCOUNT_SETTING_HANDLER_CODE },
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Timeout: 60,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^EcrAccountSettingProviderLogGroup') } },
    });
  });

  test('each custom resource depends on the role policy, so Delete still has its rights', () => {
    const template = Template.fromStack(stackWith(['BLOB_MOUNTING', 'ENABLED'], ['REGISTRY_POLICY_SCOPE', 'V2']));

    const policyId = Object.keys(template.findResources('AWS::IAM::Policy')).find((id) => /^EcrAccountSettingProviderPolicy[0-9A-F]{8}$/.test(id));
    expect(policyId).toBeDefined();
    const resources = template.findResources('Custom::EcrAccountSetting');
    expect(Object.keys(resources)).toHaveLength(2);
    for (const resource of Object.values(resources)) {
      expect(resource.DependsOn).toContain(policyId);
    }
    template.hasResource('AWS::Lambda::Function', { DependsOn: Match.arrayWith([policyId]) });
  });

  test('a stack with the construct has no file or docker assets besides its template', () => {
    // GIVEN
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-setting-')) });
    const stack = new Stack(app, 'Stack', { env: ENV });
    EcrAccountSetting.blobMounting(stack, 'BlobMounting');

    // WHEN
    const assembly = app.synth();

    // THEN
    const manifests = fs.readdirSync(assembly.directory).filter((f) => f.endsWith('.assets.json'));
    expect(manifests).toHaveLength(1);
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, manifests[0]), 'utf8'));
    const files = Object.values(manifest.files ?? {}) as Array<{ source: { path: string } }>;
    expect(files.map((f) => f.source.path)).toEqual(['Stack.template.json']);
    expect(Object.keys(manifest.dockerImages ?? {})).toEqual([]);
  });

  test('aws-cdk-lib default template rules report nothing (validateAgainstDefaultRules on)', () => {
    const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
    const stack = new Stack(app, 'Stack', { env: ENV });
    EcrAccountSetting.blobMounting(stack, 'BlobMounting', { removalPolicy: RemovalPolicy.DESTROY });
    EcrAccountSetting.registryPolicyScopeV2(stack, 'Scope');

    expect(() => app.synth()).not.toThrow();
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  test('cdk-nag AwsSolutions: no unacknowledged findings', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new Stack(app, 'Stack', { env: ENV });
    EcrAccountSetting.blobMounting(stack, 'BlobMounting');
    EcrAccountSetting.basicScanTypeAwsNative(stack, 'ScanType');

    expect(() => app.synth()).not.toThrow();
  });

  test('cdk-nag would flag the wildcard without the scoped acknowledgement (the check can fail)', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new Stack(app, 'Stack', { env: ENV });
    EcrAccountSetting.blobMounting(stack, 'BlobMounting');
    // A second, unacknowledged wildcard policy in the same stack must still be reported.
    const role = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ecr:DescribeRepositories'], resources: ['*'] }));

    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  });

  test('REGISTRY_POLICY_SCOPE V1 is accepted with an acknowledgeable warning', () => {
    const stack = stackWith(['REGISTRY_POLICY_SCOPE', 'V1']);

    Annotations.fromStack(stack).hasWarning('/Stack/Setting0', Match.stringLikeRegexp('advises against going back to registry policy scope V1'));
  });

  describe('fails at construction', () => {
    test.each([
      ['an unknown name', 'BLOB_MOUNT', 'ENABLED', 'Unknown ECR account setting name "BLOB_MOUNT". Expected one of BLOB_MOUNTING, BASIC_SCAN_TYPE_VERSION, REGISTRY_POLICY_SCOPE (see AccountSettingName).'],
      ['an unknown BLOB_MOUNTING value', 'BLOB_MOUNTING', 'ON', 'Invalid value "ON" for ECR account setting BLOB_MOUNTING. Expected one of ENABLED, DISABLED.'],
      ['a lower-case value', 'BLOB_MOUNTING', 'enabled', 'Invalid value "enabled" for ECR account setting BLOB_MOUNTING. Expected one of ENABLED, DISABLED.'],
      ['the retired Clair scanner', 'BASIC_SCAN_TYPE_VERSION', 'CLAIR', 'Invalid value "CLAIR" for ECR account setting BASIC_SCAN_TYPE_VERSION. Expected one of AWS_NATIVE.'],
      ['an unknown policy scope', 'REGISTRY_POLICY_SCOPE', 'V3', 'Invalid value "V3" for ECR account setting REGISTRY_POLICY_SCOPE. Expected one of V2, V1.'],
    ])('fails when given %s', (_case, name, value, message) => {
      const stack = new Stack(new App(), 'Stack', { env: ENV });
      expect(() => new EcrAccountSetting(stack, 'Setting', { name, value })).toThrow(`Stack/Setting: ${message}`);
    });

    test.each([
      [AccountSettingName.BASIC_SCAN_TYPE_VERSION, 'AWS_NATIVE'],
      [AccountSettingName.REGISTRY_POLICY_SCOPE, 'V2'],
    ])('fails when RemovalPolicy.DESTROY is asked for %s, which has no off value', (name, value) => {
      const stack = new Stack(new App(), 'Stack', { env: ENV });
      expect(() => new EcrAccountSetting(stack, 'Setting', { name, value, removalPolicy: RemovalPolicy.DESTROY }))
        .toThrow(`Stack/Setting: RemovalPolicy.DESTROY is not supported for ECR account setting ${name}: it has no off value to reset to. Use RemovalPolicy.RETAIN (the default), which leaves the setting as it is.`);
    });

    test('fails when RemovalPolicy.SNAPSHOT is asked for', () => {
      const stack = new Stack(new App(), 'Stack', { env: ENV });
      expect(() => EcrAccountSetting.blobMounting(stack, 'Setting', { removalPolicy: RemovalPolicy.SNAPSHOT }))
        .toThrow('Stack/Setting: Unsupported removalPolicy "snapshot" for an ECR account setting. Expected RemovalPolicy.RETAIN (leave the setting) or RemovalPolicy.DESTROY (reset it to its off value).');
    });
  });

  describe('one owner per setting and registry', () => {
    test('fails when the same stack sets BLOB_MOUNTING twice, naming both', () => {
      const app = new App();
      const stack = new Stack(app, 'Stack', { env: ENV });
      EcrAccountSetting.blobMounting(stack, 'A');
      EcrAccountSetting.blobMounting(stack, 'B', { enabled: false });

      expect(() => app.synth()).toThrow(
        'ECR account setting BLOB_MOUNTING is defined 2 times for account 111111111111 in us-east-1: Stack/A, Stack/B. It exists once per registry (account and region), so the last deploy would silently win. Keep exactly one of them',
      );
    });

    test('fails when two stacks of the same account and region set it, even inside nested stages', () => {
      const app = new App();
      EcrAccountSetting.blobMounting(new Stack(app, 'Baseline', { env: ENV }), 'BlobMounting');
      const stage = new Stage(app, 'Prod', { env: ENV });
      EcrAccountSetting.blobMounting(new Stack(stage, 'Team'), 'BlobMounting');

      expect(() => app.synth()).toThrow(/BLOB_MOUNTING is defined 2 times for account 111111111111 in us-east-1: Baseline\/BlobMounting, Prod\/Team\/BlobMounting\./);
    });

    test.each([
      ['different regions', { account: '111111111111', region: 'eu-west-1' }],
      ['different accounts', { account: '222222222222', region: 'us-east-1' }],
    ])('allows the same setting in %s', (_case, otherEnv) => {
      const app = new App();
      EcrAccountSetting.blobMounting(new Stack(app, 'One', { env: ENV }), 'BlobMounting');
      EcrAccountSetting.blobMounting(new Stack(app, 'Two', { env: otherEnv }), 'BlobMounting');

      expect(() => app.synth()).not.toThrow();
    });

    test('allows different settings in one registry', () => {
      const app = new App();
      const stack = new Stack(app, 'Stack', { env: ENV });
      EcrAccountSetting.blobMounting(stack, 'BlobMounting');
      EcrAccountSetting.registryPolicyScopeV2(stack, 'Scope');

      expect(() => app.synth()).not.toThrow();
    });

    test('env-agnostic stacks are compared within themselves only', () => {
      const app = new App();
      EcrAccountSetting.blobMounting(new Stack(app, 'One'), 'BlobMounting');
      EcrAccountSetting.blobMounting(new Stack(app, 'Two'), 'BlobMounting');
      expect(() => app.synth()).not.toThrow();

      const app2 = new App();
      const agnostic = new Stack(app2, 'One');
      EcrAccountSetting.blobMounting(agnostic, 'A');
      EcrAccountSetting.blobMounting(agnostic, 'B');
      expect(() => app2.synth()).toThrow(/BLOB_MOUNTING is defined 2 times for the env-agnostic stack One: One\/A, One\/B/);
    });
  });
});
