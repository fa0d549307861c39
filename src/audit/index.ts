/**
 * The audit as a typed function: `const report = await audit({ regions: ['eu-west-1'] })`.
 * Published bundled (with its AWS SDK clients) as `cdk-ecr-shared-layers/lib/audit`.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { AuditReport, computeReport, DEFAULT_PRICE_PER_GB_MONTH } from './compute';
import { limiter, mapLimit } from './limit';
import { AuditError, RegistryModel } from './model';
import { describeFault, readRegistry } from './read';
import { readBlobMountingOwners } from './setting-owners';
import { partitionOfRegionName, REGION } from '../private/region-names';

export * from './compute';
export * from './model';

/** The role the fleet audit assumes in each account unless `roleName` says otherwise (RegistryAuditRole's default name). */
export const DEFAULT_AUDIT_ROLE_NAME = 'cdk-ecr-shared-layers-audit';
/** Registries read at once, and repositories read at once across them. */
export const DEFAULT_CONCURRENCY = 16;

export interface AuditOptions {
  /** Regions to read. @default AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region (as the aws CLI) */
  readonly regions?: readonly string[];
  /** A named profile for the credentials and the default region. @default the SDK's default credential chain */
  readonly profile?: string;
  /** Endpoint for ECR, SSM, STS and Organizations (emulators, VPC endpoints). @default the service's own */
  readonly endpointUrl?: string;
  /** Accounts to read through `roleName` (fleet mode). @default the caller's account only */
  readonly accounts?: readonly string[];
  /** Every ACTIVE account of the caller's organization (fleet mode). @default false */
  readonly organization?: boolean;
  /** @default DEFAULT_AUDIT_ROLE_NAME */
  readonly roleName?: string;
  /**
   * Registries (account x region) read at once, and repositories read at once across those
   * registries (one pool: a single registry reads this many repositories at once).
   * @default DEFAULT_CONCURRENCY
   */
  readonly concurrency?: number;
  /** Repositories read at once across registries, when it should differ from `concurrency`. @default concurrency */
  readonly repositoryConcurrency?: number;
  /** @default 0.10 (ECR standard storage) */
  readonly pricePerGbMonth?: number;
  /** Shared blobs listed per registry. @default 5 */
  readonly top?: number;
  /** Called after each registry. */
  readonly onProgress?: (done: number, total: number, registry: string) => void;
  /** Called while a registry is read: repositories read of its total (`registry` is `account/region`, `caller/region` for the caller's). */
  readonly onRepositoryProgress?: (registry: string, done: number, total: number) => void;
}

/** Thrown for options that cannot work (the CLI prints it as a usage error). */
export class AuditUsageError extends Error {
  constructor(readonly flag: string, message: string) {
    super(message);
    this.name = 'AuditUsageError';
  }
}

const ROLE_SESSION_NAME = 'cdk-ecr-shared-layers-audit';

const partitionOf = partitionOfRegionName;

/** Whether a string is a region name, by the rule the construct library uses too (src/private/region-names.ts). */
export function isRegionName(region: string): boolean {
  return REGION.test(region);
}

/** STS and Organizations have one endpoint per partition; us-east-1 signs for the commercial one. */
function globalRegion(regions: readonly string[]): string {
  const first = regions[0];
  return partitionOf(first) === 'aws' ? 'us-east-1' : first;
}

/** Credentials of an assumed role, assumed again five minutes before they expire. */
function assumedRole(sts: STSClient, roleArn: string): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  let expiresAt = 0;
  return () => {
    if (!current || Date.now() > expiresAt - 5 * 60_000) {
      expiresAt = Number.MAX_SAFE_INTEGER;
      current = sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: ROLE_SESSION_NAME })).then((response) => {
        const c = response.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) {
          throw new Error(`AssumeRole ${roleArn} returned no credentials`);
        }
        expiresAt = c.Expiration ? c.Expiration.getTime() : Date.now() + 15 * 60_000;
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
      });
      current.catch(() => { current = undefined; });
    }
    return current;
  };
}

