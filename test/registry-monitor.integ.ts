/**
 * Integration app: an AES256 registry with its monitor (island check every 5 minutes, daily figures,
 * alarm, dashboard) and one repository.
 *
 * The committed snapshot (test/registry-monitor.integ.snapshot/) is compared with a fresh synthesis
 * by the test task (`npx projen integ:registry-monitor:assert`).
 *
 * Anyone with an AWS account can deploy it and run the assertions after deploy:
 *   npx projen integ:registry-monitor:deploy     (deploys, asserts, then snapshots)
 *   npx projen integ:registry-monitor:destroy
 * The assertion invokes the monitor's function with an EventBridge Scheduled Event, as the figures
 * rule does: it must return without a function error (its metrics go to the EcrSharedLayers
 * namespace through the log group). The account setting and the repository are RETAINED on destroy
 * (the library's defaults).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Stack, Validations } from 'aws-cdk-lib';
import { SharedLayerRegistry } from '../src';
import { integApp } from './support/integ';

const app = integApp({ '@aws-cdk/core:defaultCrossStackReferences': 'strong' });
// Env-agnostic: the snapshot does not depend on who synthesizes it, and it deploys to any account and region.
const stack = new Stack(app, 'RegistryMonitorInteg');
Validations.of(stack).acknowledge({
  id: 'cdk-ecr-shared-layers:envAgnosticStack',
  reason: 'The integration stack is env-agnostic on purpose (it deploys to any account and region); it holds the whole registry.',
});

const registry = new SharedLayerRegistry(stack, 'Registry', { monitoring: true });
registry.addRepository('Api', { repositoryName: 'integ-registry-monitor/api' });

const integ = new IntegTest(app, 'RegistryMonitorTest', { testCases: [stack] });

integ.assertions
  .invokeFunction({
    functionName: registry.monitor!.handler.functionName,
    payload: JSON.stringify({ 'detail-type': 'Scheduled Event', 'source': 'aws.events', 'detail': {} }),
  })
  .expect(ExpectedResult.objectLike({ StatusCode: 200, ExecutedVersion: '$LATEST' }));
