/**
 * Where a replication rule copies images to: a region of this account or of another account.
 */
export interface ReplicationDestination {
  /** The destination region, for example `eu-west-1`. */
  readonly region: string;

  /**
   * The 12-digit id of the destination account. Another account must allow this one in its
   * registry policy (see `ReplicationDestinationPolicy`).
   *
   * @default - the registry's own account (cross-region replication)
   */
  readonly account?: string;
}

/**
 * A replication rule of a `SharedLayerRegistry`.
 *
 * Only images pushed after the rule is deployed are replicated, and repository settings are not
 * copied: the destination registry should itself be a `SharedLayerRegistry`, whose default
 * creation template (applied for REPLICATION) gives the repositories replication creates there
 * the destination registry's own encryption.
 */
export interface ReplicationRuleOptions {
  /** Where to replicate to (1-25 destinations). */
  readonly destinations: ReplicationDestination[];

  /**
   * Replicate only repositories whose names start with one of these prefixes (at most 100, each
   * 2-256 characters).
   *
   * @default - every repository of the registry
   */
  readonly repositoryPrefixes?: string[];
}
