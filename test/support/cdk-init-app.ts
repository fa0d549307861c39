/**
 * A user's app as `cdk init app --language typescript` makes it (test/fixtures/cdk-init-app/,
 * refreshed by `npx projen fixture:cdk-init-app`): its cdk.json context, passed to an app the way
 * the aws-cdk CLI passes it (the CDK_CONTEXT_JSON environment variable, which wins over
 * `new App({ context })`).
 */
import * as fs from 'fs';
import * as path from 'path';

export const CDK_INIT_APP_DIR = path.resolve(__dirname, '..', 'fixtures', 'cdk-init-app');

/** The context of the fixture's cdk.json (about 90 feature flags). */
export function cdkInitContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(CDK_INIT_APP_DIR, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** Runs `fn` with the fixture's cdk.json context (and `overrides`) given to every new App, as the CLI does. */
export function withCdkInitContext<T>(overrides: Record<string, unknown>, fn: () => T): T {
  const previous = process.env.CDK_CONTEXT_JSON;
  process.env.CDK_CONTEXT_JSON = JSON.stringify({ ...cdkInitContext(), ...overrides });
  try {
    return fn();
  } finally {
    if (previous === undefined) {
      delete process.env.CDK_CONTEXT_JSON;
    } else {
      process.env.CDK_CONTEXT_JSON = previous;
    }
  }
}

/** One violation of aws-cdk-lib's validation report (validation-report.json of the assembly). */
export interface ReportedViolation {
  readonly plugin: string;
  readonly rule: string;
  readonly constructPath: string;
}

/** The violations of the validation plugins (cdk-nag among them) in an assembly directory. */
export function reportedViolations(assemblyDir: string): ReportedViolation[] {
  const file = path.join(assemblyDir, 'validation-report.json');
  if (!fs.existsSync(file)) {
    return [];
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  return collect(report);
}

function collect(report: unknown): ReportedViolation[] {
  const out: ReportedViolation[] = [];
  type PluginReport = { summary?: { pluginName?: string }; pluginName?: string; violations?: unknown[] };
  const pluginReports = (report as { pluginReports?: PluginReport[] }).pluginReports ?? [];
  for (const plugin of pluginReports) {
    const name = plugin.summary?.pluginName ?? plugin.pluginName ?? '';
    for (const v of (plugin.violations ?? []) as Array<Record<string, unknown>>) {
      const rule = String(v.ruleName ?? v.ruleId ?? '');
      const resources = (v.violatingResources ?? v.violatingConstructs ?? []) as Array<Record<string, unknown>>;
      for (const r of resources) {
        out.push({ plugin: name, rule, constructPath: String(r.constructPath ?? r.resourceLogicalId ?? '') });
      }
    }
  }
  return out;
}
