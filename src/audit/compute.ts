/**
 * The audit's arithmetic: from the plain model to the report (the JSON schema, version 2).
 * Pure: no I/O, no clock, no randomness. Every blob (layer or config) counts once per digest,
 * with the size its manifest gives.
 */
import { AuditError, Encryption, Known, RegistryModel, RepositoryModel, SettingOwnerModel } from './model';

/** ECR standard storage, USD per GB-month (first 150 TB, most regions). */
export const DEFAULT_PRICE_PER_GB_MONTH = 0.10;
/** ECR bills storage in GB of 2^30 bytes. */
export const BYTES_PER_GB = 1024 ** 3;

export interface Saving {
  /** Bytes not stored thanks to sharing (`withoutSharing - withSharing`, or `- oneIsland`). */
  readonly bytes: number;
  /** Of `withoutSharing`, one decimal. */
  readonly percent: number;
  /** Money per month at `pricePerGbMonth`, unrounded (renderers round for people). */
  readonly perMonth: number;
}

/** What a change saves: bytes (negative: it costs) and money per month, unrounded. */
export interface Marginal {
  readonly bytes: number;
  readonly perMonth: number;
}

export interface IslandReport {
  readonly encryption: Encryption;
  readonly repositories: string[];
  /** Distinct blobs the island references. */
  readonly bytes: number;
}

export interface OutlierReport {
  readonly repository: string;
  readonly encryption: Encryption;
  /**
   * What the registry's `withSharing` bytes would drop by if this repository alone joined the
   * largest island (computed exactly: the bytes only it holds in its own island, minus the bytes
   * of it the largest island does not hold yet). Outliers are sorted by it, largest first.
   */
  readonly savingIfJoined: Marginal;
  readonly fix: string;
}

export interface SharedBlobReport {
  readonly digest: string;
  readonly size: number;
  /** Every repository that references the blob. */
  readonly repositories: string[];
  /** Bytes that sharing within islands saves on this blob: size x (holders in an island - 1), summed over islands. */
  readonly savedBytes: number;
}

export interface UnknownPart {
  readonly part: 'blobMounting' | 'repositories' | 'pullThroughCacheRules' | 'creationTemplates' | 'replication';
  readonly reason: string;
}

export interface RegistryReport {
  readonly account: string;
  readonly region: string;
  readonly blobMounting: 'ENABLED' | 'DISABLED' | 'UNKNOWN';
  /** Who relies on `BLOB_MOUNTING`: its recorded owners (stack ids), before anyone removes it; absent when not read. */
  readonly blobMountingOwners?: Known<readonly SettingOwnerModel[]>;
  /** Islands of repositories that can mount blobs from each other (same encryption type and key), largest first. */
  readonly islands: IslandReport[];
  /** Repositories outside the largest island, each with how to bring it in. */
  readonly outliers: OutlierReport[];
  /** Repositories of pull-through cache rules: they never mount, each counts alone. */
  readonly pullThroughCacheRepositories: string[];
  /** The counts below are `null` when the repositories could not be read (then `islands`, `outliers` and `topSharedBlobs` are empty). */
  readonly repositories: number | null;
  readonly images: number | null;
  readonly archivedImages: number | null;
  /** Images whose manifest could not be read (their blobs are not counted). */
  readonly missingManifests: number | null;
  readonly distinctBlobs: number | null;
  /** `null` when the repositories could not be read. */
  readonly bytes: { readonly withoutSharing: number; readonly withSharing: number; readonly oneIsland: number } | null;
  readonly savings: { readonly withSharing: Saving; readonly oneIsland: Saving } | null;
  readonly topSharedBlobs: SharedBlobReport[];
  /** Things the islands depend on: replication without a creation template, templates outside the island. */
  readonly advisories: string[];
  /** Parts of the registry that could not be read, with the reason. */
  readonly unknown: UnknownPart[];
  /**
   * When no part of the registry could be read: why, said once (the distinct reasons of its parts,
   * joined with `; `). `null` when something was read.
   */
  readonly unreadable: string | null;
  /** HTTP requests sent to read the registry, the SDK's retries included. */
  readonly apiCalls: number;
}

