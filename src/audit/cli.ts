/**
 * `cdk-ecr-shared-layers audit`: the command line around `audit()`. Parses flags with Node's
 * util.parseArgs (usage errors name the flag, exit 2), runs the audit with progress on stderr when
 * stderr is a terminal, prints the report (`--output table|json|markdown|html`) on stdout, exits 3
 * when nothing of a registry asked for could be read and 1 when a --fail-on condition holds.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseArgs } from 'util';
import {
  audit, AuditOptions, AuditReport, AuditUsageError, DEFAULT_AUDIT_ROLE_NAME, DEFAULT_CONCURRENCY, DEFAULT_PRICE_PER_GB_MONTH,
  isRegionName, nothingRead, SCHEMA_VERSION, unreadRegistries,
} from './index';
import { renderHtml, renderJson, renderMarkdown, renderTable } from './render';

export const EXIT_OK = 0;
/** A `--fail-on` condition holds for at least one registry. */
export const EXIT_FAIL_ON = 1;
/** Bad flags: nothing was read. */
export const EXIT_USAGE = 2;
/** Nothing of any registry asked for could be read (every part UNKNOWN, or the account not reached), or the audit stopped on an unexpected error. */
export const EXIT_NOTHING_READ = 3;

export const FAIL_ON_CONDITIONS = ['islands', 'disabled', 'unknown'] as const;
export type FailOn = typeof FAIL_ON_CONDITIONS[number];

export const OUTPUTS = ['table', 'json', 'markdown', 'html'] as const;
export type Output = typeof OUTPUTS[number];

/** The package's version, from its package.json (two folders up from src/audit/ and from lib/audit/). */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export const USAGE = `Usage: cdk-ecr-shared-layers audit [flags]

Reads Amazon ECR registries (Describe/Get/List calls only) and reports their encryption islands,
the BLOB_MOUNTING setting, and the storage that layer sharing saves.

Where:
  --region REGION[,REGION]    regions to read (repeatable); default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region
  --profile NAME              named profile for credentials; default: the SDK's default credential chain
  --endpoint-url URL          endpoint for ECR, STS and Organizations (emulators, VPC endpoints)
Fleet:
  --accounts ID[,ID]          accounts to read through --role-name (repeatable)
  --organization              every ACTIVE account of the organization (organizations:ListAccounts)
  --role-name NAME            role assumed in each account; default: ${DEFAULT_AUDIT_ROLE_NAME}
  --concurrency N             registries read at once, and repositories read at once
                              (within a registry and across registries) (1-256); default: ${DEFAULT_CONCURRENCY}
Report:
  --price-per-gb-month USD    storage price; default: ${DEFAULT_PRICE_PER_GB_MONTH} (ECR standard storage)
  --top N                     shared blobs listed per registry (0-100); default: 5
  --output FORMAT             table (people), json (scripts, schemaVersion ${SCHEMA_VERSION}), markdown (CI summaries),
                              html (one self-contained page); default: table
  --json, --markdown          the same as --output json, --output markdown
  --fail-on COND[,COND]       exit 1 when: islands (a registry has more than one island),
                              disabled (BLOB_MOUNTING is not ENABLED, UNKNOWN included),
                              unknown (some part of the report could not be read)
  -h, --help                  this text
  --version                   the package's version

Exit codes: 0 report printed; 1 a --fail-on condition holds; 2 usage error; 3 nothing of a registry asked for could be read.
`;

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { readonly isTTY?: boolean; write(text: string): unknown };
}

class UsageError extends Error {}

function list(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}

