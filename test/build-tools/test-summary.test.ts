import { countTests } from '../../build-tools/test-summary';

describe('test summary line', () => {
  test('sums every test suite of a jest-junit report', () => {
    // GIVEN two suites: one with a failure and an error, one with a skipped test
    const junit = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="7" failures="1" errors="1" time="3.2">
  <testsuite name="a" errors="1" failures="1" skipped="0" timestamp="2026-11-25T01:57:34" time="1.1" tests="4">
  </testsuite>
  <testsuite name="b" errors="0" failures="0" skipped="1" timestamp="2026-11-25T01:57:35" time="2.1" tests="3">
  </testsuite>
</testsuites>`;

    // THEN the testsuites element is not counted twice
    expect(countTests(junit)).toEqual({ passed: 4, failed: 2, skipped: 1 });
  });

  test('an empty report counts no test', () => {
    expect(countTests('<testsuites name="jest tests" tests="0" failures="0" errors="0" time="0"></testsuites>'))
      .toEqual({ passed: 0, failed: 0, skipped: 0 });
  });
});
