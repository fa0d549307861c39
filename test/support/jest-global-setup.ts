/**
 * Jest global setup (runs once, before the test files; the workers inherit its environment).
 *
 * 1. One temporary directory per run. The tests synthesize hundreds of CDK apps, and an App without
 *    `outdir` writes its cloud assembly to a new `cdk.out*` folder of the temp directory that nothing
 *    removes (about 290 folders, 16 MB a run). TMPDIR points at a folder of this run under the
 *    project's .tmp/ instead; the global teardown removes it, and the next run removes the folders
 *    of runs that were killed.
 * 2. aws-cdk-lib's template validation (a WebAssembly CloudFormation validator, on by default) is
 *    off unless CDK_VALIDATION is set: each test file loads aws-cdk-lib afresh, and the validator
 *    takes about 5 s of CPU to start in every one of them, to check templates that no assertion
 *    reads. The test files that assert what a user's app gets from it (the README's apps and the
 *    cdk init app, with validateAgainstDefaultRules as cdk init sets it; the account-setting
 *    provider's default-rules test) turn it back on for themselves with `enableTemplateValidation()`;
 *    cfn-lint checks the templates of the registry tests.
 * 3. No AWS SDK end-of-support notice: @aws-sdk/client-ecr (a dev dependency, used by the handler
 *    tests) warns once per process that SDK releases after January 2027 need Node.js 22. It says
 *    nothing about this project's code (the Lambda runtime is Node.js 24), so it is turned off with
 *    the SDK's own switch.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RUN_DIR_ENV, RUNS_DIR } from './test-run';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export default function globalSetup(): void {
  fs.mkdirSync(RUNS_DIR, { recursive: true });
  // Folders of runs that ended without their teardown (killed, interrupted).
  for (const entry of fs.readdirSync(RUNS_DIR)) {
    const pid = Number(/^run-(\d+)$/.exec(entry)?.[1]);
    if (pid && pid !== process.pid && !isRunning(pid)) {
      fs.rmSync(path.join(RUNS_DIR, entry), { recursive: true, force: true });
    }
  }
  const runDir = path.join(RUNS_DIR, `run-${process.pid}`);
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(runDir, 'tmp'), { recursive: true });

  process.env[RUN_DIR_ENV] = runDir;
  process.env.TMPDIR = path.join(runDir, 'tmp');
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.CDK_VALIDATION ??= 'false';
}
