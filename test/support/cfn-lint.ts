/**
 * Runs cfn-lint (AWS's CloudFormation linter, installed on the development and CI machines with
 * pip) on synthesized templates.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';

/** Whether cfn-lint is on the PATH (it is on the development and CI machines of this project). */
export const CFN_LINT_INSTALLED = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;

/**
 * `test`, or `test.skip` where cfn-lint is not installed: the run then reports these tests as
 * skipped (never as passed). `.ci/run` lints every synthesized template on its own as well.
 */
export const testWithCfnLint = CFN_LINT_INSTALLED ? test : test.skip;

export interface LintResult {
  readonly status: number | null;
  readonly output: string;
}

/**
 * Lints template files. W3005 (a DependsOn that an intrinsic already implies) is how CDK keeps a
 * custom resource's rights until its Delete ends: it is not a finding here.
 */
export function cfnLint(files: string[], regions: string[] = ['us-east-1']): LintResult {
  const result = spawnSync('cfn-lint', ['--ignore-checks', 'W3005', '--regions', ...regions, '--', ...files], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(`cfn-lint could not run (${result.error.message}): install it with 'pip install cfn-lint'`);
  }
  return { status: result.status, output: result.stdout + result.stderr };
}

/** Synthesizes the app into a temporary directory and lints every template of it. */
export function cfnLintApp(app: App, regions?: string[]): LintResult & { readonly templates: number } {
  const assembly = app.synth({ force: true });
  const files = fs.readdirSync(assembly.directory).filter((f) => f.endsWith('.template.json')).map((f) => path.join(assembly.directory, f));
  return { ...cfnLint(files, regions), templates: files.length };
}

/** Lints one template given as a JSON string. */
export function cfnLintTemplate(name: string, template: string, regions?: string[]): LintResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
  try {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, template);
    return cfnLint([file], regions);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
