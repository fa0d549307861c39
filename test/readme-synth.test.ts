/**
 * Every ts block of README.md runs as written, in a user's app as `cdk init app --language
 * typescript` makes it, with cdk-nag's AwsSolutions pack, as a user who copies it would run it.
 *
 * Each block is a complete app (`const app = new App(...)`, nothing assumed with `declare`, no
 * `app.synth()`: the aws-cdk CLI synthesizes). It runs with the import 'cdk-ecr-shared-layers'
 * pointing at this repository's src/ and with the context of test/fixtures/cdk-init-app/cdk.json,
 * given as the aws-cdk CLI gives it; then cdk-nag is added and the app is synthesized, with
 * `@aws-cdk/core:enablePartitionLiterals` as `cdk init` sets it (on) and off.
 * (test/readme-examples.test.ts type-checks every block.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import * as library from '../src';
import { reportedViolations, ReportedViolation, withCdkInitContext } from './support/cdk-init-app';
import { extractTsBlocks, ReadmeBlock } from './support/readme-blocks';
import { enableTemplateValidation } from './support/test-run';

// What users' apps get: aws-cdk-lib's template validation, with validateAgainstDefaultRules as cdk init sets it.
enableTemplateValidation();
import { AccountSettingProvider } from '../src/account-settings/provider';

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const PARTITION_LITERALS = '@aws-cdk/core:enablePartitionLiterals';

const blocks = extractTsBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
const name = (b: ReadmeBlock) => `#${b.index} ${b.heading} (README.md:${b.readmeLine - 1})`;

/** The constructs of this library: instances of its classes (and of the account-setting provider). */
const LIBRARY_CLASSES = ([...Object.values(library), AccountSettingProvider] as unknown[])
  .filter((v): v is Function => typeof v === 'function');

function libraryPaths(app: App): string[] {
  return app.node.findAll().filter((c: IConstruct) => LIBRARY_CLASSES.some((cls) => c instanceof cls)).map((c) => c.node.path);
}

interface Outcome {
  readonly synthError?: string;
  readonly warnings: string[];
  readonly violations: ReportedViolation[];
  readonly onLibrary: ReportedViolation[];
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-apps-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the block as the aws-cdk CLI would in the cdk init app, with cdk-nag added to its app. */
function run(block: ReadmeBlock, context: Record<string, unknown>, variant: string): Outcome {
  const file = path.join(dir, `block-${block.index}-${variant}.ts`);
  const code = block.code.replace(/from 'cdk-ecr-shared-layers'/g, `from ${JSON.stringify(path.relative(dir, SRC))}`);
  fs.writeFileSync(file, `${code}\nexport const __app = app;\n`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const app = withCdkInitContext(context, () => (require(file) as { __app: App }).__app);
  return synthWithNag(app);
}

function synthWithNag(app: App): Outcome {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let synthError: string | undefined;
  let warnings: string[] = [];
  try {
    warnings = app.synth().stacksRecursively.flatMap((stack) => stack.messages
      .filter((m) => m.level === 'warning')
      .map((m) => `${m.id}: ${String(m.entry.data)}`));
  } catch (e) {
    synthError = String(e);
  }
  const violations = reportedViolations(app.outdir).filter((v) => v.plugin === 'AwsSolutions');
  const roots = libraryPaths(app);
  const onLibrary = violations.filter((v) => roots.some((r) => v.constructPath === r || v.constructPath.startsWith(`${r}/`)));
  return { synthError, warnings, violations, onLibrary };
}

describe('README.md apps, in a cdk init app with cdk-nag', () => {
  test('every ts block is a complete app that runs as written (nothing assumed, nothing skipped)', () => {
    const incomplete = blocks.filter((b) => b.skipped || /^declare /m.test(b.code) || !/\bconst app = new App\(/.test(b.code) || /\bapp\.synth\(\)/.test(b.code));
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    expect(incomplete.map(name)).toEqual([]);
  });

  describe.each([
    ['partition literals on (as cdk init writes)', {}, 'literals'],
    ['partition literals off', { [PARTITION_LITERALS]: false }, 'tokens'],
  ] as const)('%s', (_mode, context, variant) => {
    test.each(blocks.map((b) => [name(b), b] as const))('block %s: no warning, no cdk-nag finding on the library\'s resources', (_name, block) => {
      const outcome = run(block, context, variant);

      expect(outcome.onLibrary).toEqual([]);
      expect(outcome.warnings).toEqual([]);
      if (block.heading === 'A complete app') {
        // The app users start from: `cdk synth` passes with cdk-nag, no finding at all.
        expect(outcome.synthError).toBeUndefined();
        expect(outcome.violations).toEqual([]);
      }
    }, 120_000);
  });

  test('negative control: cdk-nag reports an unacknowledged wildcard of the app next to the library\'s resources', () => {
    // GIVEN the registry's app and a role of the user's with a wildcard nobody acknowledged
    const app = withCdkInitContext({}, () => new App());
    const stack = new Stack(app, 'Platform', { env: { account: '111111111111', region: 'us-east-1' } });
    new library.SharedLayerRegistry(stack, 'Registry').addRepository('Api', { repositoryName: 'team/api' });
    const role = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ecr.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ecr:CreateRepository'], resources: [stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' })] }));

    // WHEN
    const outcome = synthWithNag(app);

    // THEN the finding is reported (and fails synthesis), on the user's role only
    expect(outcome.synthError).toMatch(/AwsSolutions-IAM5/);
    expect(outcome.violations).toEqual([expect.objectContaining({ rule: 'AwsSolutions-IAM5[Resource::arn:aws:ecr:us-east-1:111111111111:repository/*]', constructPath: 'Platform/Other/DefaultPolicy/Resource' })]);
    expect(outcome.onLibrary).toEqual([]);
  });
});
