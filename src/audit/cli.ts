/**
 * `cdk-ecr-shared-layers audit`: the command line around `audit()`. Parses flags (usage errors name
 * the flag, exit 2), runs the audit with progress on stderr when stderr is a terminal, prints the
 * report (table, --json or --markdown) on stdout, and exits 1 when a --fail-on condition holds.
 */
import { parseArgs } from 'util';
import { audit, AuditOptions, AuditReport, AuditUsageError, DEFAULT_AUDIT_ROLE_NAME, DEFAULT_CONCURRENCY, DEFAULT_PRICE_PER_GB_MONTH } from './index';
import { renderJson, renderMarkdown, renderTable } from './render';

export const EXIT_OK = 0;
/** A `--fail-on` condition holds for at least one registry. */
export const EXIT_FAIL_ON = 1;
/** Bad flags: nothing was read. */
export const EXIT_USAGE = 2;
/** The audit could not read any registry (every account or region failed), or stopped on an unexpected error. */
export const EXIT_NOTHING_READ = 3;

export const FAIL_ON_CONDITIONS = ['islands', 'disabled', 'unknown'] as const;
export type FailOn = typeof FAIL_ON_CONDITIONS[number];

export const USAGE = `Usage: cdk-ecr-shared-layers audit [flags]

Reads Amazon ECR registries (Describe/Get/List calls only) and reports their encryption islands,
the BLOB_MOUNTING setting, and the storage that layer sharing saves.

Where:
  --region REGION[,REGION]    regions to read (repeatable); default: AWS_REGION or the profile's region
  --profile NAME              named profile for credentials; default: the SDK's default credential chain
  --endpoint-url URL          endpoint for ECR, STS and Organizations (emulators, VPC endpoints)
Fleet:
  --accounts ID[,ID]          accounts to read through --role-name (repeatable)
  --organization              every ACTIVE account of the organization (organizations:ListAccounts)
  --role-name NAME            role assumed in each account; default: ${DEFAULT_AUDIT_ROLE_NAME}
  --concurrency N             registries read at once (1-256); default: ${DEFAULT_CONCURRENCY}
Report:
  --price-per-gb-month USD    storage price; default: ${DEFAULT_PRICE_PER_GB_MONTH} (ECR standard storage)
  --top N                     shared blobs listed per registry (0-100); default: 5
  --json                      the report as JSON (schemaVersion 1)
  --markdown                  the report as Markdown (CI summaries)
  --fail-on COND[,COND]       exit 1 when: islands (a registry has more than one island),
                              disabled (BLOB_MOUNTING is not ENABLED, UNKNOWN included),
                              unknown (some part of the report could not be read)
  -h, --help                  this text

Exit codes: 0 report printed; 1 a --fail-on condition holds; 2 usage error; 3 no registry could be read.
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
  readonly options: AuditOptions;
  readonly format: 'table' | 'json' | 'markdown';
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
        'json': { type: 'boolean' },
        'markdown': { type: 'boolean' },
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
  if (positionals[0] !== 'audit' || positionals.length > 1) {
    throw new UsageError(positionals.length === 0
      ? 'missing command: expected `audit`.'
      : `unknown command '${positionals.join(' ')}': expected \`audit\`.`);
  }

  const regions = list(values.region);
  for (const region of regions) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) {
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
  if (values.json && values.markdown) {
    throw new UsageError('--json and --markdown cannot be used together: pick one output.');
  }
  const failOn = list(values['fail-on']);
  for (const condition of failOn) {
    if (!(FAIL_ON_CONDITIONS as readonly string[]).includes(condition)) {
      throw new UsageError(`--fail-on '${condition}' is not a condition; expected ${FAIL_ON_CONDITIONS.join(', ')}.`);
    }
  }
  return {
    help: false,
    format: values.json ? 'json' : values.markdown ? 'markdown' : 'table',
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
    if (failOn.includes('islands') && r.islands.length > 1) {
      out.push(`islands: ${where} has ${r.islands.length} encryption islands`);
    }
    if (failOn.includes('disabled') && r.blobMounting !== 'ENABLED') {
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
  const progress = io.stderr.isTTY
    ? (done: number, total: number, registry: string) => io.stderr.write(`\r\x1b[Kreading registries ${done}/${total} (${registry})`)
    : undefined;
  let report: AuditReport;
  try {
    report = await audit({ ...command.options, onProgress: progress });
  } catch (error) {
    if (progress) {
      io.stderr.write('\r\x1b[K');
    }
    if (error instanceof AuditUsageError) {
      io.stderr.write(`cdk-ecr-shared-layers: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`cdk-ecr-shared-layers: the audit stopped: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    return EXIT_NOTHING_READ;
  }
  if (progress) {
    io.stderr.write('\r\x1b[K');
  }
  const render = command.format === 'json' ? renderJson : command.format === 'markdown' ? renderMarkdown : renderTable;
  io.stdout.write(render(report));
  if (report.registries.length === 0) {
    io.stderr.write('cdk-ecr-shared-layers: no registry could be read (see the errors in the report).\n');
    return EXIT_NOTHING_READ;
  }
  const failed = failures(report, command.failOn);
  if (failed.length > 0) {
    io.stderr.write(failed.map((f) => `cdk-ecr-shared-layers: --fail-on ${f}\n`).join(''));
    return EXIT_FAIL_ON;
  }
  return EXIT_OK;
}