/** The region when none is given, as the aws CLI finds it: AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`. */
async function defaultRegion(options: AuditOptions): Promise<string> {
  const fromEnvironment = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (fromEnvironment) {
    return checkRegion(fromEnvironment, process.env.AWS_REGION ? 'AWS_REGION' : 'AWS_DEFAULT_REGION');
  }
  const probe = new ECRClient({ profile: options.profile });
  let region: string;
  try {
    region = await probe.config.region();
  } catch {
    throw new AuditUsageError('--region', 'No region: pass --region (e.g. --region eu-west-1), or set AWS_REGION or AWS_DEFAULT_REGION, or a region in the profile.');
  } finally {
    probe.destroy();
  }
  return checkRegion(region, `the region of profile ${options.profile ?? process.env.AWS_PROFILE ?? 'default'}`);
}

function checkRegion(region: string, source: string): string {
  if (!isRegionName(region)) {
    throw new AuditUsageError('--region', `${source} '${region}' is not a region name; expected like eu-west-1.`);
  }
  return region;
}

/** Settings every client of the audit shares: the SDK's adaptive retry (throttling backs off), the endpoint, the profile. */
export function clientSettings(options: Pick<AuditOptions, 'endpointUrl' | 'profile'>) {
  return { endpoint: options.endpointUrl, retryMode: 'adaptive' as const, profile: options.profile };
}

interface Target {
  readonly account?: string;
  readonly region: string;
  readonly credentials?: AwsCredentialIdentityProvider;
}

/** Reads every registry the options name and computes the report. Faults become UNKNOWN parts or `errors`. */
export async function audit(options: AuditOptions = {}): Promise<AuditReport> {
  const regions = options.regions && options.regions.length > 0 ? options.regions.map((r) => checkRegion(r, '--region')) : [await defaultRegion(options)];
  const base = options.profile ? fromIni({ profile: options.profile }) : undefined;
  const common = clientSettings(options);
  const errors: AuditError[] = [];
  const global = globalRegion(regions);

  let accounts = options.accounts ? [...options.accounts] : undefined;
  if (options.organization) {
    const organizations = new OrganizationsClient({ ...common, region: global, credentials: base });
    try {
      accounts = [];
      for await (const page of paginateListAccounts({ client: organizations }, {})) {
        for (const account of page.Accounts ?? []) {
          const state = (account as { State?: string }).State ?? account.Status;
          if (account.Id && state === 'ACTIVE') {
            accounts.push(account.Id);
          }
        }
      }
    } catch (error) {
      errors.push({ operation: 'organizations:ListAccounts', reason: describeFault(error) });
    } finally {
      organizations.destroy();
    }
  }

  const targets: Target[] = [];
  const sts = accounts ? new STSClient({ ...common, region: global, credentials: base }) : undefined;
  if (accounts && sts) {
    const roleName = options.roleName ?? DEFAULT_AUDIT_ROLE_NAME;
    for (const account of [...new Set(accounts)]) {
      const credentials = assumedRole(sts, `arn:${partitionOf(regions[0])}:iam::${account}:role/${roleName}`);
      regions.forEach((region) => targets.push({ account, region, credentials }));
    }
  } else {
    regions.forEach((region) => targets.push({ region, credentials: base }));
  }

  let done = 0;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  // One pool for the repositories of every registry: --concurrency bounds them within a registry and across a fleet.
  const repositoryLimit = limiter(options.repositoryConcurrency ?? concurrency);
  const models = await mapLimit(targets, concurrency, async (target): Promise<RegistryModel | undefined> => {
    const label = `${target.account ?? 'caller'}/${target.region}`;
    try {
      if (target.account && target.credentials) {
        try {
          await target.credentials();
        } catch (error) {
          errors.push({ account: target.account, region: target.region, operation: 'sts:AssumeRole', reason: describeFault(error) });
          return undefined;
        }
      }
      const client = new ECRClient({ ...common, region: target.region, credentials: target.credentials });
      const ssm = new SSMClient({ ...common, region: target.region, credentials: target.credentials });
      try {
        const onRepository = options.onRepositoryProgress;
        const model = await readRegistry({
          client,
          region: target.region,
          account: target.account,
          limit: repositoryLimit,
          onRepository: onRepository ? (read, total) => onRepository(label, read, total) : undefined,
        });
        return { ...model, blobMountingOwners: await readBlobMountingOwners(ssm) };
      } finally {
        client.destroy();
        ssm.destroy();
      }
    } finally {
      done++;
      options.onProgress?.(done, targets.length, label);
    }
  });
  sts?.destroy();

  return computeReport(models.filter((m): m is RegistryModel => m !== undefined), errors, {
    pricePerGbMonth: options.pricePerGbMonth ?? DEFAULT_PRICE_PER_GB_MONTH,
    top: options.top,
  });
}
