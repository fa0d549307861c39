/**
 * What the jest global setup, the per-file setup and the global teardown share about one test run.
 */
import * as path from 'path';

/** The project root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Where the temporary directories of test runs go: inside the project (git- and npm-ignored), so
 * that a test run never writes to the system temp directory, not even when it is killed.
 */
export const RUNS_DIR = path.join(ROOT, '.tmp', 'test-runs');

/** The environment variable that holds the temporary directory of the current run. */
export const RUN_DIR_ENV = 'CDK_ECR_SHARED_LAYERS_TEST_RUN_DIR';

/** The file (in the run's directory) where the per-file setup records held-back console output. */
export const HELD_BACK_FILE = 'held-back-console.jsonl';

/** Where the teardown writes the full text of what was held back. */
export const HELD_BACK_REPORT = path.join('test-reports', 'template-validation.log');

/** The first line of the report aws-cdk-lib prints (console.error) when its template validation finds issues. */
export const TEMPLATE_VALIDATION_PREFIX = '[Warning] Template validation found issues';

/** One template-validation report that a test file triggered. */
export interface HeldBackReport {
  readonly testFile: string;
  readonly testName: string;
  /** The rules named in "Acknowledge with '...'" lines, e.g. CloudFormation-Validate::E3019. */
  readonly rules: string[];
  readonly text: string;
}

/**
 * Turns aws-cdk-lib's template validation back on for the calling test file (the global setup turns
 * it off for the others; jest gives each test file its own copy of process.env).
 */
export function enableTemplateValidation(): void {
  process.env.CDK_VALIDATION = 'true';
}
