import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { fail, show } from '../private/errors';
import { checkSameRegistry, partitionOf } from '../private/registry-parts';
import { claimRegistrySingleton } from '../private/registry-singletons';
import { RegistryPolicy } from '../registry/registry-policy';
import type { SharedLayerRegistry } from '../registry/shared-layer-registry';

// Limits, checked 2026 against:
// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html and
//   https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html: 10 rules per
//   configuration, 25 unique destinations across all rules, 100 filters per rule; no cross-partition.
// - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecr-replicationconfiguration-replicationrule.html
//   (Destinations 1-25 per rule) and ...-repositoryfilter.html (PREFIX_MATCH, pattern below);
//   API_RepositoryFilter: 2-256 characters. Registry id: 12 digits.
// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html:
//   cross-account needs the destination's registry policy to allow ecr:ReplicateImage (and
//   ecr:CreateRepository for repositories that do not exist there yet).

const MAX_RULES = 10;
const MAX_UNIQUE_DESTINATIONS = 25;
const MAX_FILTERS_PER_RULE = 100;
const MIN_FILTER_LENGTH = 2;
const MAX_FILTER_LENGTH = 256;
const REPLICATION_FILTER = /^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*\/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$/;
const ACCOUNT_ID = /^[0-9]{12}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}$/;

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

/**
 * The replication configuration (`AWS::ECR::ReplicationConfiguration`) of a `SharedLayerRegistry`:
 * one per registry, rendered from every rule added (`registry.addReplication()`), also rules added
 * after construction.
 *
 * It exists once per registry: a second replication configuration for the same account and region
 * anywhere in the app makes synthesis fail.
 */
export class RegistryReplication extends Construct {
  /**
   * The replication configuration of a registry: the child `Replication` of the registry, created
   * on first use.
   * @internal
   */
  public static _of(registry: SharedLayerRegistry): RegistryReplication {
    const existing = registry.node.tryFindChild('Replication');
    if (existing instanceof RegistryReplication) {
      return existing;
    }
    return new RegistryReplication(registry, 'Replication', { registry });
  }

  /** The underlying CloudFormation resource. */
  public readonly resource: ecr.CfnReplicationConfiguration;

  private readonly registry: SharedLayerRegistry;
  private readonly rules: ReplicationRuleOptions[] = [];

  constructor(scope: Construct, id: string, props: RegistryReplicationProps) {
    super(scope, id);
    this.registry = props.registry;
    checkSameRegistry(this, this.registry, 'replication configuration');
    this.resource = new ecr.CfnReplicationConfiguration(this, 'Resource', {
      replicationConfiguration: {
        rules: Lazy.any({ produce: () => this.rules.map((rule) => this.renderRule(rule)) }),
      },
    });
    this.node.addValidation({
      validate: () => this.rules.length === 0
        ? [`The replication configuration ${this.node.path} has no rules: add one with addRule() (or addReplication() on the registry), or remove it.`]
        : [],
    });
    claimRegistrySingleton(this, 'ECR replication configuration',
      'Keep one replication configuration per account and region: add every rule with registry.addReplication() on the one SharedLayerRegistry of that account and region.');
  }

  /** The rules added so far. */
  public get replicationRules(): ReplicationRuleOptions[] {
    return [...this.rules];
  }

  /**
   * Adds a replication rule. Checked at once: the limits of ECR, the destinations (12-digit
   * accounts, not the registry itself, not in another partition) and the prefixes.
   */
  public addRule(rule: ReplicationRuleOptions): void {
    const index = this.rules.length;
    const label = `Replication rule ${index + 1}`;
    if (index + 1 > MAX_RULES) {
      fail(this, `${label} is one too many: a registry's replication configuration has at most ${MAX_RULES} rules. Merge rules that share destinations (a rule takes up to ${MAX_FILTERS_PER_RULE} prefixes).`);
    }
    this.validateDestinations(label, rule.destinations);
    validatePrefixes(this, label, rule.repositoryPrefixes ?? []);

    const unique = new Set([...this.rules, rule].flatMap((r) => r.destinations.map((d) => this.destinationKey(d))));
    if (unique.size > MAX_UNIQUE_DESTINATIONS) {
      fail(this, `${label} brings the registry to ${unique.size} unique replication destinations, but ECR allows at most ${MAX_UNIQUE_DESTINATIONS} across all rules. Replicate to fewer account/region pairs, or replicate onwards from a destination registry.`);
    }
    this.rules.push({ destinations: [...rule.destinations], repositoryPrefixes: rule.repositoryPrefixes ? [...rule.repositoryPrefixes] : undefined });
  }

  private destinationKey(destination: ReplicationDestination): string {
    return `${destination.account ?? this.registry.registryId}/${destination.region}`;
  }

