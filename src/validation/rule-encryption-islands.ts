import { IConstruct } from 'constructs';
import { AppInventory, EncryptedMember, RegistryGroup } from './app-inventory';
import { Comparison, EncryptionIdentity, compareEncryption, displayPath, subject } from './encryption-identity';
import { CREATE_ONLY, referenceEncryption, referenceLabel } from './registry-reference';
import { Finding, warning } from './rule';
import { CHECK_IDS } from '../private/errors';

/** How many construct paths an island lists before it says "and N more". */
const MAX_PATHS = 5;

/** Whether the repositories of a registry are meant to share layers: blob mounting on, or a SharedLayerRegistry. */
export function sharesLayers(group: RegistryGroup): boolean {
  return group.blobMounting.length > 0 || group.registries.length > 0;
}

/** The members of a registry that share one encryption. */
export interface Island {
  readonly encryption: EncryptionIdentity;
  readonly members: EncryptedMember[];
}

/**
 * Error: in a registry with blob mounting on (or with a `SharedLayerRegistry`), repositories and
 * creation templates with provably different encryption (two known types that differ, or two known
 * keys that differ). Warning: an encryption that cannot be proven identical to the registry's.
 */
export function encryptionIslands(inventory: AppInventory): Finding[] {
  const findings: Finding[] = [];
  for (const group of inventory.groups.values()) {
    if (sharesLayers(group)) {
      checkIslands(group, findings);
    }
  }
  return findings;
}

/** The islands of a registry (one per distinct encryption whose type is known), and whether two provably differ. */
export function islandsOf(group: RegistryGroup): {
  readonly islands: Island[]; readonly unknown: EncryptedMember[]; readonly provablyDifferent: boolean;
} {
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
  return { islands: list, unknown, provablyDifferent };
}

/**
 * The creation templates that the island error of a registry names (the replication rule does not
 * name them again).
 */
export function templatesInIslandError(group: RegistryGroup): Set<IConstruct> {
  if (!sharesLayers(group)) {
    return new Set();
  }
  const { islands, provablyDifferent } = islandsOf(group);
  if (!provablyDifferent || !referenceEncryption(group)) {
    return new Set();
  }
  return new Set(islands.flatMap((island) => island.members).filter((m) => m.what === 'creation template').map((m) => m.construct));
}

function checkIslands(group: RegistryGroup, findings: Finding[]): void {
  const reference = referenceEncryption(group);
  const { islands: list, unknown, provablyDifferent } = islandsOf(group);
  if (provablyDifferent && reference) {
    findings.push(islandError(group, reference, list));
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
      findings.push(warning(CHECK_IDS.ENCRYPTION_NOT_PROVABLE, subject(member.construct),
        `The ${member.what} ${displayPath(member.construct)} uses ${island.encryption.label}, which cannot be proven identical to ${referenceText} at synthesis (a literal key ARN may or may not be the ARN of that key). If it differs, the ${member.what} does not share layers with the rest of ${group.key.label}. Confirm that both name the same key, then acknowledge this warning.`));
    }
  }
  for (const member of unknown) {
    findings.push(warning(CHECK_IDS.ENCRYPTION_NOT_PROVABLE, subject(member.construct),
      `The encryption of the ${member.what} ${displayPath(member.construct)} cannot be compared at synthesis: ${member.encryption.reason}. It shares layers with the rest of ${group.key.label} only if it uses ${referenceText}. Give the key as a kms.IKey of the app (or its literal key ARN), or confirm it and acknowledge this warning.`));
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
  // The construct at fault: the first member outside the registry's island.
  const atFault = ordered.find((island) => island.encryption.id !== reference.id)?.members[0]?.construct ?? involved[0];
  const sharing = group.blobMounting.length > 0
    ? `Blob mounting is on for ${group.key.label} (${group.blobMounting.map((c) => displayPath(c)).join(', ')})`
    : `${group.key.label} has a SharedLayerRegistry (${group.registries.map((r) => displayPath(r.construct)).join(', ')}) whose repositories are meant to share layers (blobMounting: false leaves the setting to another stack)`;
  return {
    level: 'error',
    id: CHECK_IDS.ENCRYPTION_MISMATCH,
    subject: atFault,
    message: `${sharing}, but its repositories and creation templates use ${islands.length} different encryption configurations. `
      + 'Amazon ECR shares layers only between repositories with the identical encryption type and key, so these islands never share layers:\n'
      + `${lines.join('\n')}\n`
      + `Fix: create each repository with registry.addRepository() or new SharedRepository() so it gets the registry's encryption, or change the encryption of the others (and of creation templates) to ${reference.label}. ${CREATE_ONLY}`,
    involved,
  };
}
