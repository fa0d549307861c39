/**
 * The plain model the audit reads into: registries, their repositories, and the blobs (layers and
 * configs) each repository references. No AWS SDK type appears here, so the computation and the
 * renderers are tested without any client, and `lib/audit/index.d.ts` needs no SDK to type-check.
 */

/** A part of a registry that could not be read (denied, not supported, throttled past retries). */
export interface Unknown {
  readonly state: 'UNKNOWN';
  /** Why, e.g. `AccessDeniedException: not authorized to perform ecr:GetAccountSetting`. */
  readonly reason: string;
}

/** Either what was read, or why it is not known. */
export type Known<T> = { readonly state: 'KNOWN'; readonly value: T } | Unknown;

/** A repository's encryption at rest: `AES256`, `KMS` (with `kmsKey` absent: the AWS managed key `aws/ecr`), or `KMS_DSSE`. */
export interface Encryption {
  readonly type: string;
  readonly kmsKey?: string;
}

export interface RepositoryModel {
  readonly name: string;
  readonly encryption: Encryption;
  /** Created by a pull-through cache rule: its images cannot mount blobs, so it counts alone. */
  readonly pullThroughCache: boolean;
  /** Images listed by DescribeImages (tags and untagged manifests alike). */
  readonly images: number;
  /** Images in the archive storage class (not pullable, still stored). */
  readonly archivedImages: number;
  /** Digests of the distinct blobs (layers and configs) the repository's manifests reference. */
  readonly blobs: ReadonlySet<string>;
  /** Images whose manifest could not be read, with the reason (the blobs above miss theirs). */
  readonly missingManifests: number;
}

export interface PullThroughCacheRule {
  readonly prefix: string;
  readonly upstream?: string;
}

export interface CreationTemplate {
  readonly prefix: string;
  readonly appliedFor: readonly string[];
  readonly encryption: Encryption;
}

export interface ReplicationDestination {
  readonly region: string;
  readonly registryId: string;
}

/** A recorded owner of an account setting: `<stack id> <logical id>` of a Custom::EcrAccountSetting, or the record's name. */
export interface SettingOwnerModel {
  readonly owner: string;
  /** The value it asks for. */
  readonly value: string;
}

export interface RegistryModel {
  readonly account: string;
  readonly region: string;
  /** The `BLOB_MOUNTING` account setting. */
  readonly blobMounting: Known<'ENABLED' | 'DISABLED'>;
  readonly repositories: Known<readonly RepositoryModel[]>;
  /** Size in bytes of every blob referenced in the registry, by digest (each distinct blob once). */
  readonly blobSizes: ReadonlyMap<string, number>;
  readonly pullThroughCacheRules: Known<readonly PullThroughCacheRule[]>;
  readonly creationTemplates: Known<readonly CreationTemplate[]>;
  readonly replication: Known<readonly ReplicationDestination[]>;
  /** The recorded owners of `BLOB_MOUNTING` (SSM Parameter Store); absent when not read. */
  readonly blobMountingOwners?: Known<readonly SettingOwnerModel[]>;
  /** API calls made to read this registry (for the benchmark and `--verbose`-style diagnostics). */
  readonly apiCalls: number;
}

/** A registry that could not be read at all (for example, the role could not be assumed). */
export interface AuditError {
  readonly account?: string;
  readonly region?: string;
  /** What was being read: `sts:AssumeRole`, `ecr:GetAccountSetting`, `organizations:ListAccounts`... */
  readonly operation: string;
  readonly reason: string;
}

export const known = <T>(value: T): Known<T> => ({ state: 'KNOWN', value });
export const unknown = (reason: string): Unknown => ({ state: 'UNKNOWN', reason });
