/**
 * Prints the closing line of a test run, `N passed, N failed, N skipped`, from jest's junit report
 * (test-reports/junit.xml, written by jest-junit), so that the result is the last thing a test run
 * prints. Exits 1 when no test ran or a test failed.
 *
 * Used as the last step of `npx projen test` and by `.ci/run`.
 */
import * as fs from 'fs';
import * as path from 'path';

const REPORT = path.join('test-reports', 'junit.xml');

export interface TestCounts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** Sums the counts of every <testsuite> element of a junit report. */
export function countTests(junitXml: string): TestCounts {
  let tests = 0;
  let failed = 0;
  let skipped = 0;
  for (const [, attributes] of junitXml.matchAll(/<testsuite\s([^>]*)>/g)) {
    const attr = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(attributes)?.[1] ?? 0);
    tests += attr('tests');
    failed += attr('failures') + attr('errors');
    skipped += attr('skipped');
  }
  return { passed: tests - failed - skipped, failed, skipped };
}

function main(): number {
  if (!fs.existsSync(REPORT)) {
    console.log('0 passed, 0 failed');
    console.log(`FAILED: no test ran (no ${REPORT})`);
    return 1;
  }
  const counts = countTests(fs.readFileSync(REPORT, 'utf8'));
  console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  if (counts.passed + counts.failed + counts.skipped === 0) {
    console.log(`FAILED: no test ran (${REPORT} lists none)`);
    return 1;
  }
  return counts.failed > 0 ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main();
}
