/**
 * Runs before each test file (setupFilesAfterEnv).
 *
 * aws-cdk-lib's template validation prints its findings with console.error during `app.synth()`.
 * Some tests synthesize invalid apps on purpose (two ROOT creation templates in one registry, an
 * empty baseline that must be refused), and the report, with its stack trace, would be printed in
 * the middle of a passing run. Such reports are held back here and recorded; the global teardown
 * prints one line naming the rules and test files, and writes their full text to
 * test-reports/template-validation.log. Everything else written to console.error is printed as usual.
 */
import * as fs from 'fs';
import * as path from 'path';
import { format } from 'util';
import { HELD_BACK_FILE, HeldBackReport, ROOT, RUN_DIR_ENV, TEMPLATE_VALIDATION_PREFIX } from './test-run';

const runDir = process.env[RUN_DIR_ENV];
if (runDir) {
  const print = console.error.bind(console);
  console.error = (...args: unknown[]): void => {
    const text = format(...args);
    if (!text.startsWith(TEMPLATE_VALIDATION_PREFIX)) {
      print(...args);
      return;
    }
    const state = expect.getState();
    const report: HeldBackReport = {
      testFile: path.relative(ROOT, state.testPath ?? 'unknown test file'),
      testName: state.currentTestName ?? '',
      rules: [...new Set([...text.matchAll(/Acknowledge with '([^']+)'/g)].map((m) => m[1]))],
      text,
    };
    fs.appendFileSync(path.join(runDir, HELD_BACK_FILE), `${JSON.stringify(report)}\n`);
  };
}
