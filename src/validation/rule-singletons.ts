import { AppInventory, POLICY_KIND, REGISTRY_KIND, REPLICATION_KIND, SCANNING_KIND } from './app-inventory';
import { displayPath } from './encryption-identity';
import { Finding } from './rule';
import { CHECK_IDS } from '../private/errors';

/** How to resolve a duplicate, per kind. */
const FIXES: Readonly<Record<string, string>> = {
  [REGISTRY_KIND]: 'A registry has one owner: keep one SharedLayerRegistry per account and region, and add repositories from other stacks with new SharedRepository(stack, id, { registry }).',
  [POLICY_KIND]: 'Keep one registry policy per account and region: add every statement to it (registry.addToRegistryPolicy(), or addStatements() on the one RegistryPolicy).',
  [REPLICATION_KIND]: 'Keep one replication configuration per account and region: add every rule with registry.addReplication() on the one SharedLayerRegistry of that account and region.',
  [SCANNING_KIND]: 'Keep one scanning configuration per account and region: set it once, with the scanning prop of the SharedLayerRegistry of that account and region.',
};
const DEFAULT_FIX = 'Keep exactly one of them (for example in one baseline stack per account and region) and remove the others.';

/**
 * Error: a thing that exists once per registry (the registry's owner, an account setting, the
 * replication or scanning configuration, the registry policy) is defined more than once for one
 * account and region, however written: the last deploy would silently win.
 */
export function duplicateRegistrySingletons(inventory: AppInventory): Finding[] {
  const findings: Finding[] = [];
  for (const group of inventory.groups.values()) {
    for (const [kind, members] of group.singletons) {
      if (members.length < 2) {
        continue;
      }
      const fix = FIXES[kind] ?? DEFAULT_FIX;
      findings.push({
        level: 'error',
        id: CHECK_IDS.DUPLICATE_REGISTRY_SINGLETON,
        // The construct at fault: the second definition (the first stands).
        subject: members[1],
        message: `${kind} is defined ${members.length} times for ${group.key.label}: ${members.map((m) => displayPath(m)).join(', ')}. `
          + `It exists once per registry (account and region), so the last deploy would silently win. ${fix}`,
        involved: members,
      });
    }
  }
  return findings;
}
