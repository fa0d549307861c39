/**
 * Shared by every bench app: reads the parameters the driver passes in the environment, times the
 * phases of the app in-process, measures the layer-sharing checks, and writes a JSON report.
 *
 * The apps are compiled to JavaScript once by bench/run.ts (into bench/.work/js/) and run as fresh
 * `node` processes: nothing here runs under ts-node.
 */
import { existsSync, writeFileSync } from 'fs';
import { createRequire } from 'module';
import { join, sep } from 'path';
import { performance } from 'perf_hooks';
import { App, Aspects, IAspect } from 'aws-cdk-lib';
import { IValidation, Node } from 'constructs';

/** Parameters of one run, from the environment (set by bench/run.ts). */
export interface BenchParams {
  /** Number of repositories. */
  readonly n: number;
  /** Number of stacks the repositories are spread over (0 = in the registry's own stack). */
  readonly stacks: number;
  /** Where the app synthesizes to. */
  readonly outdir: string;
  /** Where the app writes its JSON report. */
  readonly report?: string;
}

export function benchParams(): BenchParams {
  const outdir = process.env.BENCH_OUTDIR;
  if (!outdir) {
    throw new Error('BENCH_OUTDIR is not set: bench apps are run by bench/run.ts');
  }
  return {
    n: Number(process.env.BENCH_N ?? '0'),
    stacks: Number(process.env.BENCH_STACKS ?? '0'),
    outdir,
    report: process.env.BENCH_REPORT,
  };
}

/** The environment every bench stack is deployed to (concrete, so registry checks can place it). */
export const ENV = { account: '111111111111', region: 'us-east-1' };

/**
 * Context of every bench app: the single-stack N=1,000 case exceeds CloudFormation's 500 resources
 * per stack, which aws-cdk-lib refuses by default; the limit is lifted for the synthesis benchmark.
 */
export const CONTEXT = { '@aws-cdk/core:stackResourceLimit': '0' };

/** Zero-padded repository number, for repository names of equal length on both sides. */
export function pad(i: number): string {
  return String(i).padStart(4, '0');
}

interface Bucket {
  ms: number;
  calls: number;
}

/** Time spent, by category, in code the bench attributes to the library's checks. */
const totals: Record<'checks' | 'libraryValidations', Bucket> = {
  checks: { ms: 0, calls: 0 },
  libraryValidations: { ms: 0, calls: 0 },
};
let depth = 0;
let checksAttached = false;

/** Runs `fn`, adding its time to `category` unless an outer timed call already counts it. */
function timed<T>(category: keyof typeof totals, fn: () => T): T {
  if (depth > 0) {
    depth++;
    try {
      return fn();
    } finally {
      depth--;
    }
  }
  depth++;
  const start = performance.now();
  try {
    return fn();
  } finally {
    depth--;
    totals[category].ms += performance.now() - start;
    totals[category].calls++;
  }
}

const COMPILED_SRC = `${sep}.work${sep}js${sep}src${sep}`;
const CHECKS_DIR = `${COMPILED_SRC}validation${sep}`;

/** The files of the few frames that called `addValidation` (cheap: no string formatting). */
function callerFiles(): string[] {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  Error.stackTraceLimit = 5;
  Error.prepareStackTrace = (_error, frames) => frames;
  try {
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, callerFiles);
    return (holder.stack ?? []).map((frame) => frame.getFileName() ?? '');
  } finally {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = prepare;
  }
}

/** The class of the layer-sharing checks, when the library has them. */
type ChecksClass = new () => IAspect;

/**
 * Finds `LayerSharingChecks`: exported from the library's index, or at least compiled from
 * src/validation/layer-sharing-checks.ts. Undefined when it does not exist (yet).
 */
export function findChecksClass(libraryExports: Record<string, unknown>): ChecksClass | undefined {
  const exported = libraryExports.LayerSharingChecks;
  if (typeof exported === 'function') {
    return exported as ChecksClass;
  }
  const file = join(__dirname, '..', '..', 'src', 'validation', 'layer-sharing-checks.js');
  if (existsSync(file)) {
    const loaded = createRequire(__filename)(file) as Record<string, unknown>;
    if (typeof loaded.LayerSharingChecks === 'function') {
      return loaded.LayerSharingChecks as ChecksClass;
    }
  }
  return undefined;
}

