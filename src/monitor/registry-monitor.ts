import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV, ISLAND_CHECK_INPUT, METRIC_NAMESPACE, METRICS, REGISTRY_DIMENSION } from './contract';
import { REGISTRY_MONITOR_HANDLER_CODE } from './handler-code.generated';
import { RegistryMonitoringOptions } from './registry-monitoring-options';
import { fail, show } from '../private/errors';
import { registryReadStatements } from '../private/registry-read-statements';
// A type only: the registry creates its monitor (monitoring option), so the value import points one way.
import type { SharedLayerRegistry } from '../registry/shared-layer-registry';

/**
 * Properties of a `RegistryMonitor`.
 */
export interface RegistryMonitorProps extends RegistryMonitoringOptions {
  /** The registry to watch: its own encryption is the island. */
  readonly registry: SharedLayerRegistry;
}

const MAX_TIMEOUT = Duration.minutes(15);

/**
 * Watches a `SharedLayerRegistry` from inside its account and region: a scheduled Lambda function
 * (inline code, the Lambda runtime's AWS SDK, no file asset) that
 *
 * - every `islandCheckInterval` (5 minutes) lists the repositories and publishes
 *   `RepositoriesOutsideIsland` (repositories whose encryption type or key is not the registry's
 *   own, whoever created them), logging them by name, with an alarm on it;
 * - on `figuresSchedule` (daily) publishes the registry's figures, computed by the same code as the
 *   `cdk-ecr-shared-layers audit` CLI: `Islands`, `BytesWithoutSharing`, `BytesWithSharing`,
 *   `BytesSavedBySharing`, `BlobMountingEnabled`.
 *
 * Metrics go to the `EcrSharedLayers` namespace (dimension `RegistryId`) as CloudWatch embedded
 * metric format lines, so the function needs no `cloudwatch:PutMetricData`; its role reads ECR only
 * (Describe, BatchGetImage, GetAccountSetting of BLOB_MOUNTING). A dashboard shows the metrics.
 *
 * @example
 * declare const registry: SharedLayerRegistry;
 * declare const topic: sns.ITopic;
 * new RegistryMonitor(this, 'Monitor', { registry, alarmTopic: topic });
 */
export class RegistryMonitor extends Construct {
  /** The function (island check and figures). */
  public readonly handler: lambda.IFunction;
  /** The alarm: `RepositoriesOutsideIsland` > 0. */
  public readonly alarm: cloudwatch.Alarm;
  /**
   * The dashboard.
   * @default - none when `dashboard` is false
   */
  public readonly dashboard?: cloudwatch.Dashboard;

  private readonly registryId: string;

