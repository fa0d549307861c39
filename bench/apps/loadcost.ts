/**
 * Module loading cost, in order: what the plain app loads, then what the library adds on top.
 * Each step's time is the require of that module with everything before it already loaded.
 * Written to BENCH_REPORT as [[module, ms], ...].
 */
import { writeFileSync } from 'fs';
import { createRequire } from 'module';
import { join } from 'path';
import { performance } from 'perf_hooks';

const load = createRequire(__filename);
const STEPS: Array<[string, string]> = [
  ['aws-cdk-lib (root)', 'aws-cdk-lib'],
  ['aws-cdk-lib/aws-ecr', 'aws-cdk-lib/aws-ecr'],
  ['aws-cdk-lib/aws-kms', 'aws-cdk-lib/aws-kms'],
  ['aws-cdk-lib/aws-iam', 'aws-cdk-lib/aws-iam'],
  ['aws-cdk-lib/aws-logs', 'aws-cdk-lib/aws-logs'],
  ['aws-cdk-lib/aws-lambda', 'aws-cdk-lib/aws-lambda'],
  ['the library (src/index), after the above', join(__dirname, '..', '..', 'src', 'index.js')],
];

const times: Array<[string, number]> = [];
for (const [label, id] of STEPS) {
  const start = performance.now();
  load(id);
  times.push([label, performance.now() - start]);
}
if (process.env.BENCH_REPORT) {
  writeFileSync(process.env.BENCH_REPORT, JSON.stringify(times));
}