/**
 * Instruments the app before it is built:
 * - every method of `LayerSharingChecks` (an aspect: `visit`, and whatever it calls through its own
 *   prototype) is timed as "checks";
 * - every validation that library code registers with `node.addValidation` is timed: as "checks" when
 *   registered from src/validation/, as "libraryValidations" otherwise (for example the registry
 *   singleton claims);
 * Time is counted for the outermost timed call only (no double counting).
 */
function instrument(checks: ChecksClass | undefined): void {
  const originalAddValidation = Node.prototype.addValidation;
  Node.prototype.addValidation = function addValidation(this: Node, validation: IValidation): void {
    const files = callerFiles().filter((file) => !file.endsWith(`${sep}harness.js`));
    const file = files.find((f) => !f.includes(`${sep}node_modules${sep}constructs${sep}`)) ?? '';
    if (file.includes(COMPILED_SRC)) {
      const category = file.includes(CHECKS_DIR) ? 'checks' : 'libraryValidations';
      if (category === 'checks') {
        checksAttached = true;
      }
      const inner = validation;
      validation = { validate: () => timed(category, () => inner.validate()) };
    }
    originalAddValidation.call(this, validation);
  };

  if (!checks) {
    return;
  }
  const proto = checks.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (name === 'constructor' || !descriptor || typeof descriptor.value !== 'function') {
      continue;
    }
    const original = descriptor.value as (...args: unknown[]) => unknown;
    proto[name] = function (this: unknown, ...args: unknown[]): unknown {
      return timed('checks', () => original.apply(this, args));
    };
  }
  const originalAdd = Aspects.prototype.add;
  Aspects.prototype.add = function add(this: Aspects, aspect: IAspect, ...rest: unknown[]): void {
    if (aspect instanceof checks) {
      checksAttached = true;
    }
    (originalAdd as (...args: unknown[]) => void).call(this, aspect, ...rest);
  };
}

/** What a bench app reports to the driver. */
export interface AppReport {
  /** Milliseconds from process start to the start of the build (Node start and module loading). */
  readonly startupMs: number;
  /** Milliseconds building the construct tree. */
  readonly buildMs: number;
  /** Milliseconds in `app.synth()`. */
  readonly synthMs: number;
  /** Milliseconds in the layer-sharing checks (see `instrument`). */
  readonly checksMs: number;
  readonly checksCalls: number;
  /** Whether `LayerSharingChecks` exists in the library. */
  readonly checksPresent: boolean;
  /** Whether the checks were attached to the app (by the library, or by the bench when it did not). */
  readonly checksAttachedBy: 'library' | 'bench' | 'none';
  /** Milliseconds in the library's other validations (registry singleton claims). */
  readonly libraryValidationsMs: number;
  /** Peak resident set size, kilobytes, as the process itself sees it. */
  readonly maxRssKb: number;
}

/**
 * Builds the app with `build`, synthesizes it into the outdir, and writes the report.
 *
 * Only library apps are instrumented (`instrument: true`): the plain and empty apps run untouched, so
 * the instrumentation's own small cost (a short stack capture per `addValidation`) is on the library side.
 *
 * @param options.checks the `LayerSharingChecks` class when the library has one (attached by the bench
 *   if the library did not attach it itself)
 */
export function runBenchApp(build: (app: App, params: BenchParams) => void, options: { checks?: ChecksClass; instrument?: boolean } = {}): void {
  const params = benchParams();
  if (options.instrument) {
    instrument(options.checks);
  }
  const buildStart = performance.now();
  const app = new App({ outdir: params.outdir, context: CONTEXT });
  build(app, params);
  let attachedBy: AppReport['checksAttachedBy'] = checksAttached ? 'library' : 'none';
  if (options.checks && !checksAttached) {
    Aspects.of(app).add(new options.checks());
    attachedBy = 'bench';
  }
  const synthStart = performance.now();
  app.synth();
  const end = performance.now();

  const report: AppReport = {
    startupMs: buildStart,
    buildMs: synthStart - buildStart,
    synthMs: end - synthStart,
    checksMs: totals.checks.ms,
    checksCalls: totals.checks.calls,
    checksPresent: options.checks !== undefined,
    checksAttachedBy: attachedBy,
    libraryValidationsMs: totals.libraryValidations.ms,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  if (params.report) {
    writeFileSync(params.report, JSON.stringify(report));
  }
}
