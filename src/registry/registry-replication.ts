import { Lazy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { RegistryPolicy } from './registry-policy';
import type { SharedLayerRegistry } from './shared-layer-registry';
import { errorText, fail } from '../private/errors';
import { ReplicationRuleOptions } from '../replication/replication';
import { renderReplicationRule, ReplicationSource, validateReplicationRule } from '../replication/replication-rules';
import { LayerSharingChecks } from '../validation/layer-sharing-checks';

/**
 * The replication configuration (`AWS::ECR::ReplicationConfiguration`) of a `SharedLayerRegistry`:
 * one per registry, rendered from every rule added (`registry.addReplication()`), also rules added
 * after construction.
 *
 * It exists once per registry: a second replication configuration for the same account and region
 * anywhere in the app makes synthesis fail.
 */
export class RegistryReplication extends Construct {
  /** The underlying CloudFormation resource. */
  public readonly resource: ecr.CfnReplicationConfiguration;

  private readonly source: ReplicationSource;
  private readonly rules: ReplicationRuleOptions[] = [];

  constructor(scope: Construct, id: string, props: RegistryReplicationProps) {
    super(scope, id);
    const registry = props.registry;
    registry._checkSameRegistry(this, 'replication configuration');
    this.source = { scope: this, account: Stack.of(registry).account, region: registry.region, path: registry.node.path };
    this.resource = new ecr.CfnReplicationConfiguration(this, 'Resource', {
      replicationConfiguration: {
        rules: Lazy.any({ produce: () => this.rules.map((rule) => renderReplicationRule(this.source, rule)) }),
      },
    });
    this.node.addValidation({
      validate: () => this.rules.length === 0
        ? [errorText('replicationWithoutRules', `${this.node.path}: This replication configuration has no rules: add one with addRule() (or addReplication() on the registry), or remove it.`)]
        : [],
    });
    // One per registry: a second one for the same account and region fails synthesis.
    LayerSharingChecks._claimSingleton(this);
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
    this.rules.push(validateReplicationRule(this.source, this.rules, rule));
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
      fail(this, 'replicationDestinationPolicyWithoutSources', 'sourceAccounts is empty: give the 12-digit ids of the accounts that replicate into this registry.');
    }
    if (props.registry) {
      props.registry._checkSameRegistry(this, 'ReplicationDestinationPolicy');
    }
    this.policy = props.registry ? props.registry._registryPolicy() : new RegistryPolicy(this, 'Policy');
    for (const sourceAccount of props.sourceAccounts) {
      this.policy.allowReplicationFrom({ sourceAccount, repositoryPrefixes: props.repositoryPrefixes });
    }
  }
}

