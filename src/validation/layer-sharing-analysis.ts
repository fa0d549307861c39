import { Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { IConstruct } from 'constructs';
import { AppInventory, EncryptedMember, RegistryGroup, TemplateMember } from './app-inventory';
import { Comparison, EncryptionIdentity, compareEncryption, displayPath, subject } from './encryption-identity';
import { Finding } from './rule';
import { warn } from '../private/annotations';

/** Warning ids, without the namespace (acknowledge `cdk-ecr-shared-layers:<id>`). */
export const WarningIds = {
  ENCRYPTION_NOT_PROVABLE: 'encryptionNotProvable',
  ENV_AGNOSTIC_STACK: 'envAgnosticStack',
  REPLICATION_DESTINATION_OUTSIDE_APP: 'replicationDestinationOutsideApp',
  REPLICATION_ENCRYPTION_NOT_PROVABLE: 'replicationEncryptionNotProvable',
  PULL_THROUGH_CACHE_NOT_MOUNTED: 'pullThroughCacheNotMounted',
} as const;

/** Error ids, without the namespace. */
export const ErrorIds = {
  ENCRYPTION_MISMATCH: 'encryptionMismatch',
  REPLICATION_LEAVES_ISLAND: 'replicationLeavesIsland',
} as const;

/** How many construct paths an island lists before it says "and N more". */
const MAX_PATHS = 5;
const CREATE_ONLY = 'Encryption is create-only: changing it replaces the repository (which fails for a named repository while it holds images), so decide before the first deployment.';

interface Island {
  readonly encryption: EncryptionIdentity;
  readonly members: EncryptedMember[];
}

/**
 * Runs every check on the inventory. Adds the warnings to the constructs they are about and returns
 * the errors.
 */
export function analyse(inventory: AppInventory): Finding[] {
  const errors: Finding[] = [];
  /** Creation templates already named by an island error (not reported again for replication). */
  const reportedTemplates = new Set<IConstruct>();
  const references = new Map<RegistryGroup, EncryptionIdentity | undefined>();
  for (const group of inventory.groups.values()) {
    references.set(group, referenceEncryption(group));
  }
  for (const group of inventory.groups.values()) {
    if (!group.key.concrete && (group.repositories.length > 0 || group.templates.length > 0)) {
      warn(group.stack, WarningIds.ENV_AGNOSTIC_STACK,
        `The stack ${group.stack.node.path} has no concrete account and region, so the layer-sharing checks cannot place its ECR repositories in a registry: they are compared with each other only, not with the repositories of other stacks. Give the stack an env { account, region } to have it checked with the rest of its registry.`);
    }
    if (group.blobMounting.length > 0 || group.registries.length > 0) {
      checkIslands(group, references.get(group), errors, reportedTemplates);
      for (const rule of group.pullThroughCacheRules) {
        warn(subject(rule), WarningIds.PULL_THROUGH_CACHE_NOT_MOUNTED,
          `Images pulled through the cache rule ${displayPath(rule)} (repository prefix ${describe(rule.ecrRepositoryPrefix)}) cannot be mounted: Amazon ECR does not support blob mounting for images created through pull through cache, so their layers are stored separately from the rest of ${group.key.label}. Acknowledge this warning if that is expected.`);
      }
    }
  }
  for (const group of inventory.groups.values()) {
    for (const replication of group.replications) {
      checkReplication(replication, group, inventory, references, errors, reportedTemplates);
    }
  }
  return errors;
}

/** The registry's encryption: its SharedLayerRegistry's, else the most common known one. */
export function referenceEncryption(group: RegistryGroup): EncryptionIdentity | undefined {
  if (group.registries.length > 0) {
    return group.registries[0].encryption;
  }
  const counts = new Map<string, { encryption: EncryptionIdentity; count: number }>();
  let best: { encryption: EncryptionIdentity; count: number } | undefined;
  for (const member of group.repositories) {
    if (!member.encryption.known) {
      continue;
    }
    let entry = counts.get(member.encryption.id);
    if (!entry) {
      entry = { encryption: member.encryption, count: 0 };
      counts.set(member.encryption.id, entry);
    }
    entry.count++;
    if (!best || entry.count > best.count) {
      best = entry;
    }
  }
  return best?.encryption;
}

function checkIslands(group: RegistryGroup, reference: EncryptionIdentity | undefined, errors: Finding[], reportedTemplates: Set<IConstruct>): void {
  const islands = new Map<string, Island>();
  /** Members whose encryption type is not known either: they cannot be placed in an island. */
  const unknown: EncryptedMember[] = [];
  if (group.registries.length > 0) {
    islands.set(group.registries[0].encryption.id, { encryption: group.registries[0].encryption, members: [] });
  }
  for (const members of [group.repositories, group.templates]) {
    for (const member of members) {
      if (member.encryption.type === '?') {
        unknown.push(member);
        continue;
      }
      let island = islands.get(member.encryption.id);
      if (!island) {
        island = { encryption: member.encryption, members: [] };
        islands.set(member.encryption.id, island);
      }
      island.members.push(member);
    }
  }

  // Few islands (one per distinct encryption), so comparing islands pairwise is cheap.
  const list = [...islands.values()];
  let provablyDifferent = false;
  for (let i = 0; i < list.length && !provablyDifferent; i++) {
    for (let j = i + 1; j < list.length; j++) {
      if (compareEncryption(list[i].encryption, list[j].encryption) === Comparison.DIFFERENT) {
        provablyDifferent = true;
        break;
      }
    }
  }
  if (provablyDifferent && reference) {
    errors.push(islandError(group, reference, list));
    for (const island of list) {
      for (const member of island.members) {
        if (member.what === 'creation template') {
          reportedTemplates.add(member.construct);
        }
      }
    }
  }
  if (!reference) {
    return;
  }
  const referenceText = referenceLabel(group, reference);
  for (const island of list) {
    if (compareEncryption(island.encryption, reference) !== Comparison.UNPROVABLE) {
      continue;
    }
    if (!island.encryption.known) {
      unknown.push(...island.members);
      continue;
    }
    for (const member of island.members) {
      warn(subject(member.construct), WarningIds.ENCRYPTION_NOT_PROVABLE,
        `The ${member.what} ${displayPath(member.construct)} uses ${island.encryption.label}, which cannot be proven identical to ${referenceText} at synthesis (a literal key ARN may or may not be the ARN of that key). If it differs, the ${member.what} does not share layers with the rest of ${group.key.label}. Confirm that both name the same key, then acknowledge this warning.`);
    }
  }
  for (const member of unknown) {
    warn(subject(member.construct), WarningIds.ENCRYPTION_NOT_PROVABLE,
      `The encryption of the ${member.what} ${displayPath(member.construct)} cannot be compared at synthesis: ${member.encryption.reason}. It shares layers with the rest of ${group.key.label} only if it uses ${referenceText}. Give the key as a kms.IKey of the app (or its literal key ARN), or confirm it and acknowledge this warning.`);
  }
}

function islandError(group: RegistryGroup, reference: EncryptionIdentity, islands: Island[]): Finding {
  const registry = group.registries[0];
  const lines: string[] = [];
  const involved: IConstruct[] = [];
  const rank = (island: Island) => (island.encryption.id === reference.id ? Number.MAX_SAFE_INTEGER : island.members.length);
  const ordered = [...islands].sort((a, b) => rank(b) - rank(a));
  for (const island of ordered) {
    const mark = island.encryption.id === reference.id
      ? (registry ? ` [the registry's encryption: ${registry.construct.node.path}]` : ' [the majority, taken as the registry\'s]')
      : '';
    const paths = island.members.slice(0, MAX_PATHS).map((m) => `${displayPath(m.construct)}${m.what === 'creation template' ? ' (creation template)' : ''}`);
    const more = island.members.length > MAX_PATHS ? ` and ${island.members.length - MAX_PATHS} more` : '';
    const count = island.members.length === 1 ? '1 resource' : `${island.members.length} resources`;
    lines.push(`  - ${island.encryption.label}${mark}, ${count}${island.members.length > 0 ? `: ${paths.join(', ')}${more}` : ''}`);
    involved.push(...island.members.map((m) => m.construct));
  }
  if (registry) {
    involved.push(registry.construct);
  }
  const sharing = group.blobMounting.length > 0
    ? `Blob mounting is on for ${group.key.label} (${group.blobMounting.map((c) => displayPath(c)).join(', ')})`
    : `${group.key.label} has a SharedLayerRegistry (${group.registries.map((r) => displayPath(r.construct)).join(', ')}) whose repositories are meant to share layers (blobMounting: false leaves the setting to another stack)`;
  return {
    id: ErrorIds.ENCRYPTION_MISMATCH,
    message: `${sharing}, but its repositories and creation templates use ${islands.length} different encryption configurations. `
      + 'Amazon ECR shares layers only between repositories with the identical encryption type and key, so these islands never share layers:\n'
      + `${lines.join('\n')}\n`
      + `Fix: create each repository with registry.addRepository() or new SharedRepository() so it gets the registry's encryption, or change the encryption of the others (and of creation templates) to ${reference.label}. ${CREATE_ONLY}`,
    involved,
  };
}

interface Destination {
  readonly region: unknown;
  readonly registryId: unknown;
}

interface RenderedRule {
  readonly destinations: Destination[];
  readonly filters: string[];
}

function renderedRules(replication: ecr.CfnReplicationConfiguration): RenderedRule[] {
  const configuration = Stack.of(replication).resolve(replication.replicationConfiguration) as Record<string, unknown> | undefined;
  const rules = (configuration?.rules ?? configuration?.Rules) as Array<Record<string, unknown>> | undefined;
  return (Array.isArray(rules) ? rules : []).map((rule) => {
    const destinations = (rule.destinations ?? rule.Destinations) as Array<Record<string, unknown>> | undefined;
    const filters = (rule.repositoryFilters ?? rule.RepositoryFilters) as Array<Record<string, unknown>> | undefined;
    return {
      destinations: (Array.isArray(destinations) ? destinations : [])
        .map((d) => ({ region: d.region ?? d.Region, registryId: d.registryId ?? d.RegistryId })),
      filters: (Array.isArray(filters) ? filters : []).map((f) => f.filter ?? f.Filter).filter((f): f is string => typeof f === 'string'),
    };
  });
}

function checkReplication(
  replication: ecr.CfnReplicationConfiguration, source: RegistryGroup, inventory: AppInventory,
  references: Map<RegistryGroup, EncryptionIdentity | undefined>, errors: Finding[], reportedTemplates: Set<IConstruct>,
): void {
  const seen = new Set<string>();
  for (const rule of renderedRules(replication)) {
    for (const destination of rule.destinations) {
      const { region, registryId } = destination;
      if (!isConcrete(region) || !isConcrete(registryId)) {
        warn(subject(replication), WarningIds.REPLICATION_DESTINATION_OUTSIDE_APP,
          `The replication configuration ${displayPath(replication)} replicates to a destination that is not known at synthesis (region ${describe(region)}, registry ${describe(registryId)}), so its encryption cannot be checked. The destination registry needs a REPLICATION creation template (prefix ROOT) with the encryption of its repositories, else ECR creates the replicated repositories with AES256. Confirm it, then acknowledge this warning.`);
        continue;
      }
      const key = `${registryId}/${region}`;
      if (key === source.key.key || seen.has(`${key}|${rule.filters.join(',')}`)) {
        continue;
      }
      seen.add(`${key}|${rule.filters.join(',')}`);
      const destinationGroup = inventory.groups.get(key);
      const reference = destinationGroup ? references.get(destinationGroup) : undefined;
      if (!destinationGroup || !reference) {
        warn(subject(replication), WarningIds.REPLICATION_DESTINATION_OUTSIDE_APP,
          `The replication configuration ${displayPath(replication)} replicates to account ${registryId} in ${region}, a registry this app does not define, so its encryption cannot be checked. ECR creates the replicated repositories there with the destination's REPLICATION creation template, or with AES256 when none matches: make sure that registry has a REPLICATION creation template (prefix ROOT) with the encryption and key of its repositories. Then acknowledge this warning.`);
        continue;
      }
      checkDestination(replication, rule, destinationGroup, reference, errors, reportedTemplates);
    }
  }
}

function checkDestination(
  replication: ecr.CfnReplicationConfiguration, rule: RenderedRule, destination: RegistryGroup, reference: EncryptionIdentity,
  errors: Finding[], reportedTemplates: Set<IConstruct>,
): void {
  const templates: Array<{ member: TemplateMember; prefix: string }> = [];
  for (const member of destination.templates) {
    const stack = Stack.of(member.construct);
    const appliedFor = stack.resolve(member.appliedFor);
    const prefix = stack.resolve(member.prefix);
    if (Array.isArray(appliedFor) && appliedFor.includes('REPLICATION') && typeof prefix === 'string') {
      templates.push({ member, prefix });
    }
  }
  const hasRoot = templates.some((t) => t.prefix === 'ROOT');
  const applicable = rule.filters.length === 0
    ? templates
    : templates.filter((t) => t.prefix === 'ROOT' || rule.filters.some((f) => f.startsWith(t.prefix) || t.prefix.startsWith(f)));
  const uncovered = !hasRoot && (rule.filters.length === 0 || rule.filters.some((f) => !templates.some((t) => f.startsWith(t.prefix))));

  const problems: string[] = [];
  const involved: IConstruct[] = [replication];
  const registryText = referenceLabel(destination, reference);
  for (const { member } of applicable) {
    const comparison = compareEncryption(member.encryption, reference);
    if (comparison === Comparison.DIFFERENT && !reportedTemplates.has(member.construct)) {
      problems.push(`the REPLICATION creation template ${displayPath(member.construct)} creates them with ${member.encryption.label}`);
      involved.push(member.construct);
    } else if (comparison === Comparison.UNPROVABLE) {
      warn(subject(member.construct), WarningIds.REPLICATION_ENCRYPTION_NOT_PROVABLE,
        `The REPLICATION creation template ${displayPath(member.construct)} creates the repositories that ${displayPath(replication)} replicates into ${destination.key.label} with ${member.encryption.label}, which cannot be proven identical to ${registryText}. Confirm that both name the same key, then acknowledge this warning.`);
    }
  }
  const aes256: EncryptionIdentity = { id: 'AES256', label: 'AES256', known: true, type: 'AES256', keyKind: 'none' };
  if (uncovered && compareEncryption(aes256, reference) === Comparison.DIFFERENT) {
    problems.push(`no REPLICATION creation template with prefix ROOT${rule.filters.length > 0 ? ` or matching ${rule.filters.join(', ')}` : ''} exists there, so ECR creates them with AES256`);
  }
  if (problems.length === 0) {
    return;
  }
  errors.push({
    id: ErrorIds.REPLICATION_LEAVES_ISLAND,
    message: `The replication configuration ${displayPath(replication)} replicates into ${destination.key.label}, whose repositories use ${registryText}, but ${problems.join('; and ')}. `
      + `Replicated repositories would not share layers with the others there. Fix: give ${destination.key.label} a REPLICATION creation template (prefix ROOT) with ${reference.label}, or change the encryption of the template(s) named. ${CREATE_ONLY}`,
    involved,
  });
}

function referenceLabel(group: RegistryGroup, reference: EncryptionIdentity): string {
  const registry = group.registries[0];
  return registry
    ? `the registry's encryption ${reference.label} (${registry.construct.node.path})`
    : `the encryption of most repositories there, ${reference.label}`;
}

function isConcrete(value: unknown): value is string {
  return typeof value === 'string' && !Token.isUnresolved(value);
}

function describe(value: unknown): string {
  return typeof value === 'string' && !Token.isUnresolved(value) ? JSON.stringify(value) : 'a value known at deploy time';
}
