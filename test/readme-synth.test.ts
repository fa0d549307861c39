/**
 * The README's complete apps synthesize without a warning, as a user who copies them would see.
 *
 * A ts block of README.md that builds its own app (`const app = new App(...)`, or a stack of
 * `new App()`) and assumes nothing (`declare const`) is run with the import 'cdk-ecr-shared-layers'
 * pointing at this repository's src/, then synthesized; every warning of every stack is collected.
 * (test/readme-examples.test.ts type-checks every block; this one runs those that can run.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { extractTsBlocks, ReadmeBlock } from './support/readme-blocks';

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');

/** What a block exports for the test to find its app. */
function appExport(block: ReadmeBlock): string | undefined {
  if (/\bconst app = new App\(/.test(block.code)) {
    return 'export const __app = app;';
  }
  if (/\bconst stack = new Stack\(new App\(/.test(block.code)) {
    return 'export const __app = stack.node.root;';
  }
  return undefined;
}

const runnable = extractTsBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'))
  .filter((b) => !b.skipped && !/^declare const /m.test(b.code) && appExport(b) !== undefined);

describe('README.md apps', () => {
  let dir: string;

  beforeAll(() => {
    // In the project tree (the per-run temp directory is in it), so that aws-cdk-lib resolves.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-apps-'));
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('at least the Usage, registry and StackSet apps run', () => {
    expect(runnable.map((b) => b.heading)).toEqual(expect.arrayContaining(['Usage', 'The registry: SharedLayerRegistry', 'Organization rollout: every account and region through StackSets']));
  });

  test.each(runnable.map((b) => [`#${b.index} ${b.heading} (README.md:${b.readmeLine - 1})`, b] as const))(
    'block %s synthesizes without warnings', (_name, block) => {
      // GIVEN the block as a module of its own, importing the library from src/
      const file = path.join(dir, `block-${block.index}.ts`);
      const code = block.code.replace(/from 'cdk-ecr-shared-layers'/g, `from ${JSON.stringify(path.relative(dir, SRC))}`);
      fs.writeFileSync(file, `${code}\n${appExport(block)}\n`);

      // WHEN
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const app = (require(file) as { __app: App }).__app;
      const assembly = app.synth();

      // THEN
      const warnings = assembly.stacksRecursively.flatMap((stack) => stack.messages
        .filter((m) => m.level === 'warning')
        .map((m) => `${m.id}: ${String(m.entry.data)}`));
      expect(warnings).toEqual([]);
    }, 120_000);
});