  private validateDestinations(label: string, destinations: ReplicationDestination[]): void {
    if (destinations.length === 0) {
      fail(this, `${label} has no destinations: give at least one, for example { region: 'eu-west-1' }.`);
    }
    const sourceAccount = this.registry.registryId;
    const sourceRegion = this.registry.region;
    const sourcePartition = partitionOf(sourceRegion);
    const seen = new Set<string>();
    for (const destination of destinations) {
      const { region, account } = destination;
      if (!Token.isUnresolved(region) && !REGION.test(region)) {
        fail(this, `${label} has the destination region ${show(region)}, which is not a region name: expected for example 'eu-west-1'.`);
      }
      if (account !== undefined && !Token.isUnresolved(account) && !ACCOUNT_ID.test(account)) {
        fail(this, `${label} has the destination account ${show(account)}: expected a 12-digit AWS account id, for example '111111111111'.`);
      }
      const destinationAccount = account ?? sourceAccount;
      const known = (v: string) => !Token.isUnresolved(v);
      if (known(region) && known(sourceRegion) && known(destinationAccount) && known(sourceAccount)
        && region === sourceRegion && destinationAccount === sourceAccount) {
        fail(this, `${label} replicates to ${show({ region, account: destinationAccount })}, which is the source registry itself (${this.registry.node.path}). Replicate to another region or account.`);
      }
      const destinationPartition = partitionOf(region);
      if (sourcePartition && destinationPartition && sourcePartition !== destinationPartition) {
        fail(this, `${label} replicates from ${sourceRegion} (partition ${sourcePartition}) to ${region} (partition ${destinationPartition}): ECR does not replicate across partitions. Choose a destination in partition ${sourcePartition}, or push to the other partition separately.`);
      }
      const key = this.destinationKey(destination);
      if (!Token.isUnresolved(key) && seen.has(key)) {
        fail(this, `${label} lists the destination ${show({ region, account: destinationAccount })} twice: list each destination once.`);
      }
      seen.add(key);
    }
  }

  private renderRule(rule: ReplicationRuleOptions): ecr.CfnReplicationConfiguration.ReplicationRuleProperty {
    const prefixes = rule.repositoryPrefixes ?? [];
    return {
      destinations: rule.destinations.map((d) => ({ region: d.region, registryId: d.account ?? Stack.of(this.registry).account })),
      repositoryFilters: prefixes.length === 0 ? undefined : prefixes.map((filter) => ({ filter, filterType: 'PREFIX_MATCH' })),
    };
  }
}

/**
 * Properties of a `RegistryReplication`.
 */
export interface RegistryReplicationProps {
  /** The registry whose images are replicated; the construct must be in its account and region. */
  readonly registry: SharedLayerRegistry;
}

/**
 * Properties of a `ReplicationDestinationPolicy`.
 */
export interface ReplicationDestinationPolicyProps {
  /** The 12-digit ids of the accounts that replicate into this registry. */
  readonly sourceAccounts: string[];

  /**
   * The destination registry, when it is a `SharedLayerRegistry`: the statement goes into its one
   * registry policy. Without it, this construct creates the registry policy of its stack's account
   * and region (which must then have no other registry policy).
   *
   * @default - a registry policy of this construct's own
   */
  readonly registry?: SharedLayerRegistry;

  /**
   * Allow only repositories whose names start with these prefixes.
   *
   * @default - every repository of the destination registry
   */
  readonly repositoryPrefixes?: string[];
}

/**
 * The destination side of cross-account replication, for the destination account's stack: the
 * registry policy statement that allows the source accounts `ecr:ReplicateImage` and
 * `ecr:CreateRepository`.
 *
 * Make the destination registry a `SharedLayerRegistry` too: its default creation template gives
 * the repositories replication creates there its own encryption (its own key), so they stay in the
 * destination's encryption island.
 *
 * @example
 * declare const destinationStack: Stack;
 * declare const destinationRegistry: SharedLayerRegistry;
 * new ReplicationDestinationPolicy(destinationStack, 'FromProd', {
 *   sourceAccounts: ['111111111111'],
 *   registry: destinationRegistry,
 * });
 */
export class ReplicationDestinationPolicy extends Construct {
  /** The registry policy the statement is in. */
  public readonly policy: RegistryPolicy;

  constructor(scope: Construct, id: string, props: ReplicationDestinationPolicyProps) {
    super(scope, id);
    if (props.sourceAccounts.length === 0) {
      fail(this, 'sourceAccounts is empty: give the 12-digit ids of the accounts that replicate into this registry.');
    }
    if (props.registry) {
      checkSameRegistry(this, props.registry, 'ReplicationDestinationPolicy');
    }
    this.policy = props.registry ? RegistryPolicy._of(props.registry) : new RegistryPolicy(this, 'Policy');
    for (const sourceAccount of props.sourceAccounts) {
      this.policy.allowReplicationFrom({ sourceAccount, repositoryPrefixes: props.repositoryPrefixes });
    }
  }
}

function validatePrefixes(scope: Construct, label: string, prefixes: string[]): void {
  if (prefixes.length > MAX_FILTERS_PER_RULE) {
    fail(scope, `${label} has ${prefixes.length} repository prefixes, but a rule takes at most ${MAX_FILTERS_PER_RULE}. Use shorter, shared prefixes, or split the rule.`);
  }
  for (const prefix of prefixes) {
    if (Token.isUnresolved(prefix)) {
      continue;
    }
    if (prefix.length < MIN_FILTER_LENGTH || prefix.length > MAX_FILTER_LENGTH || !REPLICATION_FILTER.test(prefix)) {
      fail(scope, `${label} has the repository prefix ${show(prefix)}: expected ${MIN_FILTER_LENGTH}-${MAX_FILTER_LENGTH} characters of lower-case letters, digits, '.', '_', '-' and '/' (ECR's pattern ${REPLICATION_FILTER.source}), for example 'prod' or 'team/'.`);
    }
  }
}
