/**
 * The benchmark: synthesis cost, footprint and deploy work of cdk-ecr-shared-layers, side by side
 * with plain aws-cdk-lib, in ONE run on ONE machine. Writes bench/RESULTS.md.
 *
 *   npx projen bench            # full run (about 10 minutes on 2 cores)
 *   npx projen bench --quick    # smoke run: fewer sizes and runs; writes bench/.work/RESULTS.quick.md
 *
 * Every synthesis is a fresh `node` process running an app compiled once to JavaScript with esbuild
 * (bench/.work/js/), timed whole (wall clock, peak RSS from /usr/bin/time when present). Absolute
 * times are only comparable inside one run: the tables compare the library with aws-cdk-lib and
 * with the floor (an empty app) measured in the same run, interleaved.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import * as os from 'os';
import { join, relative } from 'path';
import { performance } from 'perf_hooks';
import { ECRClient, GetAccountSettingCommand, PutAccountSettingCommand } from '@aws-sdk/client-ecr';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { buildSync } from 'esbuild';
import type { AppReport } from './apps/harness';
import type { CloudFormationEvent, LambdaContext } from '../src/account-settings/handler';
import { ACCOUNT_SETTING_HANDLER_CODE } from '../src/account-settings/handler-code.generated';
import { loadInlineHandler, ResponseServer } from '../test/support/cloudformation';

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

const ROOT = join(__dirname, '..');
const WORK = join(ROOT, 'bench', '.work');
const JS = join(WORK, 'js');
const TMP = join(WORK, 'tmp');
const QUICK = process.argv.includes('--quick');
/** Runs per measurement (median) with CDK_VALIDATION=false, and for the footprint-free measurements. */
const RUNS = QUICK ? 3 : 7;
/** Runs per measurement in the default mode (each synthesis pays several seconds of wasm validation). */
const DEFAULT_MODE_RUNS = QUICK ? 3 : 5;
const RESULTS = QUICK ? join(WORK, 'RESULTS.quick.md') : join(ROOT, 'bench', 'RESULTS.md');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface SizeCase {
  readonly label: string;
  readonly n: number;
  /** 0 = every repository in the registry's stack. */
  readonly stacks: number;
}

const SIZES: SizeCase[] = QUICK
  ? [
    { label: '10', n: 10, stacks: 0 },
    { label: '100', n: 100, stacks: 0 },
    { label: '200', n: 200, stacks: 0 },
    { label: '200 / 4 stacks', n: 200, stacks: 4 },
  ]
  : [
    { label: '10', n: 10, stacks: 0 },
    { label: '100', n: 100, stacks: 0 },
    { label: '500', n: 500, stacks: 0 },
    { label: '1,000', n: 1000, stacks: 0 },
    { label: '2,000 / 20 stacks', n: 2000, stacks: 20 },
  ];
/** The default mode skips the in-between size (500, or 200 in a quick run) to stay within the time budget. */
const DEFAULT_MODE_SIZES = QUICK ? SIZES.slice(0, 2) : SIZES.filter((size) => size.n !== 500);

/** Pairs checked for linear growth (floor subtracted): time(b) / time(a) <= 1.1 * n(b) / n(a). */
const GROWTH_PAIRS: Array<[string, string]> = QUICK
  ? [['10', '100'], ['100', '200'], ['200', '200 / 4 stacks']]
  : [['10', '100'], ['100', '1,000'], ['500', '1,000'], ['1,000', '2,000 / 20 stacks']];

/** The cases profiled with --cpu-prof (the smallest: fixed costs; a large one: per-repository costs). */
const PROFILE_CASES = QUICK ? [SIZES[0], SIZES[2]] : [SIZES[0], SIZES[3]];

/**
 * aws-cdk-lib 2.27x validates every template during `app.synth()` with a WebAssembly engine
 * (@aws/cloudformation-validate, about 9 MB of wasm compiled in every process): that is what
 * `cdk synth` does by default, and it dominates the floor and the run-to-run noise. Both modes are
 * measured: the default, and `CDK_VALIDATION=false`, which isolates the construct and synthesis work.
 */
interface Mode {
  readonly id: 'default' | 'novalidate';
  readonly title: string;
  readonly env: NodeJS.ProcessEnv;
  readonly sizes: SizeCase[];
  readonly runs: number;
}

const MODES: Mode[] = [
  { id: 'default', title: 'aws-cdk-lib defaults (its CloudFormation validation on, as `cdk synth` runs)', env: {}, sizes: DEFAULT_MODE_SIZES, runs: DEFAULT_MODE_RUNS },
  { id: 'novalidate', title: '`CDK_VALIDATION=false` (construct + synthesis work only)', env: { CDK_VALIDATION: 'false' }, sizes: SIZES, runs: RUNS },
];
const NO_VALIDATION = MODES[1];

const CHILD_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  JSII_SILENCE_SUPPORT_WARNING: '1',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
  JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  AWS_REGION: 'us-east-1',
};
delete CHILD_ENV.CDK_CONTEXT_JSON;
delete CHILD_ENV.CDK_OUTDIR;
delete CHILD_ENV.NODE_OPTIONS;

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function mb(kb: number): string {
  return (kb / 1024).toFixed(0);
}

function ratio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

function pct(value: number): string {
  return `${(value * 100).toFixed(value < 0.1 ? 2 : 1)}%`;
}

function bytes(value: number): string {
  return value.toLocaleString('en-US');
}

function verdict(ok: boolean | undefined): string {
  return ok === undefined ? 'n/a' : ok ? 'PASS' : '**MISS**';
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) {
    return [];
  }
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...filesUnder(path, suffix));
    } else if (entry.name.endsWith(suffix) && !entry.name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}

function sizeOnDisk(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    return stat.size;
  }
  return readdirSync(path).reduce((sum, name) => sum + sizeOnDisk(join(path, name)), 0);
}

// ---------------------------------------------------------------------------------------------
// Compile the apps once (esbuild, no bundling: src/ and bench/apps/ mirrored under bench/.work/js)
// ---------------------------------------------------------------------------------------------

