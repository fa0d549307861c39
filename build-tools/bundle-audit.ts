/**
 * Bundles the audit (src/audit/) with esbuild into lib/audit/, every AWS SDK client included and
 * minified, so the construct library gets no runtime dependency from it:
 *   lib/audit/index.js + index.d.ts (+ compute.d.ts, model.d.ts)   the typed `audit()` function
 *   lib/audit/cli.js                                                the bin, which requires ./index.js
 * jsii never compiles src/audit/ (excludeTypescript), and .npmignore ships lib/**\/*.js and *.d.ts.
 */
import { chmodSync, mkdirSync, rmSync, statSync, writeFileSync } from 'fs';
import { join, relative } from 'path';
import { buildSync } from 'esbuild';
import * as ts from 'typescript';

const root = join(__dirname, '..');
const source = join(root, 'src', 'audit');
const out = join(root, 'lib', 'audit');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  platform: 'node' as const,
  format: 'cjs' as const,
  target: 'node20',
  legalComments: 'none' as const,
  charset: 'utf8' as const,
  logLevel: 'warning' as const,
};

buildSync({ ...common, entryPoints: [join(source, 'index.ts')], outfile: join(out, 'index.js') });

// The bin shares the SDK-carrying bundle: its imports of './index' stay a require of ./index(.js).
buildSync({
  ...common,
  entryPoints: [join(source, 'bin.ts')],
  outfile: join(out, 'cli.js'),
  external: ['./index'],
  banner: { js: '#!/usr/bin/env node' },
});

// Declarations of the typed function only (index, compute, model): no AWS SDK type is in them.
// (rootDir is src/: the audit shares src/private/region-names.ts with the library.)
const PUBLIC = new Set(['index.d.ts', 'compute.d.ts', 'model.d.ts']);
const program = ts.createProgram([join(source, 'index.ts')], {
  declaration: true,
  emitDeclarationOnly: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  strict: true,
  skipLibCheck: true,
  types: ['node'],
  rootDir: join(root, 'src'),
  outDir: join(root, 'lib'),
});
const emitted = program.emit(undefined, (file, text) => {
  const name = relative(out, file);
  if (PUBLIC.has(name)) {
    if (/from '\.\.\//.test(text)) {
      throw new Error(`bundle:audit: ${name} refers to a module outside src/audit; keep the public types self-contained`);
    }
    if (/@aws-sdk|@smithy/.test(text)) {
      throw new Error(`bundle:audit: ${name} refers to an AWS SDK type; keep the public types plain`);
    }
    writeFileSync(file, text);
  }
});
const problems = ts.getPreEmitDiagnostics(program).concat(emitted.diagnostics);
if (problems.length > 0) {
  throw new Error(ts.formatDiagnostics(problems, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
}
chmodBin(join(out, 'cli.js'));

function chmodBin(file: string) {
  // npm sets the bin's mode on install; this makes lib/audit/cli.js executable in the working tree too.
  chmodSync(file, 0o755);
}

const size = (file: string) => `${(statSync(join(out, file)).size / 1024).toFixed(0)} KiB`;
console.log(`bundle:audit: lib/audit/index.js ${size('index.js')}, lib/audit/cli.js ${size('cli.js')}`);
