/**
 * README examples compile: no doc example may rot.
 *
 * Every ```ts (or ```typescript) block of README.md is type-checked with the
 * TypeScript compiler API, with the compiler options of tsconfig.dev.json and
 * the import 'cdk-ecr-shared-layers' mapped to this repository's src/index.ts.
 *
 * - All blocks go into ONE ts.Program (a program over aws-cdk-lib takes
 *   seconds); each block is its own in-memory module (test/.tmp/readme/block-N.ts,
 *   never written to disk) and its diagnostics are reported separately.
 * - Like jsii-rosetta, a block may use `declare const x: Type;` for what it
 *   assumes, and unused locals/parameters are allowed (rosetta's
 *   STANDARD_COMPILER_OPTIONS do the same: an example often names a value only
 *   to show its type).
 * - A block marked ```ts nocompile, or preceded by `<!-- nocompile -->`, is
 *   skipped; at most MAX_SKIPPED blocks may be skipped.
 * - README.md must keep at least MIN_TS_BLOCKS ts blocks.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { extractTsBlocks, ReadmeBlock } from './support/readme-blocks';

/** The number of ts blocks README.md has today; a README that loses examples fails. */
const MIN_TS_BLOCKS = 6;
/** Skipping must not become the way out. */
const MAX_SKIPPED = 2;

const PACKAGE_NAME = 'cdk-ecr-shared-layers';
const ROOT = path.resolve(__dirname, '..');
const README = path.join(ROOT, 'README.md');
const VIRTUAL_DIR = path.join(ROOT, 'test', '.tmp', 'readme');


/** The compiler options of tsconfig.dev.json, plus the package mapping. */
function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(ROOT, 'tsconfig.dev.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) {
    throw new Error(formatDiagnostics([read.error]));
  }
  const raw = read.config as { compilerOptions?: Record<string, unknown> };
  // `paths` given in the config JSON resolve against the config's directory
  // (the repo root), so no `baseUrl` is needed (deprecated in TypeScript 6).
  const parsed = ts.parseJsonConfigFileContent(
    {
      ...raw,
      compilerOptions: {
        ...raw.compilerOptions,
        paths: { [PACKAGE_NAME]: ['./src/index.ts'] },
      },
    },
    ts.sys,
    ROOT,
    undefined,
    configPath,
  );
  // Errors about `include` matching no files etc. do not concern us; option errors do.
  const optionErrors = parsed.errors.filter((d) => d.code !== 18003);
  if (optionErrors.length > 0) {
    throw new Error(formatDiagnostics(optionErrors));
  }
  return {
    ...parsed.options,
    // Like jsii-rosetta: examples may name values they do not use afterwards.
    noUnusedLocals: false,
    noUnusedParameters: false,
    // Every block is its own module, even one without import or export.
    moduleDetection: ts.ModuleDetectionKind.Force,
    noEmit: true,
    incremental: false,
    composite: false,
  };
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${path.relative(ROOT, d.file.fileName)}:${line + 1}:${character + 1} TS${d.code}: ${message}`;
    }
    return `TS${d.code}: ${message}`;
  }).join('\n');
}

/** Diagnostics of one block, with line numbers relative to the block and to README.md. */
function formatBlockDiagnostics(block: ReadmeBlock, diagnostics: readonly ts.Diagnostic[]): string {
  const codeLines = block.code.split('\n');
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
    if (d.file === undefined || d.start === undefined) {
      return `  TS${d.code}: ${message}`;
    }
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const source = codeLines[line] ?? '';
    return [
      `  block line ${line + 1}, col ${character + 1} (README.md:${block.readmeLine + line}) TS${d.code}: ${message}`,
      `    | ${source}`,
      `    | ${' '.repeat(character)}^`,
    ].join('\n');
  }).join('\n');
}

function blockFileName(block: ReadmeBlock): string {
  return path.join(VIRTUAL_DIR, `block-${block.index}.ts`);
}

/** One program for all blocks; the block files exist in memory only. */
function typeCheck(blocks: readonly ReadmeBlock[]): Map<number, readonly ts.Diagnostic[]> {
  const options = compilerOptions();
  const virtualFiles = new Map(blocks.map((b) => [blockFileName(b), b.code]));
  const host = ts.createCompilerHost(options, true);
  const realGetSourceFile = host.getSourceFile.bind(host);
  const realFileExists = host.fileExists.bind(host);
  const realReadFile = host.readFile.bind(host);
  host.fileExists = (f) => virtualFiles.has(path.resolve(f)) || realFileExists(f);
  host.readFile = (f) => virtualFiles.get(path.resolve(f)) ?? realReadFile(f);
  host.getSourceFile = (f, languageVersion, onError, shouldCreate) => {
    const code = virtualFiles.get(path.resolve(f));
    return code !== undefined
      ? ts.createSourceFile(f, code, languageVersion, true, ts.ScriptKind.TS)
      : realGetSourceFile(f, languageVersion, onError, shouldCreate);
  };
  host.writeFile = () => undefined;

  const program = ts.createProgram({ rootNames: [...virtualFiles.keys()], options, host });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length > 0) {
    throw new Error(`The compiler options or the program are wrong:\n${formatDiagnostics(global)}`);
  }
  const result = new Map<number, readonly ts.Diagnostic[]>();
  for (const block of blocks) {
    const sourceFile = program.getSourceFile(blockFileName(block));
    if (!sourceFile) {
      throw new Error(`block ${block.index} is missing from the program`);
    }
    result.set(block.index, [
      ...program.getSyntacticDiagnostics(sourceFile),
      ...program.getSemanticDiagnostics(sourceFile),
    ]);
  }
  return result;
}

const allBlocks = extractTsBlocks(fs.readFileSync(README, 'utf8'));
const compiledBlocks = allBlocks.filter((b) => !b.skipped);
const skippedBlocks = allBlocks.filter((b) => b.skipped);

describe('README.md examples', () => {
  let diagnostics: Map<number, readonly ts.Diagnostic[]> | undefined;
  let setupError: unknown;

  beforeAll(() => {
    try {
      diagnostics = typeCheck(compiledBlocks);
    } catch (e) {
      setupError = e;
    }
  }, 180_000);

  test(`README.md has at least ${MIN_TS_BLOCKS} ts blocks`, () => {
    expect(allBlocks.length).toBeGreaterThanOrEqual(MIN_TS_BLOCKS);
  });

  test(`at most ${MAX_SKIPPED} ts blocks are skipped (nocompile)`, () => {
    const list = skippedBlocks.map((b) => `#${b.index} "${b.heading}" (README.md:${b.readmeLine - 1})`);
    if (skippedBlocks.length > MAX_SKIPPED) {
      throw new Error(`${skippedBlocks.length} README ts blocks are skipped (at most ${MAX_SKIPPED}):\n${list.join('\n')}`);
    }
    expect(skippedBlocks.length).toBeLessThanOrEqual(MAX_SKIPPED);
  });

  const cases = compiledBlocks.map((b) => [`#${b.index} ${b.heading} (README.md:${b.readmeLine - 1})`, b] as const);
  if (cases.length > 0) {
    test.each(cases)('block %s compiles', (_name, block) => {
      if (setupError !== undefined) {
        throw setupError;
      }
      const found = diagnostics?.get(block.index) ?? [];
      if (found.length > 0) {
        throw new Error(
          `README.md ts block #${block.index} under "${block.heading}" (opening fence at README.md:${block.readmeLine - 1}) `
          + `does not compile (${found.length} diagnostic(s)):\n${formatBlockDiagnostics(block, found)}`,
        );
      }
    });
  }
});