  constructor(scope: Construct, id: string, props: RegistryMonitorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const interval = props.islandCheckInterval ?? Duration.minutes(5);
    const timeout = props.timeout ?? Duration.minutes(10);
    const memorySize = props.memorySize ?? 256;
    this.validate(interval, timeout, memorySize);
    this.registryId = props.registry.registryId;

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Reads the Amazon ECR registry for cdk-ecr-shared-layers RegistryMonitor (no write)',
    });
    const policy = new iam.Policy(this, 'Policy', {
      roles: [role],
      statements: [
        ...registryReadStatements(stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' })),
        new iam.PolicyStatement({
          sid: 'Logs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      ],
    });
    Validations.of(policy).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${nagWildcardId(stack, 'ecr', 'repository/*')}]`,
        reason: 'The monitor watches every repository of the registry, including those created outside CDK; the actions are Describe and BatchGetImage (manifests) only.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:DescribeRegistry, ecr:DescribePullThroughCacheRules, ecr:DescribeRepositoryCreationTemplates and ecr:GetAccountSetting have no resource type; '
          + 'GetAccountSetting is limited to BLOB_MOUNTING by the ecr:AccountSetting condition.',
      },
    );

    const encryption = props.registry.encryption;
    const handler = new lambda.Function(this, 'Handler', {
      description: 'Watches the Amazon ECR registry\'s encryption island and publishes its layer-sharing figures (cdk-ecr-shared-layers)',
      code: lambda.Code.fromInline(REGISTRY_MONITOR_HANDLER_CODE),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize,
      timeout,
      role,
      logGroup,
      environment: {
        [ENV.registryId]: this.registryId,
        [ENV.encryptionType]: encryption.encryptionType,
        ...(encryption.key ? { [ENV.kmsKey]: encryption.key.keyArn } : {}),
      },
    });
    handler.node.addDependency(policy);
    this.handler = handler;

    new events.Rule(this, 'IslandCheck', {
      description: 'Lists the ECR repositories: any outside the registry\'s encryption island is counted and logged (cdk-ecr-shared-layers)',
      schedule: events.Schedule.rate(interval),
      targets: [new targets.LambdaFunction(handler, { event: events.RuleTargetInput.fromObject(ISLAND_CHECK_INPUT), retryAttempts: 0 })],
    });
    new events.Rule(this, 'Figures', {
      description: 'Publishes the ECR registry\'s layer-sharing figures (cdk-ecr-shared-layers)',
      schedule: props.figuresSchedule ?? events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(handler, { retryAttempts: 0 })],
    });

    this.alarm = new cloudwatch.Alarm(this, 'OutsideIslandAlarm', {
      alarmDescription: 'Repositories outside the ECR registry\'s encryption island: they cannot share layers. Their names are in the monitor\'s log group.',
      metric: this.metric(METRICS.repositoriesOutsideIsland, { period: interval, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    const actions = [
      ...(props.alarmTopic ? [new cloudwatchActions.SnsAction(props.alarmTopic)] : []),
      ...(props.alarmActions ?? []),
    ];
    if (actions.length > 0) {
      this.alarm.addAlarmAction(...actions);
      this.alarm.addOkAction(...actions);
    }

    if (props.dashboard ?? true) {
      this.dashboard = this.createDashboard(props.dashboardName, interval);
    }
  }

  /**
   * A metric of the monitor (namespace `EcrSharedLayers`, dimension `RegistryId` of this registry),
   * for example `RepositoriesOutsideIsland`, `Islands`, `BytesSavedBySharing`.
   */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { [REGISTRY_DIMENSION]: this.registryId },
      ...props,
    });
  }

  private createDashboard(dashboardName: string | undefined, interval: Duration): cloudwatch.Dashboard {
    const daily = Duration.days(1);
    const latest = (name: string, period: Duration, label: string) => this.metric(name, { period, statistic: cloudwatch.Stats.MAXIMUM, label });
    return new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName,
      defaultInterval: Duration.days(14),
      widgets: [[
        new cloudwatch.AlarmWidget({ title: 'Repositories outside the island (alarm when > 0)', alarm: this.alarm, width: 12, height: 6 }),
        new cloudwatch.GraphWidget({
          title: 'Encryption islands (1 = every repository can share layers)',
          left: [latest(METRICS.islands, interval, 'Islands')],
          leftYAxis: { min: 0 },
          width: 12,
          height: 6,
        }),
      ], [
        new cloudwatch.GraphWidget({
          title: 'Stored bytes: without sharing, with sharing, saved',
          left: [
            latest(METRICS.bytesWithoutSharing, daily, 'Without sharing'),
            latest(METRICS.bytesWithSharing, daily, 'With sharing'),
            latest(METRICS.bytesSavedBySharing, daily, 'Saved by sharing'),
          ],
          width: 12,
          height: 6,
        }),
        new cloudwatch.GraphWidget({
          title: 'Blob mounting on (1), figures complete (1), island check complete (1)',
          left: [
            latest(METRICS.blobMountingEnabled, daily, 'BlobMountingEnabled'),
            this.metric(METRICS.figuresComplete, { period: daily, statistic: cloudwatch.Stats.MINIMUM, label: 'FiguresComplete' }),
            this.metric(METRICS.islandCheckComplete, { period: interval, statistic: cloudwatch.Stats.MINIMUM, label: 'IslandCheckComplete' }),
          ],
          leftYAxis: { min: 0, max: 1 },
          width: 12,
          height: 6,
        }),
      ]],
    });
  }

  private validate(interval: Duration, timeout: Duration, memorySize: number): void {
    const seconds = interval.toSeconds();
    if (!Token.isUnresolved(seconds) && (seconds < 60 || seconds % 60 !== 0)) {
      fail(this, 'invalidMonitorSetting', `islandCheckInterval must be a whole number of minutes, at least 1, got ${show(interval.toHumanString())}. `
        + 'EventBridge schedules and CloudWatch alarm periods count in minutes: use for example Duration.minutes(5).');
    }
    if (!Token.isUnresolved(timeout.toSeconds()) && (timeout.toSeconds() < 10 || timeout.toSeconds() > MAX_TIMEOUT.toSeconds())) {
      fail(this, 'invalidMonitorSetting', `timeout must be between 10 seconds and 15 minutes (the Lambda maximum), got ${show(timeout.toHumanString())}. `
        + 'Use for example Duration.minutes(10); a registry too large for one run publishes FiguresComplete 0.');
    }
    if (!Token.isUnresolved(memorySize) && (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240)) {
      fail(this, 'invalidMonitorSetting', `memorySize must be a whole number of MB from 128 to 10,240, got ${show(memorySize)}. Use for example 256.`);
    }
  }
}

/**
 * How cdk-nag names a wildcard resource of the stack's account and region in a finding id. The
 * partition is a literal when the app sets `@aws-cdk/core:enablePartitionLiterals` (as `cdk init`
 * apps do) and the region is known.
 */
function nagWildcardId(stack: Stack, service: string, resource: string): string {
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:${partition}:${service}:${region}:${account}:${resource}`;
}
