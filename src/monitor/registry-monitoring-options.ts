import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * How a `RegistryMonitor` watches its registry (also the `monitoring` option of
 * `SharedLayerRegistry` and `RegistryBaselineStackSet`). Every option has a working default.
 */
export interface RegistryMonitoringOptions {
  /**
   * How often the island check lists the repositories: a repository created outside the registry's
   * encryption island (by the console, the aws CLI, Terraform, another app, replication, create on
   * push) is counted, logged by name and alarmed on within this interval. Whole minutes, at least one.
   * Also the period of the alarm.
   *
   * @default Duration.minutes(5)
   */
  readonly islandCheckInterval?: Duration;

  /**
   * When the function also reads every image manifest and publishes the registry's figures (islands,
   * bytes with and without sharing, blob mounting). EventBridge sends it a `Scheduled Event`.
   *
   * @default events.Schedule.rate(Duration.days(1))
   */
  readonly figuresSchedule?: events.Schedule;

  /**
   * An SNS topic that the alarm notifies when repositories are outside the island (and when they
   * are back inside). In a `RegistryBaselineStackSet`, give a topic that exists in every target
   * account and region under a name known in advance (`sns.Topic.fromTopicArn`).
   *
   * @default - no notification (the alarm is still there, and on the dashboard)
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Further actions of the alarm (for example an `aws-cloudwatch-actions` action).
   *
   * @default - none
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];

  /**
   * Create a CloudWatch dashboard of the metrics.
   *
   * @default true
   */
  readonly dashboard?: boolean;

  /**
   * The dashboard's name (unique in the account and region).
   *
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;

  /**
   * The function's timeout: the figures of a large registry need time (about one DescribeImages and
   * one BatchGetImage per repository, several at once). A read that does not finish in time publishes
   * `FiguresComplete` 0 and no byte total. At most 15 minutes.
   *
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;

  /**
   * The function's memory in MB (128-10,240); the CPU grows with it.
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * How long the function's logs (the names of repositories outside the island, and the metrics)
   * are kept.
   *
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}
