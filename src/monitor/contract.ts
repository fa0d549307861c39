/**
 * What the monitor's construct and its inline function agree on: the metric namespace, names and
 * dimension, the environment variables the construct sets, and the input of the island check rule.
 * Imported by both sides (the function's bundle carries a copy of these strings).
 */

/** The CloudWatch namespace of every metric the monitor publishes. */
export const METRIC_NAMESPACE = 'EcrSharedLayers';

/** The one dimension of every metric: the registry id (the account id; metrics are regional). */
export const REGISTRY_DIMENSION = 'RegistryId';

/**
 * The metrics, by name. Counts are `Count`, sizes `Bytes`. Each is a custom metric billed by
 * CloudWatch: further figures (repositories listed, images not read, API calls) are properties of
 * the same log lines, for CloudWatch Logs Insights, not metrics.
 */
export const METRICS = {
  /** Repositories whose encryption is not the registry's own (type and key). Every run. */
  repositoriesOutsideIsland: 'RepositoriesOutsideIsland',
  /** Groups of repositories with identical encryption (the audit's islands). Every run. */
  islands: 'Islands',
  /** 1 when the island check listed every repository, 0 when it could not (the two above are then absent). */
  islandCheckComplete: 'IslandCheckComplete',
  /** Bytes the registry would store if no layer were shared (each repository's distinct blobs). */
  bytesWithoutSharing: 'BytesWithoutSharing',
  /** Bytes stored with sharing inside each island. */
  bytesWithSharing: 'BytesWithSharing',
  /** `BytesWithoutSharing - BytesWithSharing`. */
  bytesSavedBySharing: 'BytesSavedBySharing',
  /** 1 when the BLOB_MOUNTING account setting is ENABLED, 0 when DISABLED; absent when it cannot be read. */
  blobMountingEnabled: 'BlobMountingEnabled',
  /** 1 when the byte totals were computed from every image, 0 when they are absent (see the log line). */
  figuresComplete: 'FiguresComplete',
} as const;

/** Environment variables of the function. */
export const ENV = {
  /** The registry id (account) for the metric dimension. */
  registryId: 'REGISTRY_ID',
  /** The registry's own encryption type: AES256, KMS or KMS_DSSE. */
  encryptionType: 'ISLAND_ENCRYPTION_TYPE',
  /** The registry's own KMS key ARN; empty for AES256 and for the AWS managed key aws/ecr. */
  kmsKey: 'ISLAND_KMS_KEY',
  /** Repositories read at once by the figures run. */
  repositoryConcurrency: 'REPOSITORY_CONCURRENCY',
} as const;

/**
 * The input of the frequent rule: list the repositories only. Any other event, such as the
 * EventBridge `Scheduled Event` of the figures rule, runs the island check AND the figures.
 */
export const ISLAND_CHECK_INPUT = { check: 'island' } as const;