function integer(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got '${raw}'.`);
  }
  return value;
}

export interface ParsedCommand {
  readonly help: boolean;
  readonly version?: boolean;
  readonly options: AuditOptions;
  readonly format: Output;
  readonly failOn: readonly FailOn[];
}

/** Parses argv (without `node` and the script): `audit [flags]`. Throws a usage error that names the flag. */
export function parseCommand(argv: readonly string[]): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'region': { type: 'string', multiple: true },
        'profile': { type: 'string' },
        'endpoint-url': { type: 'string' },
        'accounts': { type: 'string', multiple: true },
        'organization': { type: 'boolean' },
        'role-name': { type: 'string' },
        'concurrency': { type: 'string' },
        'price-per-gb-month': { type: 'string' },
        'top': { type: 'string' },
        'output': { type: 'string' },
        'json': { type: 'boolean' },
        'markdown': { type: 'boolean' },
        'version': { type: 'boolean' },
        'fail-on': { type: 'string', multiple: true },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknownFlag = /Unknown option '([^']+)'/.exec(message);
    if (unknownFlag) {
      throw new UsageError(`unknown flag ${unknownFlag[1]}.`);
    }
    const missing = /Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument missing/.exec(message);
    if (missing) {
      throw new UsageError(`${missing[1]} needs a value.`);
    }
    const ambiguous = /Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(message);
    if (ambiguous) {
      throw new UsageError(`${ambiguous[1]} got a value that starts with '-': write it as ${ambiguous[1]}=VALUE.`);
    }
    throw new UsageError(message.replace(/^TypeError \[\w+\]: /, '').replace(/\.$/, '') + '.');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    return { help: true, options: {}, format: 'table', failOn: [] };
  }
  if (values.version) {
    return { help: false, version: true, options: {}, format: 'table', failOn: [] };
  }
  if (positionals[0] !== 'audit' || positionals.length > 1) {
    throw new UsageError(positionals.length === 0
      ? 'missing command: expected `audit`.'
      : `unknown command '${positionals.join(' ')}': expected \`audit\`.`);
  }

  const regions = list(values.region);
  for (const region of regions) {
    if (!isRegionName(region)) {
      throw new UsageError(`--region '${region}' is not a region name; expected like eu-west-1.`);
    }
  }
  const accounts = list(values.accounts);
  for (const account of accounts) {
    if (!/^\d{12}$/.test(account)) {
      throw new UsageError(`--accounts '${account}' is not an account id; expected 12 digits.`);
    }
  }
  if (values.accounts && accounts.length === 0) {
    throw new UsageError('--accounts needs at least one account id.');
  }
  if (values.accounts && values.organization) {
    throw new UsageError('--accounts and --organization cannot be used together: pick the accounts or the whole organization.');
  }
  if (values['role-name'] !== undefined && !values.accounts && !values.organization) {
    throw new UsageError('--role-name applies to a fleet: add --accounts or --organization.');
  }
  if (values['role-name'] !== undefined && !/^[\w+=,.@/-]{1,64}$/.test(values['role-name'])) {
    throw new UsageError(`--role-name '${values['role-name']}' is not an IAM role name (1-64 of letters, digits and +=,.@_-).`);
  }
  const endpointUrl = values['endpoint-url'];
  if (endpointUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpointUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new UsageError(`--endpoint-url '${endpointUrl}' is not an http(s) URL; expected like https://ecr.eu-west-1.amazonaws.com.`);
    }
  }
  let pricePerGbMonth: number | undefined;
  const rawPrice = values['price-per-gb-month'];
  if (rawPrice !== undefined) {
    pricePerGbMonth = Number(rawPrice);
    if (rawPrice.trim() === '' || !Number.isFinite(pricePerGbMonth) || pricePerGbMonth < 0) {
      throw new UsageError(`--price-per-gb-month must be a non-negative number of USD, got '${rawPrice}'.`);
    }
  }
  const outputs = [
    ...(values.output !== undefined ? [values.output] : []),
    ...(values.json ? ['json'] : []),
    ...(values.markdown ? ['markdown'] : []),
  ];
  if (values.output !== undefined && !(OUTPUTS as readonly string[]).includes(values.output)) {
    throw new UsageError(`--output '${values.output}' is not a format; expected ${OUTPUTS.join(', ')}.`);
  }
  if (new Set(outputs).size > 1) {
    const given = [...(values.output !== undefined ? [`--output ${values.output}`] : []), ...(values.json ? ['--json'] : []), ...(values.markdown ? ['--markdown'] : [])];
    throw new UsageError(`${given.join(' and ')} cannot be used together: pick one output.`);
  }
  const failOn = list(values['fail-on']);
  for (const condition of failOn) {
    if (!(FAIL_ON_CONDITIONS as readonly string[]).includes(condition)) {
      throw new UsageError(`--fail-on '${condition}' is not a condition; expected ${FAIL_ON_CONDITIONS.join(', ')}.`);
    }
  }
  return {
    help: false,
    format: (outputs[0] ?? 'table') as Output,
    failOn: failOn as FailOn[],
    options: {
      regions: regions.length > 0 ? regions : undefined,
      profile: values.profile,
      endpointUrl,
      accounts: values.accounts ? accounts : undefined,
      organization: values.organization ?? false,
      roleName: values['role-name'],
      concurrency: integer('--concurrency', values.concurrency, 1, 256),
      pricePerGbMonth,
      top: integer('--top', values.top, 0, 100),
    },
  };
}