export interface AuditReport {
  readonly schemaVersion: 2;
  readonly pricePerGbMonth: number;
  readonly registries: RegistryReport[];
  readonly totals: {
    readonly registries: number;
    readonly bytes: { readonly withoutSharing: number; readonly withSharing: number; readonly oneIsland: number };
    readonly savings: { readonly withSharing: Saving; readonly oneIsland: Saving };
  };
  /** Registries or accounts that could not be read at all. */
  readonly errors: AuditError[];
}

export interface ComputeOptions {
  /** @default DEFAULT_PRICE_PER_GB_MONTH */
  readonly pricePerGbMonth?: number;
  /** How many shared blobs to list per registry. @default 5 */
  readonly top?: number;
}

/** The JSON schema version of the report (docs/audit.md): 2 since money is unrounded, counts of unread repositories null, and requests include retries. */
export const SCHEMA_VERSION = 2;

/** The parts of a registry the audit reads, each KNOWN or UNKNOWN. */
export const REGISTRY_PARTS = ['blobMounting', 'repositories', 'pullThroughCacheRules', 'creationTemplates', 'replication'] as const;

export function encryptionKey(encryption: Encryption): string {
  return `${encryption.type}|${encryption.kmsKey ?? ''}`;
}

export function describeEncryption(encryption: Encryption): string {
  if (encryption.type === 'AES256') {
    return 'AES256';
  }
  return `${encryption.type} ${encryption.kmsKey ?? '(aws/ecr)'}`;
}

/** Bytes of the union of the given repositories' blobs. */
function distinctBytes(repositories: readonly RepositoryModel[], sizes: ReadonlyMap<string, number>): number {
  const seen = new Set<string>();
  let bytes = 0;
  for (const repo of repositories) {
    for (const digest of repo.blobs) {
      if (!seen.has(digest)) {
        seen.add(digest);
        bytes += sizes.get(digest) ?? 0;
      }
    }
  }
  return bytes;
}

function saving(withoutSharing: number, shared: number, price: number): Saving {
  const bytes = withoutSharing - shared;
  return {
    bytes,
    percent: withoutSharing === 0 ? 0 : Math.round((bytes / withoutSharing) * 1000) / 10,
    perMonth: (bytes / BYTES_PER_GB) * price,
  };
}

/** How many repositories of each island hold each blob. */
function holdersByIsland(members: readonly RepositoryModel[]): Map<string, number> {
  const count = new Map<string, number>();
  for (const repo of members) {
    for (const digest of repo.blobs) {
      count.set(digest, (count.get(digest) ?? 0) + 1);
    }
  }
  return count;
}

/**
 * The bytes the registry's `withSharing` drops by when `repository` moves from `ownIsland` (the
 * holder counts of its island, itself included) to the island whose holder counts are `target`:
 * the blobs only it holds in its own island leave that island, the blobs the target does not hold
 * yet join the target.
 */
export function savingIfJoined(repository: RepositoryModel, ownIsland: ReadonlyMap<string, number>,
  target: ReadonlyMap<string, number>, sizes: ReadonlyMap<string, number>): number {
  let freed = 0;
  let added = 0;
  for (const digest of repository.blobs) {
    const size = sizes.get(digest) ?? 0;
    if ((ownIsland.get(digest) ?? 0) <= 1) {
      freed += size;
    }
    if (!target.has(digest)) {
      added += size;
    }
  }
  return freed - added;
}

function compareIslands(a: IslandReport, b: IslandReport): number {
  return b.repositories.length - a.repositories.length || b.bytes - a.bytes || encryptionKey(a.encryption).localeCompare(encryptionKey(b.encryption));
}

