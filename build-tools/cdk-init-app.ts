/**
 * Refreshes test/fixtures/cdk-init-app/: an app laid out exactly as a user's
 * `cdk init app --language typescript` makes it (the aws-cdk CLI of node_modules, offline), whose
 * cdk.json carries every feature flag that the aws-cdk-lib in use recommends (cdk init writes the
 * flags its own CLI knows; a flag the CLI does not know yet is added with aws-cdk-lib's value).
 *
 * The tests run the README's apps with that cdk.json's context, as the aws-cdk CLI passes it.
 * Run after upgrading aws-cdk-lib or the aws-cdk CLI: `npx projen fixture:cdk-init-app`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
export const FIXTURE_DIR = path.join(ROOT, 'test', 'fixtures', 'cdk-init-app');
/** The directory name gives the app its names (bin/user-app.ts, UserAppStack). */
const APP_NAME = 'user-app';

function main(): void {
  const work = path.join(ROOT, '.tmp', 'cdk-init-app');
  fs.rmSync(work, { recursive: true, force: true });
  const appDir = path.join(work, APP_NAME);
  fs.mkdirSync(appDir, { recursive: true });
  const cdk = path.join(ROOT, 'node_modules', '.bin', 'cdk');
  const result = spawnSync(cdk, ['init', 'app', '--language', 'typescript', '--generate-only'], {
    cwd: appDir, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(`cdk init failed (exit ${result.status})`);
  }

  const cdkJsonFile = path.join(appDir, 'cdk.json');
  const cdkJson = JSON.parse(fs.readFileSync(cdkJsonFile, 'utf8')) as { context: Record<string, unknown> };
  const recommended = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'recommended-feature-flags.json'), 'utf8')) as Record<string, unknown>;
  const added = Object.keys(recommended).filter((flag) => !(flag in cdkJson.context));
  if (added.length > 0) {
    const context = { ...cdkJson.context };
    for (const flag of added) {
      context[flag] = recommended[flag];
    }
    cdkJson.context = Object.fromEntries(Object.entries(context).sort(([a], [b]) => a.localeCompare(b)));
    fs.writeFileSync(cdkJsonFile, `${JSON.stringify(cdkJson, undefined, 2)}\n`);
  }

  fs.rmSync(FIXTURE_DIR, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(FIXTURE_DIR), { recursive: true });
  fs.cpSync(appDir, FIXTURE_DIR, { recursive: true });
  fs.rmSync(work, { recursive: true, force: true });
  console.log(`fixture:cdk-init-app: ${path.relative(ROOT, FIXTURE_DIR)} (${Object.keys(cdkJson.context).length} context keys in cdk.json`
    + `${added.length > 0 ? `, ${added.length} added from aws-cdk-lib: ${added.join(', ')}` : ''})`);
}

if (require.main === module) {
  main();
}
