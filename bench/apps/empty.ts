/**
 * The floor: Node starts, loads the same aws-cdk-lib modules as plain.ts, and synthesizes an app
 * with nothing in it.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { runBenchApp } from './harness';

// Referenced so that the modules are loaded exactly as in plain.ts.
const LOADED = [Duration, Stack, ecr.Repository, kms.Key];

runBenchApp(() => {
  if (LOADED.length === 0) {
    throw new Error('unreachable');
  }
});