export function computeRegistry(model: RegistryModel, options: ComputeOptions = {}): RegistryReport {
  const price = options.pricePerGbMonth ?? DEFAULT_PRICE_PER_GB_MONTH;
  const top = options.top ?? 5;
  const unknownParts: UnknownPart[] = [];
  for (const part of REGISTRY_PARTS) {
    const value = model[part];
    if (value.state === 'UNKNOWN') {
      unknownParts.push({ part, reason: value.reason });
    }
  }
  const blobMounting = model.blobMounting.state === 'KNOWN' ? model.blobMounting.value : 'UNKNOWN';
  const repositories = model.repositories.state === 'KNOWN' ? [...model.repositories.value] : [];
  repositories.sort((a, b) => a.name.localeCompare(b.name));
  const sizes = model.blobSizes;

  const mountable = repositories.filter((r) => !r.pullThroughCache);
  const cached = repositories.filter((r) => r.pullThroughCache);
  const groups = new Map<string, RepositoryModel[]>();
  for (const repo of mountable) {
    const key = encryptionKey(repo.encryption);
    groups.set(key, [...(groups.get(key) ?? []), repo]);
  }
  const grouped = [...groups.values()].map((members) => ({
    members,
    holders: holdersByIsland(members),
    report: { encryption: members[0].encryption, repositories: members.map((r) => r.name), bytes: distinctBytes(members, sizes) } as IslandReport,
  })).sort((a, b) => compareIslands(a.report, b.report));
  const islands = grouped.map((g) => g.report);

  const outliers: OutlierReport[] = [];
  if (grouped.length > 1) {
    const largest = grouped[0];
    const main = describeEncryption(largest.report.encryption);
    for (const island of grouped.slice(1)) {
      for (const repo of island.members) {
        const bytes = savingIfJoined(repo, island.holders, largest.holders, sizes);
        outliers.push({
          repository: repo.name,
          encryption: island.report.encryption,
          savingIfJoined: { bytes, perMonth: (bytes / BYTES_PER_GB) * price },
          fix: `${repo.name} (${describeEncryption(island.report.encryption)}) cannot mount blobs from the largest island (${main}). `
            + `Encryption is set at creation only: create a repository with ${main} (SharedLayerRegistry.addRepository or SharedRepository), `
            + 'push its images there, then retire this one.',
        });
      }
    }
    outliers.sort((a, b) => b.savingIfJoined.bytes - a.savingIfJoined.bytes || a.repository.localeCompare(b.repository));
  }

  const withoutSharing = repositories.reduce((sum, repo) => sum + distinctBytes([repo], sizes), 0);
  const cachedBytes = cached.reduce((sum, repo) => sum + distinctBytes([repo], sizes), 0);
  const withSharing = islands.reduce((sum, island) => sum + island.bytes, 0) + cachedBytes;
  const oneIsland = distinctBytes(mountable, sizes) + cachedBytes;

  const holders = new Map<string, string[]>();
  for (const repo of repositories) {
    for (const digest of repo.blobs) {
      const names = holders.get(digest);
      if (names) {
        names.push(repo.name);
      } else {
        holders.set(digest, [repo.name]);
      }
    }
  }
  // What sharing saves on a blob: within each island, every holder after the first stores nothing.
  const saved = new Map<string, number>();
  for (const island of grouped) {
    for (const [digest, count] of island.holders) {
      if (count > 1) {
        saved.set(digest, (saved.get(digest) ?? 0) + (sizes.get(digest) ?? 0) * (count - 1));
      }
    }
  }
  const topSharedBlobs = [...saved.entries()]
    .map(([digest, savedBytes]) => ({ digest, size: sizes.get(digest) ?? 0, repositories: holders.get(digest) ?? [], savedBytes }))
    .sort((a, b) => b.savedBytes - a.savedBytes || a.digest.localeCompare(b.digest))
    .slice(0, top);

  const advisories: string[] = [];
  const mainEncryption = islands[0]?.encryption;
  if (model.creationTemplates.state === 'KNOWN' && mainEncryption) {
    for (const template of model.creationTemplates.value) {
      if (encryptionKey(template.encryption) !== encryptionKey(mainEncryption)) {
        advisories.push(`Creation template '${template.prefix}' (${template.appliedFor.join(', ')}) creates repositories with ${describeEncryption(template.encryption)}, outside the largest island (${describeEncryption(mainEncryption)}).`);
      }
    }
  }
  if (model.replication.state === 'KNOWN' && model.replication.value.length > 0 && model.creationTemplates.state === 'KNOWN'
    && !model.creationTemplates.value.some((t) => t.appliedFor.includes('REPLICATION'))) {
    const destinations = model.replication.value.map((d) => `${d.registryId}/${d.region}`).join(', ');
    advisories.push(`Replication to ${destinations} has no REPLICATION creation template here: replicated repositories are created with AES256 at the destination unless its own template says otherwise.`);
  }

  const known = model.repositories.state === 'KNOWN';
  const count = (value: number) => (known ? value : null);
  return {
    account: model.account,
    region: model.region,
    blobMounting,
    blobMountingOwners: model.blobMountingOwners,
    islands,
    outliers,
    pullThroughCacheRepositories: cached.map((r) => r.name),
    repositories: count(repositories.length),
    images: count(repositories.reduce((sum, r) => sum + r.images, 0)),
    archivedImages: count(repositories.reduce((sum, r) => sum + r.archivedImages, 0)),
    missingManifests: count(repositories.reduce((sum, r) => sum + r.missingManifests, 0)),
    distinctBlobs: count(holders.size),
    bytes: known ? { withoutSharing, withSharing, oneIsland } : null,
    savings: known ? { withSharing: saving(withoutSharing, withSharing, price), oneIsland: saving(withoutSharing, oneIsland, price) } : null,
    topSharedBlobs,
    advisories,
    unknown: unknownParts,
    unreadable: unknownParts.length === REGISTRY_PARTS.length ? [...new Set(unknownParts.map((u) => u.reason))].join('; ') : null,
    apiCalls: model.apiCalls,
  };
}

