/**
 * A registry that watches itself: a customer managed key is the island; every 5 minutes a scheduled
 * function counts the repositories outside it (created by anyone: console, aws CLI, Terraform,
 * replication) and alarms to the platform team's topic; daily it publishes what layer sharing saves
 * (CloudWatch namespace EcrSharedLayers), with a dashboard. See docs/monitoring.md.
 *
 * npx cdk synth --app "ts-node --project tsconfig.dev.json examples/registry-monitor.ts" -o cdk.out/examples/registry-monitor --quiet --no-notices
 */
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RegistryEncryption, RegistryMonitor, SharedLayerRegistry } from '../src';

const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

const stack = new Stack(app, 'MonitoredRegistry', { env: { account: '111111111111', region: 'eu-west-1' } });
const key = new kms.Key(stack, 'RegistryKey', { enableKeyRotation: true, description: 'ECR registry encryption (one island)' });
const registry = new SharedLayerRegistry(stack, 'Registry', { encryption: RegistryEncryption.kms(key) });
registry.addRepository('Api', { repositoryName: 'team/api' });
registry.addRepository('Web', { repositoryName: 'team/web' });

// The platform team's existing topic (its subscriptions are managed elsewhere).
const topic = sns.Topic.fromTopicArn(stack, 'PlatformAlerts', 'arn:aws:sns:eu-west-1:111111111111:platform-alerts');

// Equivalent to `monitoring: { ... }` on the registry; a construct of its own here to show the props.
new RegistryMonitor(stack, 'Monitor', {
  registry,
  alarmTopic: topic,
  islandCheckInterval: Duration.minutes(5),
  // The figures at 06:00 UTC, before the working day.
  figuresSchedule: events.Schedule.cron({ minute: '0', hour: '6' }),
  dashboardName: 'ecr-registry-eu-west-1',
});

app.synth();