/** Which --fail-on conditions hold, each with the registries concerned. */
export function failures(report: AuditReport, failOn: readonly FailOn[]): string[] {
  const out: string[] = [];
  for (const r of report.registries) {
    const where = `${r.account} ${r.region}`;
    if (failOn.includes('unknown') && r.unreadable !== null) {
      out.push(`unknown: ${where} could not be read: ${r.unreadable}`);
      continue;
    }
    if (failOn.includes('islands') && r.islands.length > 1) {
      out.push(`islands: ${where} has ${r.islands.length} encryption islands`);
    }
    if (failOn.includes('disabled') && r.blobMounting !== 'ENABLED' && r.unreadable === null) {
      out.push(`disabled: ${where} has BLOB_MOUNTING ${r.blobMounting}`);
    }
    if (failOn.includes('unknown') && r.unknown.length > 0) {
      out.push(`unknown: ${where} could not read ${r.unknown.map((u) => u.part).join(', ')}`);
    }
  }
  if (failOn.includes('unknown') && report.errors.length > 0) {
    out.push(`unknown: ${report.errors.length} registries or accounts could not be read`);
  }
  return out;
}

/** Runs the command; returns the exit code. Never throws, never prints a stack trace. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command: ParsedCommand;
  try {
    command = parseCommand(argv);
  } catch (error) {
    io.stderr.write(`cdk-ecr-shared-layers: ${(error as Error).message}\nRun 'cdk-ecr-shared-layers audit --help' for the flags.\n`);
    return EXIT_USAGE;
  }
  if (command.help) {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (command.version) {
    io.stdout.write(`cdk-ecr-shared-layers ${packageVersion()}\n`);
    return EXIT_OK;
  }
  const progress = io.stderr.isTTY ? terminalProgress(io.stderr) : undefined;
  let report: AuditReport;
  try {
    report = await audit({ ...command.options, onProgress: progress?.registry, onRepositoryProgress: progress?.repository });
  } catch (error) {
    progress?.clear();
    if (error instanceof AuditUsageError) {
      io.stderr.write(`cdk-ecr-shared-layers: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`cdk-ecr-shared-layers: the audit stopped: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    return EXIT_NOTHING_READ;
  }
  progress?.clear();
  const render = { table: renderTable, json: renderJson, markdown: renderMarkdown, html: renderHtml }[command.format];
  io.stdout.write(render(report));
  if (nothingRead(report)) {
    const unread = [...new Set(unreadRegistries(report))];
    const asked = report.registries.length + report.errors.length;
    const which = unread.length === 0 || unread.length === asked ? '' : ` of ${unread.join(', ')}`;
    io.stderr.write(`cdk-ecr-shared-layers: nothing could be read${which}: ${causes(report)}\n`);
    return EXIT_NOTHING_READ;
  }
  const failed = failures(report, command.failOn);
  if (failed.length > 0) {
    io.stderr.write(failed.map((f) => `cdk-ecr-shared-layers: --fail-on ${f}\n`).join(''));
    return EXIT_FAIL_ON;
  }
  return EXIT_OK;
}

/** The distinct reasons nothing could be read, said once each (the same credentials error for every registry is one line). */
function causes(report: AuditReport): string {
  const reasons = [
    ...report.registries.map((r) => r.unreadable ?? ''),
    ...report.errors.map((e) => `${e.operation}: ${e.reason}`),
  ].flatMap((r) => r.split('; ')).filter((r) => r !== '');
  const distinct = [...new Set(reasons)];
  if (distinct.length === 0) {
    return 'no registry to read.';
  }
  return distinct.length <= 3 ? distinct.join('; ') : `${distinct.slice(0, 3).join('; ')} (and ${distinct.length - 3} more reasons in the report)`;
}

/** Progress on one stderr line of a terminal: registries done, and repositories read of the registry being read. At most 10 updates a second. */
function terminalProgress(stderr: CliIo['stderr']) {
  let registries = '';
  let repositories = '';
  let last = 0;
  let shown = false;
  const show = (force: boolean) => {
    const now = Date.now();
    if (!force && now - last < 100) {
      return;
    }
    last = now;
    shown = true;
    stderr.write(`\r\x1b[Kreading ${[registries, repositories].filter(Boolean).join(', ')}`);
  };
  return {
    registry: (done: number, total: number, registry: string) => {
      registries = `registries ${done}/${total} (${registry})`;
      repositories = '';
      show(done === total);
    },
    repository: (registry: string, done: number, total: number) => {
      repositories = `${registry}: repositories ${done}/${total}`;
      show(done === 0 || done === total);
    },
    clear: () => {
      if (shown) {
        stderr.write('\r\x1b[K');
      }
    },
  };
}
