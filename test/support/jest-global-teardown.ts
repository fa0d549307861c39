/**
 * Jest global teardown (runs once, after the test files and jest's summary).
 *
 * Prints one line about the template-validation reports the per-file setup held back (if any),
 * writes their full text to test-reports/template-validation.log, and removes the run's
 * temporary directory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { HELD_BACK_FILE, HELD_BACK_REPORT, HeldBackReport, ROOT, RUN_DIR_ENV } from './test-run';

export default function globalTeardown(): void {
  const runDir = process.env[RUN_DIR_ENV];
  if (!runDir) {
    return;
  }
  const file = path.join(runDir, HELD_BACK_FILE);
  const reports: HeldBackReport[] = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as HeldBackReport)
    : [];
  const reportPath = path.join(ROOT, HELD_BACK_REPORT);
  if (reports.length > 0) {
    fs.mkdirSync(path.dirname(reportPath), { recursive: true });
    fs.writeFileSync(reportPath, reports.map((r) => `=== ${r.testFile} > ${r.testName}\n${r.text}\n`).join('\n'));
    const where = [...new Set(reports.map((r) => `${r.rules.join('+') || 'no rule id'} in ${r.testFile}`))];
    console.log(
      `\n${reports.length} aws-cdk-lib template-validation report(s) from apps that tests make invalid on purpose `
      + `were not printed (${where.join('; ')}); full text in ${HELD_BACK_REPORT}`,
    );
  }
  fs.rmSync(runDir, { recursive: true, force: true });
}
