import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RegistryBaselineStackSet, RegistryEncryption, RegistryMonitor, SharedLayerRegistry } from '../../src';
import { REGISTRY_MONITOR_HANDLER_CODE } from '../../src/monitor/handler-code.generated';

const ENV = { account: '123456789012', region: 'us-east-1' };

// Every synthesis writes its assembly in a directory this file removes.
const outdirs: string[] = [];
afterEach(() => {
  outdirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});
function newApp(context: Record<string, unknown> = {}): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-monitor-'));
  outdirs.push(outdir);
  return new App({ outdir, context });
}

function monitoredStack(props: { encryption?: RegistryEncryption } = {}, app = newApp()) {
  const stack = new Stack(app, 'Stack', { env: ENV });
  const registry = new SharedLayerRegistry(stack, 'Registry', props);
  return { app, stack, registry };
}

describe('RegistryMonitor', () => {
  test('zero file assets: the function code is the bundled module, inline', () => {
    // GIVEN
    const { app, stack, registry } = monitoredStack();

    // WHEN
    new RegistryMonitor(stack, 'Monitor', { registry });

    // THEN
    const artifact = app.synth().getStackArtifact(stack.artifactId);
    expect(artifact.assets).toEqual([]);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Code: { ZipFile: REGISTRY_MONITOR_HANDLER_CODE },
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Timeout: 600,
      MemorySize: 256,
      Environment: { Variables: { REGISTRY_ID: '123456789012', ISLAND_ENCRYPTION_TYPE: 'AES256' } },
    });
  });

  test('the island is the registry\'s own key: its ARN is passed to the function', () => {
    const app = newApp();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const key = new kms.Key(stack, 'Key');
    const registry = new SharedLayerRegistry(stack, 'Registry', { encryption: RegistryEncryption.kms(key) });

    new RegistryMonitor(stack, 'Monitor', { registry });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { ISLAND_ENCRYPTION_TYPE: 'KMS', ISLAND_KMS_KEY: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] } } },
    });
  });

  test('least privilege: ECR Describe/BatchGetImage and GetAccountSetting of BLOB_MOUNTING, its own log group, no ECR write', () => {
    const { stack, registry } = monitoredStack();

    const monitor = new RegistryMonitor(stack, 'Monitor', { registry });

    const template = Template.fromStack(stack);
    const logGroup = stack.getLogicalId(monitor.node.findChild('LogGroup').node.defaultChild as CfnLogGroup);
    const monitorPolicies = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^MonitorPolicy') } });
    expect(Object.keys(monitorPolicies)).toHaveLength(1);
    type PolicyResource = { Properties: { PolicyDocument: { Statement: object[] } } };
    const statements = (Object.values(monitorPolicies)[0] as PolicyResource).Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      {
        Sid: 'ReadRepositoriesAndManifests',
        Action: ['ecr:DescribeRepositories', 'ecr:DescribeImages', 'ecr:BatchGetImage'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:123456789012:repository/*']] },
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
        Sid: 'Logs',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
      },
    ]);
    expect(JSON.stringify(statements)).not.toMatch(/ecr:(Put|Delete|Create|Set|Tag|Untag|Replicate|Start|Upload|Initiate|Complete|GetDownloadUrlForLayer)/);
    expect(JSON.stringify(statements)).not.toContain('cloudwatch:');
    expect(template.toJSON().Resources[logGroup].Properties).toEqual({ RetentionInDays: 90 });
  });

  test('two schedules: the island check every 5 minutes (its own input), the figures daily (a plain Scheduled Event)', () => {
    const { stack, registry } = monitoredStack();

    new RegistryMonitor(stack, 'Monitor', { registry });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 2);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Input: '{"check":"island"}', Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorHandler'), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [Match.objectLike({ Input: Match.absent(), Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorHandler'), 'Arn'] } })],
    });
    template.resourceCountIs('AWS::Lambda::Permission', 2);
  });

  test('an alarm on RepositoriesOutsideIsland > 0 over the check interval, notifying the topic', () => {
    const { stack, registry } = monitoredStack();
    const topic = new sns.Topic(stack, 'Topic');

    new RegistryMonitor(stack, 'Monitor', { registry, alarmTopic: topic, islandCheckInterval: Duration.minutes(10) });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'EcrSharedLayers',
      MetricName: 'RepositoriesOutsideIsland',
      Dimensions: [{ Name: 'RegistryId', Value: '123456789012' }],
      Statistic: 'Maximum',
      Period: 600,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }],
      OKActions: [{ Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) }],
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
  });

  test('a dashboard of every metric; none with dashboard: false', () => {
    const { stack, registry } = monitoredStack();

    new RegistryMonitor(stack, 'Monitor', { registry, dashboardName: 'ecr-registry' });

    const dashboards = Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard');
    expect(Object.keys(dashboards)).toHaveLength(1);
    const body = JSON.stringify(stack.resolve(Object.values(dashboards)[0].Properties.DashboardBody));
    // RepositoriesOutsideIsland: through its alarm (the alarm widget draws the metric and the threshold).
    const alarm = Object.keys(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'RepositoriesOutsideIsland' } }));
    expect(body).toContain(`{"Fn::GetAtt":["${alarm[0]}","Arn"]}`);
    for (const metric of ['Islands', 'BytesWithoutSharing', 'BytesWithSharing', 'BytesSavedBySharing',
      'BlobMountingEnabled', 'FiguresComplete', 'IslandCheckComplete']) {
      expect(body).toContain(`\\"${metric}\\"`);
    }
    expect(body).toContain('EcrSharedLayers');
    expect(Object.values(dashboards)[0].Properties.DashboardName).toBe('ecr-registry');

    const other = monitoredStack();
    new RegistryMonitor(other.stack, 'Monitor', { registry: other.registry, dashboard: false });
    Template.fromStack(other.stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  test('a figures schedule of the user\'s choice', () => {
    const { stack, registry } = monitoredStack();

    new RegistryMonitor(stack, 'Monitor', { registry, figuresSchedule: events.Schedule.cron({ minute: '0', hour: '6' }) });

    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 6 * * ? *)' });
  });

  test('cdk-nag AwsSolutions: no unacknowledged findings, in a concrete and an environment-agnostic stack, with partition literals too', () => {
    for (const [env, partitionLiterals] of [[ENV, false], [undefined, false], [ENV, true]] as const) {
      // cdk init apps set enablePartitionLiterals: ARNs then name the partition, and so do cdk-nag's finding ids.
      const app = newApp({ '@aws-cdk/core:enablePartitionLiterals': partitionLiterals });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      const stack = new Stack(app, 'Stack', { env });
      new SharedLayerRegistry(stack, 'Registry', { monitoring: true });

      expect(() => app.synth()).not.toThrow();
    }
  });

  test('cdk-nag still reports an unacknowledged wildcard next to the monitor (the check can fail)', () => {
    const app = newApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new Stack(app, 'Stack', { env: ENV });
    new SharedLayerRegistry(stack, 'Registry', { monitoring: true });
    const role = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ecr:DescribeRepositories'], resources: ['*'] }));

    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  });

  describe('fails at construction', () => {
    test.each([
      [{ islandCheckInterval: Duration.seconds(90) }, 'islandCheckInterval must be a whole number of minutes, at least 1, got "1 minute 30 seconds"'],
      [{ islandCheckInterval: Duration.seconds(30) }, 'islandCheckInterval must be a whole number of minutes, at least 1, got "30 seconds"'],
      [{ timeout: Duration.minutes(16) }, 'timeout must be between 10 seconds and 15 minutes (the Lambda maximum), got "16 minutes"'],
      [{ memorySize: 64 }, 'memorySize must be a whole number of MB from 128 to 10,240, got 64'],
    ])('fails when given %j', (props, message) => {
      const { stack, registry } = monitoredStack();

      expect(() => new RegistryMonitor(stack, 'Monitor', { registry, ...props })).toThrow(`[cdk-ecr-shared-layers:invalidMonitorSetting] Stack/Monitor: ${message}`);
    });
  });
});

describe('the monitoring option', () => {
  test('SharedLayerRegistry: true creates the monitor with the defaults', () => {
    const { stack, registry } = monitoredStack({}, undefined);
    const withMonitor = new SharedLayerRegistry(new Stack(newApp(), 'Other', { env: ENV }), 'Registry', { monitoring: true });

    expect(registry.monitor).toBeUndefined();
    expect(withMonitor.monitor).toBeInstanceOf(RegistryMonitor);
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    Template.fromStack(Stack.of(withMonitor)).resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });

  test('SharedLayerRegistry: an options object is passed on', () => {
    const stack = new Stack(newApp(), 'Stack', { env: ENV });

    new SharedLayerRegistry(stack, 'Registry', { monitoring: { islandCheckInterval: Duration.minutes(15), dashboard: false } });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  test('RegistryBaselineStackSet: every stack instance gets the monitor, inline, within the TemplateBody limit', () => {
    const stack = new Stack(newApp(), 'Organization', { env: ENV });

    const baseline = new RegistryBaselineStackSet(stack, 'Baseline', {
      organizationalUnitIds: ['ou-ab12-cdef3456'],
      regions: ['eu-west-1'],
      monitoring: true,
    });

    const body = String(baseline.resource.templateBody);
    const template = JSON.parse(body) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types).toEqual(expect.arrayContaining(['AWS::Lambda::Function', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::Events::Rule']));
    const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties).includes('ISLAND_ENCRYPTION_TYPE'))!;
    expect(fn.Properties.Code).toEqual({ ZipFile: REGISTRY_MONITOR_HANDLER_CODE });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(51_200);
  });
});
