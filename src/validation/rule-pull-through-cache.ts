import { AppInventory } from './app-inventory';
import { displayPath, subject } from './encryption-identity';
import { describe } from './registry-reference';
import { Finding } from './rule';
import { sharesLayers } from './rule-encryption-islands';
import { warn } from '../private/annotations';

/** Warning id: a pull through cache rule in a registry with blob mounting on. */
export const PULL_THROUGH_CACHE_NOT_MOUNTED = 'pullThroughCacheNotMounted';

/**
 * Warning: a pull through cache rule in a registry with blob mounting on (or with a
 * `SharedLayerRegistry`): images created through pull through cache cannot be mounted.
 */
export function pullThroughCacheNotMounted(inventory: AppInventory): Finding[] {
  for (const group of inventory.groups.values()) {
    if (!sharesLayers(group)) {
      continue;
    }
    for (const rule of group.pullThroughCacheRules) {
      warn(subject(rule), PULL_THROUGH_CACHE_NOT_MOUNTED,
        `Images pulled through the cache rule ${displayPath(rule)} (repository prefix ${describe(rule.ecrRepositoryPrefix)}) cannot be mounted: Amazon ECR does not support blob mounting for images created through pull through cache, so their layers are stored separately from the rest of ${group.key.label}. Acknowledge this warning if that is expected.`);
    }
  }
  return [];
}