function compile(): void {
  rmSync(JS, { recursive: true, force: true });
  const entryPoints = [...filesUnder(join(ROOT, 'src'), '.ts'), ...filesUnder(join(ROOT, 'bench', 'apps'), '.ts')];
  buildSync({
    entryPoints,
    outdir: JS,
    outbase: ROOT,
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  log(`compiled ${entryPoints.length} files into ${relative(ROOT, JS)}`);
}

function appScript(name: string): string {
  return join(JS, 'bench', 'apps', `${name}.js`);
}

// ---------------------------------------------------------------------------------------------
// Running one app in a fresh process
// ---------------------------------------------------------------------------------------------

interface RunResult {
  readonly wallMs: number;
  /** User + system CPU time of the process (all its threads), from /usr/bin/time; NaN without it. */
  readonly cpuMs: number;
  readonly rssKb: number;
  readonly report: AppReport;
  readonly outdir: string;
}

let runCounter = 0;

const NO_REPORT: AppReport = {
  startupMs: 0, buildMs: 0, synthMs: 0, checksMs: 0, checksCalls: 0, checksPresent: false, checksAttachedBy: 'none', libraryValidationsMs: 0, maxRssKb: 0,
};

function runApp(app: string, size: SizeCase | undefined, options: { keep?: boolean; nodeArgs?: string[]; mode?: Mode } = {}): RunResult {
  const id = `${app}-${size?.n ?? 0}-${size?.stacks ?? 0}-${runCounter++}`;
  const outdir = join(TMP, id);
  const report = join(TMP, `${id}.report.json`);
  const timeFile = join(TMP, `${id}.time`);
  const nodeArgs = [...(options.nodeArgs ?? []), appScript(app)];
  const [command, args] = TIME
    ? [TIME, ['-f', '%e %M %U %S', '-o', timeFile, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const env = {
    ...CHILD_ENV,
    ...options.mode?.env,
    BENCH_OUTDIR: outdir,
    BENCH_REPORT: report,
    BENCH_N: String(size?.n ?? 0),
    BENCH_STACKS: String(size?.stacks ?? 0),
  };
  const start = performance.now();
  const result = spawnSync(command, args, { env, cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${app} (n=${size?.n}) failed with status ${result.status}:\n${result.stderr}${result.stdout}`);
  }
  // The footprint app writes no report: it is not timed.
  const parsed = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) as AppReport : NO_REPORT;
  rmSync(report, { force: true });
  // The last line of the time file: "elapsed maxrss user system" (earlier lines may be warnings).
  const timed = TIME ? readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.trim().split(/\s+/).map(Number) : [];
  const rssKb = TIME ? timed[1] : parsed.maxRssKb;
  const cpuMs = TIME ? (timed[2] + timed[3]) * 1000 : NaN;
  rmSync(timeFile, { force: true });
  if (!options.keep) {
    rmSync(outdir, { recursive: true, force: true });
  }
  return { wallMs, cpuMs, rssKb, report: parsed, outdir };
}

// ---------------------------------------------------------------------------------------------
// Cloud assembly analysis
// ---------------------------------------------------------------------------------------------

interface AssemblyStats {
  readonly templateBytes: number;
  readonly resources: number;
  readonly resourceTypes: Record<string, number>;
  /** File and Docker image assets, not counting the templates themselves. */
  readonly assets: number;
  readonly assetBytes: number;
  /** Bytes of `Code.ZipFile` (inline Lambda code) in the templates. */
  readonly inlineCodeBytes: number;
  /** Bytes of the resources of a type, as serialized in the template (indent 1). */
  readonly bytesByType: Record<string, number>;
}

interface AssetManifest {
  readonly files?: Record<string, { source: { path?: string } }>;
  readonly dockerImages?: Record<string, unknown>;
}

interface Template {
  readonly Resources?: Record<string, { Type: string; Properties?: { Code?: { ZipFile?: string } } }>;
}

function analyzeAssembly(outdir: string): AssemblyStats {
  const stats = {
    templateBytes: 0,
    resources: 0,
    resourceTypes: {} as Record<string, number>,
    assets: 0,
    assetBytes: 0,
    inlineCodeBytes: 0,
    bytesByType: {} as Record<string, number>,
  };
  for (const file of readdirSync(outdir)) {
    const path = join(outdir, file);
    if (file.endsWith('.template.json')) {
      const text = readFileSync(path, 'utf8');
      stats.templateBytes += Buffer.byteLength(text);
      const template = JSON.parse(text) as Template;
      for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
        stats.resources++;
        stats.resourceTypes[resource.Type] = (stats.resourceTypes[resource.Type] ?? 0) + 1;
        const serialized = Buffer.byteLength(JSON.stringify({ [logicalId]: resource }, undefined, 1));
        stats.bytesByType[resource.Type] = (stats.bytesByType[resource.Type] ?? 0) + serialized;
        const zip = resource.Properties?.Code?.ZipFile;
        if (typeof zip === 'string') {
          stats.inlineCodeBytes += Buffer.byteLength(zip);
        }
      }
    } else if (file.endsWith('.assets.json')) {
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as AssetManifest;
      for (const asset of Object.values(manifest.files ?? {})) {
        const source = asset.source.path;
        if (source && !source.endsWith('.template.json')) {
          stats.assets++;
          stats.assetBytes += existsSync(join(outdir, source)) ? sizeOnDisk(join(outdir, source)) : 0;
        }
      }
      stats.assets += Object.keys(manifest.dockerImages ?? {}).length;
    }
  }
  return stats;
}

// ---------------------------------------------------------------------------------------------
// 1 + 2. Synthesis: library vs plain aws-cdk-lib vs the floor, and the checks' share
// ---------------------------------------------------------------------------------------------

interface CaseResults {
  readonly size: SizeCase;
  readonly library: RunResult[];
  readonly plain: RunResult[];
  libraryStats?: AssemblyStats;
  plainStats?: AssemblyStats;
}

interface ModeResults {
  readonly mode: Mode;
  readonly floor: RunResult[];
  readonly cases: CaseResults[];
}

function synthesisBenchmark(mode: Mode): ModeResults {
  log(`[${mode.id}] warm-up (file cache, wasm): empty, library and plain at N=${SIZES[0].n}`);
  runApp('empty', undefined, { mode });
  runApp('library', SIZES[0], { mode });
  runApp('plain', SIZES[0], { mode });

  const floor: RunResult[] = [];
  const cases: CaseResults[] = mode.sizes.map((size) => ({ size, library: [], plain: [] }));
  for (let run = 0; run < mode.runs; run++) {
    log(`[${mode.id}] synthesis round ${run + 1}/${mode.runs}`);
    floor.push(runApp('empty', undefined, { mode }));
    for (const c of cases) {
      // Alternate the order so that neither side always runs first (caches, thermal drift).
      const order: Array<'library' | 'plain'> = run % 2 === 0 ? ['library', 'plain'] : ['plain', 'library'];
      for (const variant of order) {
        const keep = run === 0;
        const result = runApp(variant, c.size, { keep, mode });
        c[variant].push(result);
        if (keep) {
          const stats = analyzeAssembly(result.outdir);
          if (variant === 'library') {
            c.libraryStats = stats;
          } else {
            c.plainStats = stats;
          }
          rmSync(result.outdir, { recursive: true, force: true });
        }
      }
    }
  }
  return { mode, floor, cases };
}

/** Module loading cost (CDK_VALIDATION irrelevant: nothing is synthesized). */
function moduleLoadCost(): Array<[string, number]> {
  log('module loading cost');
  const samples: Array<Array<[string, number]>> = [];
  for (let i = 0; i < RUNS; i++) {
    const report = join(TMP, `loadcost-${i}.json`);
    const result = spawnSync(process.execPath, [appScript('loadcost')], { env: { ...CHILD_ENV, BENCH_REPORT: report }, cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`loadcost failed: ${result.stderr}`);
    }
    samples.push(JSON.parse(readFileSync(report, 'utf8')) as Array<[string, number]>);
  }
  return samples[0].map(([label], i) => [label, median(samples.map((s) => s[i][1]))]);
}

// ---------------------------------------------------------------------------------------------
// 3. Footprint of the account-setting machinery
// ---------------------------------------------------------------------------------------------

function footprint(): Record<string, AssemblyStats> {
  log('footprint: EcrAccountSetting vs AwsCustomResource');
  const result = runApp('footprint', undefined, { keep: true, mode: NO_VALIDATION });
  const stats: Record<string, AssemblyStats> = {};
  for (const variant of readdirSync(result.outdir)) {
    stats[variant] = analyzeAssembly(join(result.outdir, variant));
  }
  rmSync(result.outdir, { recursive: true, force: true });
  return stats;
}

// ---------------------------------------------------------------------------------------------
// 4. Deploy work of the bundled inline handler, and its cold-start import time
// ---------------------------------------------------------------------------------------------

interface HandlerScenario {
  readonly label: string;
  readonly event: 'Create' | 'Update' | 'Delete';
  readonly onDelete: 'RETAIN' | 'RESET';
  /** The value ECR has before the event. */
  readonly current: string;
  /** The value the resource asks for. */
  readonly value: string;
  /** ECR reads and writes, and other calls (a resetting Delete lists the stack's resources once). */
  readonly expected: { reads: number; writes: number; other?: number };
  /** A stated target of the issue (not only the design's expectation). */
  readonly target?: boolean;
}

const SCENARIOS: HandlerScenario[] = [
  { label: 'Create (setting off)', event: 'Create', onDelete: 'RETAIN', current: 'DISABLED', value: 'ENABLED', expected: { reads: 1, writes: 1 } },
  { label: 'Create (setting already on)', event: 'Create', onDelete: 'RETAIN', current: 'ENABLED', value: 'ENABLED', expected: { reads: 1, writes: 0 } },
  { label: 'Update, no-op (already the value)', event: 'Update', onDelete: 'RETAIN', current: 'ENABLED', value: 'ENABLED', expected: { reads: 1, writes: 0 }, target: true },
  { label: 'Update, changed value', event: 'Update', onDelete: 'RETAIN', current: 'ENABLED', value: 'DISABLED', expected: { reads: 1, writes: 1 } },
  { label: 'Delete, RETAIN (default)', event: 'Delete', onDelete: 'RETAIN', current: 'ENABLED', value: 'ENABLED', expected: { reads: 0, writes: 0 } },
  { label: 'Delete, DESTROY (reset to DISABLED)', event: 'Delete', onDelete: 'RESET', current: 'ENABLED', value: 'ENABLED', expected: { reads: 1, writes: 1, other: 1 } },
  { label: 'Delete, DESTROY (already DISABLED)', event: 'Delete', onDelete: 'RESET', current: 'DISABLED', value: 'ENABLED', expected: { reads: 1, writes: 0, other: 1 } },
];

interface ScenarioResult {
  readonly scenario: HandlerScenario;
  readonly reads: number;
  readonly writes: number;
  readonly otherCalls: number;
  readonly responses: number;
  readonly status: string;
  readonly medianMs: number;
}

const BENCH_STACK_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/Bench/00000000-0000-0000-0000-000000000000';

async function handlerDeployWork(): Promise<ScenarioResult[]> {
  log('handler: deploy work per event (bundled inline code, mocked ECR, local ResponseURL)');
  // The same stand-in for CloudFormation's response URL and the same loader as the handler tests.
  const cfn = new ResponseServer();
  await cfn.start();
  const received = cfn.received;
  const ecrMock = mockClient(ECRClient);
  // Every event records or removes its owner record; a resetting Delete lists the owners (none other here).
  const ssmMock = mockClient(SSMClient);
  const handler = loadInlineHandler(ACCOUNT_SETTING_HANDLER_CODE, require);
  // The function acts only on events of its own stack.
  process.env.OWNING_STACK_ID = BENCH_STACK_ID;
  const context: LambdaContext = { getRemainingTimeInMillis: () => 60_000 };
  const quiet = { log: console.log, error: console.error };
  const results: ScenarioResult[] = [];
  try {
    console.log = () => undefined;
    console.error = () => undefined;
    for (const scenario of SCENARIOS) {
      const props = {
        ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:Bench-EcrAccountSettingProvider',
        SettingName: 'BLOB_MOUNTING',
        SettingValue: scenario.value,
        OnDelete: scenario.onDelete,
        ...(scenario.onDelete === 'RESET' ? { ResetValue: 'DISABLED' } : {}),
        PropertiesVersion: '1',
      };
      const event: CloudFormationEvent = {
        RequestType: scenario.event,
        ResponseURL: cfn.responseUrl(),
        StackId: BENCH_STACK_ID,
        RequestId: 'bench-request',
        LogicalResourceId: 'BlobMounting',
        ResourceType: 'Custom::EcrAccountSetting',
        PhysicalResourceId: scenario.event === 'Create' ? undefined : 'EcrAccountSetting:BLOB_MOUNTING:found=DISABLED',
        ResourceProperties: props,
        OldResourceProperties: scenario.event === 'Update' ? { ...props, SettingValue: scenario.current } : undefined,
      };
      const times: number[] = [];
      let counted: Omit<ScenarioResult, 'scenario' | 'medianMs'> | undefined;
      for (let i = 0; i < Math.max(RUNS, 5); i++) {
        ecrMock.reset();
        ssmMock.reset();
        ssmMock.on(GetParametersByPathCommand).resolves({ Parameters: [] });
        ecrMock.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: scenario.current });
        ecrMock.on(PutAccountSettingCommand).callsFake((input: { name: string; value: string }) => ({ name: input.name, value: input.value }));
        cfn.reset();
        const start = performance.now();
        await handler(event, context);
        times.push(performance.now() - start);
        const reads = ecrMock.commandCalls(GetAccountSettingCommand).length;
        const writes = ecrMock.commandCalls(PutAccountSettingCommand).length;
        counted ??= {
          reads,
          writes,
          otherCalls: ecrMock.calls().length - reads - writes + ssmMock.calls().length,
          responses: received.length,
          status: received.map((r) => r.body.Status).join(', ') || 'none',
        };
      }
      results.push({ scenario, ...counted!, medianMs: median(times) });
    }
  } finally {
    console.log = quiet.log;
    console.error = quiet.error;
    ecrMock.restore();
    ssmMock.restore();
    await cfn.stop();
  }
  return results;
}

interface ColdStart {
  readonly floorWallMs: number;
  readonly fullWallMs: number;
  /** In-process: require of the handler module with the SDK not yet loaded (what a cold Lambda does). */
  readonly importMs: number;
  /** In-process: require of @aws-sdk/client-ecr alone. */
  readonly sdkMs: number;
  /** In-process: evaluating the handler module once the SDK is loaded (its own cost). */
  readonly ownMs: number;
}

function handlerColdStart(): ColdStart {
  log('handler: cold-start import time');
  const dir = join(WORK, 'handler');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), ACCOUNT_SETTING_HANDLER_CODE);
  writeFileSync(join(dir, 'cold.js'), [
    '// Written by bench/run.ts: times the import of the inline handler in a fresh process.',
    "const { performance } = require('perf_hooks');",
    'const mode = process.argv[2];',
    'const t0 = performance.now();',
    "if (mode === 'split') require('@aws-sdk/client-ecr');",
    'const t1 = performance.now();',
    "if (mode !== 'floor') require('./index.js');",
    'const t2 = performance.now();',
    'console.log(JSON.stringify({ sdkMs: t1 - t0, handlerMs: t2 - t1 }));',
    '',
  ].join('\n'));
  const run = (mode: string) => {
    const start = performance.now();
    const result = spawnSync(process.execPath, [join(dir, 'cold.js'), mode], { env: CHILD_ENV, encoding: 'utf8' });
    const wallMs = performance.now() - start;
    if (result.status !== 0) {
      throw new Error(`cold start (${mode}) failed: ${result.stderr}`);
    }
    return { wallMs, ...(JSON.parse(result.stdout) as { sdkMs: number; handlerMs: number }) };
  };
  run('full');
  const floor: number[] = [];
  const full: number[] = [];
  const imports: number[] = [];
  const sdk: number[] = [];
  const own: number[] = [];
  for (let i = 0; i < Math.max(RUNS, 7); i++) {
    floor.push(run('floor').wallMs);
    const f = run('full');
    full.push(f.wallMs);
    imports.push(f.handlerMs);
    const s = run('split');
    sdk.push(s.sdkMs);
    own.push(s.handlerMs);
  }
  return { floorWallMs: median(floor), fullWallMs: median(full), importMs: median(imports), sdkMs: median(sdk), ownMs: median(own) };
}

// ---------------------------------------------------------------------------------------------
// Profile (node --cpu-prof) of one library run and one plain run
// ---------------------------------------------------------------------------------------------

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

interface ProfileSummary {
  readonly totalMs: number;
  readonly selfByFunction: Map<string, number>;
  readonly selfByOrigin: Map<string, number>;
  /** Time of samples with a library (src/) frame anywhere on the stack: what the library causes. */
  readonly underLibraryMs: number;
  /** Inclusive time per library function (outermost library frame of each sample). */
  readonly underLibraryByFunction: Map<string, number>;
}

function origin(url: string, functionName: string): string {
  if (!url) {
    return functionName.startsWith('(') ? functionName : '(native)';
  }
  const lib = url.indexOf('/bench/.work/js/src/');
  if (lib >= 0) {
    // Lines and columns are those of the compiled JavaScript (esbuild, not bundled), close to the TypeScript's.
    return `library: src/${url.slice(lib + '/bench/.work/js/src/'.length)}`;
  }
  if (url.includes('/bench/.work/js/bench/')) {
    return 'bench app';
  }
  const cdk = url.match(/node_modules\/aws-cdk-lib\/([^/]+)\//);
  if (cdk) {
    return `aws-cdk-lib/${cdk[1]}`;
  }
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (pkg) {
    return pkg[1];
  }
  return url.startsWith('node:') ? 'node internals' : url;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  const where = url ? `${origin(url, functionName).replace(/^library: /, '')}:${lineNumber + 1}:${columnNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${where ? ` (${where})` : ''}`;
}

function summarizeProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parent.set(child, node.id);
    }
  }
  const selfByFunction = new Map<string, number>();
  const selfByOrigin = new Map<string, number>();
  const underLibraryByFunction = new Map<string, number>();
  let totalMs = 0;
  let underLibraryMs = 0;
  const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i + 1] is the time until the next sample: the time this sample stands for.
    const deltaMs = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(profile.samples[i])!;
    totalMs += deltaMs;
    add(selfByFunction, frameName(node), deltaMs);
    add(selfByOrigin, origin(node.callFrame.url, node.callFrame.functionName), deltaMs);
    let outermostLibrary: ProfileNode | undefined;
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!;
      if (frame.callFrame.url.includes('/bench/.work/js/src/')) {
        outermostLibrary = frame;
      }
    }
    if (outermostLibrary) {
      underLibraryMs += deltaMs;
      add(underLibraryByFunction, frameName(outermostLibrary), deltaMs);
    }
  }
  return { totalMs, selfByFunction, selfByOrigin, underLibraryMs, underLibraryByFunction };
}

interface ProfilePair {
  readonly size: SizeCase;
  readonly library: ProfileSummary;
  readonly plain: ProfileSummary;
}

function profileRuns(): ProfilePair[] {
  return PROFILE_CASES.map((size) => {
    log(`profile: node --cpu-prof, library and plain at N=${size.label} (${NO_VALIDATION.env.CDK_VALIDATION ? 'CDK_VALIDATION=false' : ''})`);
    const summaries: Partial<Record<'library' | 'plain', ProfileSummary>> = {};
    for (const variant of ['library', 'plain'] as const) {
      const dir = join(WORK, 'profile', `${variant}-${size.n}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      runApp(variant, size, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`], mode: NO_VALIDATION });
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) {
        throw new Error(`no .cpuprofile written in ${dir}`);
      }
      summaries[variant] = summarizeProfile(join(dir, file));
    }
    return { size, library: summaries.library!, plain: summaries.plain! };
  });
}

function top(map: Map<string, number>, count: number): Array<[string, number]> {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function machine(): string[] {
  const cpus = os.cpus();
  const version = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() !== '';
  return [
    `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; library at commit ${git || 'unknown'}${dirty ? ' (src/ has uncommitted changes)' : ''}`,
    `- Machine: ${cpus.length} cores, ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} (${os.arch()})`,
    `- Load average at the end of the run (1/5/15 min): ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (other work on the machine adds noise; ratios are interleaved to share it)`,
    `- Node ${process.version}; aws-cdk-lib ${version('aws-cdk-lib')}; constructs ${version('constructs')}; @aws-sdk/client-ecr ${version('@aws-sdk/client-ecr')}; esbuild ${version('esbuild')}`,
    `- Mode: ${QUICK ? '**--quick (smoke run: fewer sizes and runs, not the committed results)**' : 'full'}; median of ${DEFAULT_MODE_RUNS} runs (default mode) / ${RUNS} runs (CDK_VALIDATION=false, cold start); peak RSS from ${TIME ? '/usr/bin/time (%M)' : 'process.resourceUsage() of the child'}`,
  ];
}

type Side = 'library' | 'plain';

function wall(results: RunResult[]): number {
  return median(results.map((r) => r.wallMs));
}

function phase(results: RunResult[], pick: (r: AppReport) => number): number {
  return median(results.map((r) => pick(r.report)));
}

/** Section 1 for one mode: ratios, growth, phases. Returns the verdicts. */
function reportSynthesis(out: string[], misses: string[], results: ModeResults): { ratioOk: boolean; growthOk: boolean } {
  const { mode, floor, cases } = results;
  const floorWall = wall(floor);
  out.push(`### ${mode.title}`, '');
  out.push(`Floor (empty app): **${ms(floorWall)} ms** wall, ${ms(median(floor.map((r) => r.cpuMs)))} ms CPU, ${mb(median(floor.map((r) => r.rssKb)))} MB peak RSS.`, '');
  const rows: Array<Array<string | number>> = [];
  let ratioOk = true;
  for (const c of cases) {
    const lib = wall(c.library);
    const plain = wall(c.plain);
    const r = lib / plain;
    const rf = (lib - floorWall) / (plain - floorWall);
    const ok = r <= 1.15;
    ratioOk &&= ok;
    const spread = (side: Side) => `${ms(Math.min(...c[side].map((x) => x.wallMs)))}-${ms(Math.max(...c[side].map((x) => x.wallMs)))}`;
    const libRss = median(c.library.map((x) => x.rssKb));
    const plainRss = median(c.plain.map((x) => x.rssKb));
    const libCpu = median(c.library.map((x) => x.cpuMs));
    const plainCpu = median(c.plain.map((x) => x.cpuMs));
    rows.push([c.size.label, ms(lib), ms(plain), `${spread('library')} / ${spread('plain')}`, `**${ratio(r)}**`, ratio(rf),
      `${ms(libCpu)} / ${ms(plainCpu)}`, ratio(libCpu / plainCpu), `${mb(libRss)} / ${mb(plainRss)}`, ratio(libRss / plainRss), verdict(ok)]);
    if (!ok) {
      misses.push(`[${mode.id}] synthesis time library/plain at N=${c.size.label}: ${ratio(r)} (target <= 1.15); above the floor ${ratio(rf)}.`);
    }
  }
  out.push(table(['N repositories', 'library ms', 'plain ms', 'range (min-max) lib / plain', 'ratio', 'ratio above floor', 'CPU ms (user+sys) lib / plain', 'CPU ratio',
    'peak RSS MB lib / plain', 'RSS ratio', 'target: wall ratio <= 1.15'], rows), '');
  out.push('The verdict is on the whole-process wall time (the target); the CPU-time ratio is a cross-check that other load on the machine disturbs less.', '');

  out.push('Growth with N, floor subtracted (linear: N times k costs at most 1.1 k times the time; exp = log(time ratio) / log(N ratio), <= 1.14 at a doubling):', '');
  const growthRows: Array<Array<string | number>> = [];
  let growthOk = true;
  for (const [a, b] of GROWTH_PAIRS) {
    const ca = cases.find((c) => c.size.label === a);
    const cb = cases.find((c) => c.size.label === b);
    if (!ca || !cb) {
      continue;
    }
    const k = cb.size.n / ca.size.n;
    const cells: string[] = [];
    let rowOk = true;
    for (const side of ['library', 'plain'] as const) {
      const g = (wall(cb[side]) - floorWall) / (wall(ca[side]) - floorWall);
      cells.push(k === 1 ? ratio(g) : `${ratio(g)} (exp ${(Math.log(g) / Math.log(k)).toFixed(2)})`);
      if (side === 'library') {
        rowOk = g <= 1.1 * k;
      }
    }
    growthOk &&= rowOk;
    growthRows.push([`${a} -> ${b}`, `x${k}`, `<= ${ratio(1.1 * k)}`, ...cells, verdict(rowOk)]);
    if (!rowOk) {
      misses.push(`[${mode.id}] library synthesis time grows faster than linear from N=${a} to N=${b}: ${cells[0]} for x${k} repositories (target <= ${ratio(1.1 * k)}).`);
    }
  }
  out.push(table(['N', 'N ratio', 'allowed time ratio', 'library time ratio', 'plain time ratio', 'target (library)'], growthRows), '');

  out.push('In-process phases (medians, ms): startup = Node start + loading modules; build = constructing the tree; synth = `app.synth()` (includes aws-cdk-lib\'s validation in the default mode).', '');
  out.push(table(['N', 'startup lib / plain', 'build lib / plain', 'synth lib / plain', 'ms per repository above floor, lib / plain'], cases.map((c) => [
    c.size.label,
    `${ms(phase(c.library, (r) => r.startupMs))} / ${ms(phase(c.plain, (r) => r.startupMs))}`,
    `${ms(phase(c.library, (r) => r.buildMs))} / ${ms(phase(c.plain, (r) => r.buildMs))}`,
    `${ms(phase(c.library, (r) => r.synthMs))} / ${ms(phase(c.plain, (r) => r.synthMs))}`,
    `${ms((wall(c.library) - floorWall) / c.size.n)} / ${ms((wall(c.plain) - floorWall) / c.size.n)}`,
  ])), '');
  return { ratioOk, growthOk };
}

/** Section 2 for one mode. Undefined verdict = checks not present. */
function reportChecks(out: string[], misses: string[], results: ModeResults): boolean | undefined {
  const { mode, cases } = results;
  const present = cases.some((c) => c.library.some((r) => r.report.checksPresent));
  out.push(`### ${mode.title}`, '');
  if (!present) {
    out.push('**LayerSharingChecks: not present** (no `LayerSharingChecks` export from src/index.ts, no src/validation/layer-sharing-checks.ts): the target is not measured. '
      + 'The harness measures the checks automatically once they exist.', '');
    out.push(table(['N', 'checks', 'other library validations ms', 'their share of build + synth'], cases.map((c) => {
      const other = phase(c.library, (r) => r.libraryValidationsMs);
      return [c.size.label, 'not present', ms(other), pct(other / phase(c.library, (r) => r.buildMs + r.synthMs))];
    })), '');
    return undefined;
  }
  const attachedBy = cases[0].library[0].report.checksAttachedBy;
  out.push(`LayerSharingChecks: present; attached by ${attachedBy === 'bench' ? 'the bench (`Aspects.of(app).add(new LayerSharingChecks())`), because the library did not attach it itself' : 'the library itself'}.`, '');
  let ok = true;
  out.push(table(['N', 'checks ms', 'timed calls', 'share of build + synth', 'share of whole process', 'other library validations ms', 'target < 5%'], cases.map((c) => {
    const share = median(c.library.map((r) => r.report.checksMs / (r.report.buildMs + r.report.synthMs)));
    const rowOk = share < 0.05;
    ok &&= rowOk;
    if (!rowOk) {
      misses.push(`[${mode.id}] the layer-sharing checks take ${pct(share)} of build + synth at N=${c.size.label} (target < 5%).`);
    }
    return [c.size.label, ms(phase(c.library, (r) => r.checksMs)), phase(c.library, (r) => r.checksCalls), pct(share),
      pct(median(c.library.map((r) => r.report.checksMs / r.wallMs))), ms(phase(c.library, (r) => r.libraryValidationsMs)), verdict(rowOk)];
  })), '');
  return ok;
}

function reportProfile(out: string[], pair: ProfilePair): void {
  const { library: lp, plain: pp } = pair;
  out.push(`### N=${pair.size.label}`, '');
  out.push(`Sampled CPU time: library ${ms(lp.totalMs)} ms, plain ${ms(pp.totalMs)} ms. Samples with a library (src/) frame anywhere on the stack: ${ms(lp.underLibraryMs)} ms (${pct(lp.underLibraryMs / lp.totalMs)}).`, '');
  out.push('Self time by origin (ms):', '');
  const origins = new Set([...top(lp.selfByOrigin, 10).map(([k]) => k), ...top(pp.selfByOrigin, 10).map(([k]) => k)]);
  out.push(table(['origin', 'library', 'plain', 'difference'],
    [...origins].map((o) => [o, lp.selfByOrigin.get(o) ?? 0, pp.selfByOrigin.get(o) ?? 0] as [string, number, number])
      .sort((a, b) => b[1] - a[1])
      .map(([o, l, p]) => [o, ms(l), ms(p), ms(l - p)])), '');
  out.push('Top self-time functions of the library run:', '');
  out.push(table(['function (origin:line:column)', 'self ms', 'share', 'same function in the plain run, ms'],
    top(lp.selfByFunction, 12).map(([name, value]) => [`\`${name}\``, ms(value), pct(value / lp.totalMs), ms(pp.selfByFunction.get(name) ?? 0)])), '');
  const extra = new Map<string, number>();
  for (const [name, value] of lp.selfByFunction) {
    extra.set(name, value - (pp.selfByFunction.get(name) ?? 0));
  }
  out.push('Most extra self time in the library run (library minus plain, same function):', '');
  out.push(table(['function', 'extra ms'], top(extra, 8).map(([name, value]) => [`\`${name}\``, ms(value)])), '');
  out.push('Library code on the stack (inclusive, attributed to the outermost library frame):', '');
  out.push(table(['library function', 'inclusive ms', 'share of the run'], top(lp.underLibraryByFunction, 8).map(([name, value]) => [`\`${name}\``, ms(value), pct(value / lp.totalMs)])), '');
}

async function main(): Promise<void> {
  const started = performance.now();
  mkdirSync(TMP, { recursive: true });
  compile();

  const synthesis = MODES.map((mode) => synthesisBenchmark(mode));
  const loadCost = moduleLoadCost();
  const feet = footprint();
  const handlerWork = await handlerDeployWork();
  const cold = handlerColdStart();
  const profiles = profileRuns();

  const out: string[] = [];
  const misses: string[] = [];
  out.push('# Benchmark results', '');
  out.push('Written by `npx projen bench` (bench/run.ts). Absolute times are valid only inside this one run, on this machine: compare ratios, never times across runs.', '');
  out.push(...machine(), '');

  // ---- 1. Synthesis
  out.push('## 1. Synthesis: library vs plain aws-cdk-lib', '');
  out.push(
    'Each time is the median of whole `node` processes (start, load modules, build the tree, `app.synth()` into a temp dir), a fresh process per run, library and plain interleaved (order alternating). '
    + 'Library: `SharedLayerRegistry` (KMS key, blob mounting on, IMMUTABLE tags, expire untagged after 14 days) + `addRepository` in one stack, or `SharedRepository` in team stacks with the registry in its own stack. '
    + 'Plain: `ecr.Repository` with the same key, tag mutability and `lifecycleRules` (`maxImageAge` 14 days, untagged), same stack layout. '
    + 'The floor is an empty app that loads the same aws-cdk-lib modules as the plain app. The stack resource limit (500) is lifted by context for the single-stack cases. '
    + 'aws-cdk-lib 2.27x validates every template during synthesis with a ~9 MB WebAssembly engine (`@aws/cloudformation-validate`), compiled in every process: it is measured as users get it (default), and switched off with `CDK_VALIDATION=false` to isolate the construct and synthesis work.',
    '',
  );
  const verdicts = synthesis.map((results) => ({ mode: results.mode, ...reportSynthesis(out, misses, results) }));

  out.push('### Module loading (what the library adds before any construct exists)', '');
  out.push('Each module required in this order in a fresh process (median of the runs); each line is the extra time with the ones above already loaded. The plain app loads the first three.', '');
  out.push(table(['module', 'ms'], loadCost.map(([label, value]) => [label, ms(value)])), '');

  // ---- 2. Checks
  out.push('## 2. The layer-sharing checks', '');
  out.push(
    'Measured in-process in every library run of section 1 (no separate runs): every method of `LayerSharingChecks` (the aspect) is wrapped with a timer, and so is every validation that library code '
    + 'registers with `node.addValidation` (registered from src/validation/ = the checks; from elsewhere in src/ = other library validations, e.g. the registry-singleton claims). '
    + 'Only the outermost timed call counts. The share is of the app\'s own work (building the tree + `app.synth()`, without Node start and module loading); the `CDK_VALIDATION=false` share is the strict one. '
    + 'Switching the checks off and comparing whole-process times was rejected: a few-% effect drowns in the run-to-run noise of the default mode.',
    '',
  );
  const checkVerdicts = synthesis.map((results) => reportChecks(out, misses, results));
  const checksPresent = checkVerdicts.some((v) => v !== undefined);

  // ---- 3. Footprint
  out.push('## 3. Footprint', '');
  out.push('### The account-setting machinery, per stack', '');
  out.push(
    'Added to an empty stack (same env) by the library\'s `EcrAccountSetting` (1 and 3 settings), and by aws-cdk-lib\'s `AwsCustomResource` calling ECR `PutAccountSetting` on create and update '
    + '(`installLatestAwsSdk: false`, its favourable setting; IAM policy from the SDK calls). Assets exclude the templates themselves; asset size is on disk in cdk.out.',
    '',
  );
  const base = feet['stack-empty'];
  const handlerBytes = Buffer.byteLength(ACCOUNT_SETTING_HANDLER_CODE);
  out.push(table(['added by', 'resources', 'resource types', 'template bytes', 'file assets', 'asset bytes on disk', 'inline code bytes in template'],
    ([['setting-1', 'EcrAccountSetting x1'], ['setting-3', 'EcrAccountSetting x3'], ['acr-1', 'AwsCustomResource x1'], ['acr-3', 'AwsCustomResource x3']] as const).map(([variant, label]) => {
      const s = feet[variant];
      const types = Object.entries(s.resourceTypes).filter(([t]) => s.resourceTypes[t] !== base.resourceTypes[t])
        .map(([t, count]) => `${t.replace(/^AWS::/, '')} ${count - (base.resourceTypes[t] ?? 0)}`).join(', ');
      const added = bytes(s.templateBytes - base.templateBytes);
      return [label, s.resources - base.resources, types, added, s.assets, bytes(s.assetBytes), bytes(s.inlineCodeBytes)];
    })), '');
  const assetsOk = feet['setting-1'].assets === 0 && feet['setting-3'].assets === 0 && feet['registry-0'].assets === 0;
  // Code.ZipFile is no longer limited to 4 KB; the budget is the StackSet TemplateBody (51,200 bytes),
  // of which the handler may take at most 12 KB.
  const inlineOk = handlerBytes < 12_288;
  out.push(table(['target', 'value', 'verdict'], [
    ['file assets of a stack with EcrAccountSetting / SharedLayerRegistry: 0', `${feet['setting-1'].assets} / ${feet['registry-0'].assets}`, verdict(assetsOk)],
    ['inline handler < 12 KB (12,288 bytes)', `${bytes(handlerBytes)} bytes (\`ACCOUNT_SETTING_HANDLER_CODE\`; ${bytes(feet['setting-1'].inlineCodeBytes)} in the template)`, verdict(inlineOk)],
  ]), '');
  if (!assetsOk) {
    misses.push('A stack using the library has file assets (target 0).');
  }
  if (!inlineOk) {
    misses.push(`The inline handler is ${bytes(handlerBytes)} bytes (target < 4,096).`);
  }
  const reg = feet['registry-0'];
  const key = feet['key-only'];
  out.push(`Fixed cost of a \`SharedLayerRegistry\` with no repository (KMS key, blob mounting, one default lifecycle rule) over a bare \`kms.Key\`: +${reg.resources - key.resources} resources, `
    + `+${bytes(reg.templateBytes - key.templateBytes)} template bytes, ${reg.assets} file assets.`, '');

  out.push('### Template bytes per repository', '');
  out.push('Marginal: (template bytes at the larger N - at the smaller N) / (difference in N): everything that grows with N. Resource: the `AWS::ECR::Repository` resources alone, as serialized in the template (indent 1), per repository.', '');
  const cases = synthesis.find((results) => results.mode === NO_VALIDATION)!.cases;
  const small = cases[0];
  const singleLargest = cases.filter((c) => c.size.stacks === 0).pop()!;
  const multi = cases.find((c) => c.size.stacks > 0);
  const bytesRows: Array<Array<string | number>> = [];
  let bytesOk = true;
  const marginal = (from: CaseResults, to: CaseResults, side: 'libraryStats' | 'plainStats') => (to[side]!.templateBytes - from[side]!.templateBytes) / (to.size.n - from.size.n);
  const pairs: Array<[string, CaseResults, CaseResults]> = [[`${small.size.label} -> ${singleLargest.size.label} (one stack)`, small, singleLargest]];
  if (multi) {
    pairs.push([`${small.size.label} -> ${multi.size.label}`, small, multi]);
  }
  for (const [label, from, to] of pairs) {
    const lib = marginal(from, to, 'libraryStats');
    const plain = marginal(from, to, 'plainStats');
    const ok = lib / plain <= 1.1;
    bytesOk &&= ok;
    bytesRows.push([`marginal, N ${label}`, ms(lib), ms(plain), `**${ratio(lib / plain)}**`, verdict(ok)]);
    if (!ok) {
      misses.push(`Template bytes per repository (marginal, N ${label}): ${ratio(lib / plain)} times plain aws-cdk-lib (target <= 1.1).`);
    }
  }
  const repoBytes = (c: CaseResults, side: 'libraryStats' | 'plainStats') => (c[side]!.bytesByType['AWS::ECR::Repository'] ?? 0) / c.size.n;
  bytesRows.push([`AWS::ECR::Repository resource only, N ${singleLargest.size.label}`, ms(repoBytes(singleLargest, 'libraryStats')), ms(repoBytes(singleLargest, 'plainStats')),
    ratio(repoBytes(singleLargest, 'libraryStats') / repoBytes(singleLargest, 'plainStats')), 'info']);
  for (const c of cases) {
    bytesRows.push([`whole app / N, N ${c.size.label}`, ms(c.libraryStats!.templateBytes / c.size.n), ms(c.plainStats!.templateBytes / c.size.n),
      ratio(c.libraryStats!.templateBytes / c.plainStats!.templateBytes), 'info']);
  }
  out.push(table(['measure', 'library bytes / repository', 'plain bytes / repository', 'ratio', 'target <= 1.1'], bytesRows), '');

  // ---- 4. Handler
  out.push('## 4. Deploy work of the account-setting handler', '');
  out.push(
    'The BUNDLED inline code (`ACCOUNT_SETTING_HANDLER_CODE`, what goes into `Code.ZipFile`) evaluated as CommonJS with the bench\'s `require`, so it gets the `aws-sdk-client-mock`-mocked `ECRClient`; '
    + 'its ResponseURL is a local `http.createServer`. Setting BLOB_MOUNTING; reads = GetAccountSetting, writes = PutAccountSetting. Time per event: in-process, mocked (handler overhead only).',
    '',
  );
  let handlerOk = true;
  out.push(table(['event', 'reads', 'writes', 'other API calls', 'responses to CloudFormation', 'expected reads / writes', 'ms per event (mocked)', 'verdict'], handlerWork.map((r) => {
    const ok = r.reads === r.scenario.expected.reads && r.writes === r.scenario.expected.writes && r.otherCalls === (r.scenario.expected.other ?? 0) && r.responses === 1 && r.status === 'SUCCESS';
    if (!ok) {
      handlerOk = false;
      misses.push(`Handler, ${r.scenario.label}: ${r.reads} reads, ${r.writes} writes, ${r.otherCalls} other calls, ${r.responses} responses (${r.status}); `
        + `expected ${r.scenario.expected.reads} reads, ${r.scenario.expected.writes} writes, 1 SUCCESS response.`);
    }
    return [r.scenario.label, r.reads, r.writes, r.otherCalls, `${r.responses} (${r.status})`, `${r.scenario.expected.reads} / ${r.scenario.expected.writes}`, ms(r.medianMs),
      r.scenario.target ? `${verdict(ok)} (target)` : `${verdict(ok)} (design)`];
  })), '');
  out.push('Cold start (a fresh `node` process per run, median):', '');
  out.push(table(['measure', 'ms'], [
    ['**import of the inline handler, SDK not loaded yet (what a cold Lambda pays)**, in-process', ms(cold.importMs)],
    ['of which @aws-sdk/client-ecr (provided by the Lambda runtime), in-process', ms(cold.sdkMs)],
    ['of which the handler module itself (SDK already loaded), in-process', ms(cold.ownMs)],
    ['whole process: node + import of the handler', ms(cold.fullWallMs)],
    ['whole process: node alone (floor)', ms(cold.floorWallMs)],
  ]), '');

  // ---- Targets
  out.push('## Targets', '');
  const targetRows: Array<Array<string>> = [];
  for (const v of verdicts) {
    targetRows.push([`1. synthesis time library/plain <= 1.15 at every N, ${v.mode.title}`, verdict(v.ratioOk)]);
  }
  for (const v of verdicts) {
    targetRows.push([`1. growth linear in N (twice N, at most 2.2 times the time), ${v.mode.title}`, verdict(v.growthOk)]);
  }
  synthesis.forEach((results, i) => {
    targetRows.push([`2. layer-sharing checks < 5 % of synthesis at every N, ${results.mode.title}`, checksPresent ? verdict(checkVerdicts[i]) : 'not present (not measured)']);
  });
  targetRows.push(
    ['3. file assets of the account-setting machinery: 0', verdict(assetsOk)],
    ['3. inline handler < 12 KB', verdict(inlineOk)],
    ['3. template bytes per repository <= 1.1 x plain aws-cdk-lib', verdict(bytesOk)],
    ['4. no-op update: 1 read, 0 writes (and every other event as designed)', verdict(handlerOk)],
  );
  out.push(table(['target', 'verdict'], targetRows), '');
  if (misses.length > 0) {
    out.push('### Missed', '', ...misses.map((m) => `- ${m}`), '');
  }

  // ---- Profile
  out.push('## Profile: where the time goes', '');
  out.push('One run each of the library and the plain app, `node --cpu-prof`, `CDK_VALIDATION=false` (the WebAssembly validation would otherwise dominate and is the same engine on both sides).', '');
  for (const pair of profiles) {
    reportProfile(out, pair);
  }

  const notes = join(ROOT, 'bench', 'NOTES.md');
  if (existsSync(notes)) {
    out.push(readFileSync(notes, 'utf8').trim(), '');
  }
  out.push(`_Benchmark wall time: ${((performance.now() - started) / 1000).toFixed(0)} s._`, '');

  const text = out.join('\n');
  writeFileSync(RESULTS, text);
  process.stdout.write(`${text}\n`);
  log(`wrote ${relative(ROOT, RESULTS)}`);
  rmSync(TMP, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
