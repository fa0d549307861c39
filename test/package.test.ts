/**
 * The npm package holds only what users need: the compiled library (lib/, including whatever a CLI
 * bin there needs), the jsii assembly, README.md, LICENSE, API.md and package.json.
 *
 * Checked twice with `npm pack --dry-run --json`: on this project as it is (compiled or not), and on
 * a copy of its packaging rules (package.json, .npmignore) in a tree that has a decoy file in every
 * top-level entry of the project plus every leftover a build or a test run can create, so that a new
 * folder at the root can never slip into the package unnoticed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

/** The files at the root of the package; everything else must be under lib/. */
const ROOT_FILES = ['.jsii', 'API.md', 'LICENSE', 'README.md', 'package.json'];
/** Never in the package: the sources, tests, tooling and docs of the repository, and what a build or test run leaves behind. */
const FORBIDDEN = ['cdk.out/', '.ci/', 'bench/', 'build-tools/', 'examples/', 'test/', 'src/', 'docs/', 'projenrc/',
  '.projen/', '.tmp/', 'coverage/', 'test-reports/', 'dist/', 'node_modules/'];

function packedFiles(dir: string): string[] {
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NPM_CONFIG_UPDATE_NOTIFIER: 'false', NPM_CONFIG_FUND: 'false', NPM_CONFIG_AUDIT: 'false' },
  });
  if (result.status !== 0) {
    throw new Error(`npm pack --dry-run failed in ${dir} (exit ${result.status}):\n${result.stderr}`);
  }
  const [pack] = JSON.parse(result.stdout) as [{ files: { path: string }[] }];
  return pack.files.map((f) => f.path).sort();
}

function isAllowed(file: string): boolean {
  return ROOT_FILES.includes(file) || file.startsWith('lib/');
}

describe('npm package contents', () => {
  test('the project packs only lib/, .jsii, README.md, LICENSE, API.md and package.json', () => {
    // WHEN
    const files = packedFiles(ROOT);

    // THEN
    expect(files.filter((f) => !isAllowed(f))).toEqual([]);
    expect(files.filter((f) => FORBIDDEN.some((prefix) => f.startsWith(prefix)))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['API.md', 'LICENSE', 'README.md', 'package.json']));
    if (fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) {
      // Compiled (npx projen compile): the library and its jsii assembly are in.
      expect(files).toEqual(expect.arrayContaining(['.jsii', 'lib/index.js', 'lib/index.d.ts']));
      expect(files.filter((f) => f.startsWith('lib/') && f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    }
  }, 60_000);

  describe('with a decoy in every top-level entry of the project', () => {
    let tree: string;

    beforeAll(() => {
      tree = fs.mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
      // The packaging rules and the files that are packed as they are.
      for (const file of ['package.json', '.npmignore', 'README.md', 'LICENSE', 'API.md']) {
        fs.copyFileSync(path.join(ROOT, file), path.join(tree, file));
      }
      // Every top-level entry of the project, and what builds, tests and releases leave behind.
      const entries = new Map<string, boolean>(fs.readdirSync(ROOT, { withFileTypes: true })
        .map((e) => [e.name, e.isDirectory()]));
      for (const dir of ['cdk.out', '.tmp', 'coverage', 'test-reports', 'dist', 'lib', 'node_modules']) {
        entries.set(dir, true);
      }
      for (const file of ['.jsii', 'CHANGELOG.md', 'cdk.context.json', 'junit.xml', 'tsconfig.tsbuildinfo', 'cdk-ecr-shared-layers-0.0.0.tgz']) {
        entries.set(file, false);
      }
      for (const [name, isDirectory] of entries) {
        const target = path.join(tree, name);
        if (name === '.git' || fs.existsSync(target)) {
          continue;
        }
        if (isDirectory) {
          fs.mkdirSync(target);
          fs.writeFileSync(path.join(target, 'decoy.json'), '{}');
        } else {
          fs.writeFileSync(target, '{}');
        }
      }
      // The compiled library, a CLI bin with a data file, and build leftovers inside lib/.
      fs.rmSync(path.join(tree, 'lib'), { recursive: true, force: true });
      for (const file of ['lib/index.js', 'lib/index.d.ts', 'lib/cli/audit.js', 'lib/cli/audit.d.ts', 'lib/cli/media-types.json', 'lib/tsconfig.tsbuildinfo']) {
        fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
        fs.writeFileSync(path.join(tree, file), '{}');
      }
    });

    afterAll(() => {
      fs.rmSync(tree, { recursive: true, force: true });
    });

    test('packs exactly what users need', () => {
      expect(packedFiles(tree)).toEqual([
        '.jsii',
        'API.md',
        'LICENSE',
        'README.md',
        'lib/cli/audit.d.ts',
        'lib/cli/audit.js',
        'lib/cli/media-types.json',
        'lib/index.d.ts',
        'lib/index.js',
        'package.json',
      ]);
    }, 60_000);
  });
});
