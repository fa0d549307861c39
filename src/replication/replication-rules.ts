import { Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { IConstruct } from 'constructs';
import { ReplicationDestination, ReplicationRuleOptions } from './replication';
import { ACCOUNT_ID, partitionOf, REGION } from '../private/aws-names';
import { fail, show } from '../private/errors';

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

/** The registry a replication configuration copies from. */
export interface ReplicationSource {
  /** The construct that reports errors. */
  readonly scope: IConstruct;
  /** The registry's account (may be a token). */
  readonly account: string;
  /** The registry's region (may be a token). */
  readonly region: string;
  /** The registry's path, for messages. */
  readonly path: string;
}

/**
 * Checks a rule before it joins the rules already added: the limits of ECR, the destinations
 * (12-digit accounts, not the registry itself, not in another partition) and the prefixes.
 * Returns a copy to keep.
 */
export function validateReplicationRule(
  source: ReplicationSource, existing: readonly ReplicationRuleOptions[], rule: ReplicationRuleOptions,
): ReplicationRuleOptions {
  const scope = source.scope;
  const index = existing.length;
  const label = `Replication rule ${index + 1}`;
  if (index + 1 > MAX_RULES) {
    fail(scope, 'tooManyReplicationRules', `${label} is one too many: a registry's replication configuration has at most ${MAX_RULES} rules. Merge rules that share destinations (a rule takes up to ${MAX_FILTERS_PER_RULE} prefixes).`);
  }
  validateDestinations(source, label, rule.destinations);
  validatePrefixes(scope, label, rule.repositoryPrefixes ?? []);

  const unique = new Set([...existing, rule].flatMap((r) => r.destinations.map((d) => destinationKey(source, d))));
  if (unique.size > MAX_UNIQUE_DESTINATIONS) {
    fail(scope, 'tooManyReplicationDestinations', `${label} brings the registry to ${unique.size} unique replication destinations, but ECR allows at most ${MAX_UNIQUE_DESTINATIONS} across all rules. Replicate to fewer account/region pairs, or replicate onwards from a destination registry.`);
  }
  return { destinations: [...rule.destinations], repositoryPrefixes: rule.repositoryPrefixes ? [...rule.repositoryPrefixes] : undefined };
}

/** The CloudFormation form of a rule. */
export function renderReplicationRule(
  source: ReplicationSource, rule: ReplicationRuleOptions,
): ecr.CfnReplicationConfiguration.ReplicationRuleProperty {
  const prefixes = rule.repositoryPrefixes ?? [];
  return {
    destinations: rule.destinations.map((d) => ({ region: d.region, registryId: d.account ?? source.account })),
    repositoryFilters: prefixes.length === 0 ? undefined : prefixes.map((filter) => ({ filter, filterType: 'PREFIX_MATCH' })),
  };
}

function destinationKey(source: ReplicationSource, destination: ReplicationDestination): string {
  return `${destination.account ?? source.account}/${destination.region}`;
}

function validateDestinations(source: ReplicationSource, label: string, destinations: ReplicationDestination[]): void {
  const scope = source.scope;
  if (destinations.length === 0) {
    fail(scope, 'replicationRuleWithoutDestinations', `${label} has no destinations: give at least one, for example { region: 'eu-west-1' }.`);
  }
  const sourceAccount = source.account;
  const sourceRegion = source.region;
  const sourcePartition = partitionOf(sourceRegion);
  const seen = new Set<string>();
  for (const destination of destinations) {
    const { region, account } = destination;
    if (!Token.isUnresolved(region) && !REGION.test(region)) {
      fail(scope, 'invalidReplicationRegion', `${label} has the destination region ${show(region)}, which is not a region name: expected for example 'eu-west-1'.`);
    }
    if (account !== undefined && !Token.isUnresolved(account) && !ACCOUNT_ID.test(account)) {
      fail(scope, 'invalidReplicationAccount', `${label} has the destination account ${show(account)}: expected a 12-digit AWS account id, for example '111111111111'.`);
    }
    const destinationAccount = account ?? sourceAccount;
    const known = (v: string) => !Token.isUnresolved(v);
    if (known(region) && known(sourceRegion) && known(destinationAccount) && known(sourceAccount)
      && region === sourceRegion && destinationAccount === sourceAccount) {
      fail(scope, 'replicationToItself', `${label} replicates to ${show({ region, account: destinationAccount })}, which is the source registry itself (${source.path}). Replicate to another region or account.`);
    }
    const destinationPartition = partitionOf(region);
    if (sourcePartition && destinationPartition && sourcePartition !== destinationPartition) {
      fail(scope, 'replicationAcrossPartitions', `${label} replicates from ${sourceRegion} (partition ${sourcePartition}) to ${region} (partition ${destinationPartition}): ECR does not replicate across partitions. Choose a destination in partition ${sourcePartition}, or push to the other partition separately.`);
    }
    const key = destinationKey(source, destination);
    if (!Token.isUnresolved(key) && seen.has(key)) {
      fail(scope, 'duplicateReplicationDestination', `${label} lists the destination ${show({ region, account: destinationAccount })} twice: list each destination once.`);
    }
    seen.add(key);
  }
}

function validatePrefixes(scope: IConstruct, label: string, prefixes: string[]): void {
  if (prefixes.length > MAX_FILTERS_PER_RULE) {
    fail(scope, 'tooManyReplicationPrefixes', `${label} has ${prefixes.length} repository prefixes, but a rule takes at most ${MAX_FILTERS_PER_RULE}. Use shorter, shared prefixes, or split the rule.`);
  }
  for (const prefix of prefixes) {
    if (Token.isUnresolved(prefix)) {
      continue;
    }
    if (prefix.length < MIN_FILTER_LENGTH || prefix.length > MAX_FILTER_LENGTH || !REPLICATION_FILTER.test(prefix)) {
      fail(scope, 'invalidReplicationPrefix', `${label} has the repository prefix ${show(prefix)}: expected ${MIN_FILTER_LENGTH}-${MAX_FILTER_LENGTH} characters of lower-case letters, digits, '.', '_', '-' and '/' (ECR's pattern ${REPLICATION_FILTER.source}), for example 'prod' or 'team/'.`);
    }
  }
}