/**
 * The registries asked for of which nothing could be read (the CLI's exit 3): those whose every part
 * is unknown, and those whose account was not reached (an error of the report). A report with one of
 * them is not the report that was asked for, so it never passes as one.
 */
export function unreadRegistries(report: AuditReport): string[] {
  return [
    ...report.registries.filter((r) => r.unreadable !== null).map((r) => `${r.account} ${r.region}`),
    ...report.errors.map((e) => [e.account, e.region].filter((part) => part !== undefined).join(' ') || e.operation),
  ];
}

/** Whether nothing could be read of some registry asked for, or no registry was there to read. */
export function nothingRead(report: AuditReport): boolean {
  return report.registries.length === 0 || unreadRegistries(report).length > 0;
}

function compareRegistries(a: { account: string; region: string }, b: { account: string; region: string }): number {
  return a.account.localeCompare(b.account) || a.region.localeCompare(b.region);
}

/** The whole report: every registry, totals over the registries whose repositories were read, and the errors. */
export function computeReport(models: readonly RegistryModel[], errors: readonly AuditError[], options: ComputeOptions = {}): AuditReport {
  const price = options.pricePerGbMonth ?? DEFAULT_PRICE_PER_GB_MONTH;
  const registries = models.map((m) => computeRegistry(m, options)).sort(compareRegistries);
  const bytes = { withoutSharing: 0, withSharing: 0, oneIsland: 0 };
  for (const registry of registries) {
    if (registry.bytes) {
      bytes.withoutSharing += registry.bytes.withoutSharing;
      bytes.withSharing += registry.bytes.withSharing;
      bytes.oneIsland += registry.bytes.oneIsland;
    }
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    pricePerGbMonth: price,
    registries,
    totals: {
      registries: registries.length,
      bytes,
      savings: {
        withSharing: saving(bytes.withoutSharing, bytes.withSharing, price),
        oneIsland: saving(bytes.withoutSharing, bytes.oneIsland, price),
      },
    },
    errors: [...errors].sort((a, b) => compareRegistries({ account: a.account ?? '', region: a.region ?? '' }, { account: b.account ?? '', region: b.region ?? '' })),
  };
}
