import { IConstruct } from 'constructs';
import { AppInventory } from './app-inventory';
import { error, Finding, Rule } from './rule';
import { containerAssetsOutsideIsland } from './rule-container-assets';
import { encryptionIslands } from './rule-encryption-islands';
import { envAgnosticStacks } from './rule-env-agnostic-stack';
import { importedRepositories } from './rule-imported-repositories';
import { pullThroughCacheRules } from './rule-pull-through-cache';
import { registryPolicyPublic } from './rule-registry-policy-public';
import { registryPolicyScopeV1 } from './rule-registry-policy-scope-v1';
import { replicationDestinations } from './rule-replication-destinations';
import { resourceLimits } from './rule-resource-limits';
import { scanningFilters } from './rule-scanning-filters';
import { duplicateRegistrySingletons } from './rule-singletons';
import { uniqueNames } from './rule-unique-names';
import { CHECK_IDS } from '../private/errors';

/** The rules that run for every app with a construct that owns a registry singleton. */
export const SINGLETON_RULES: Rule[] = [duplicateRegistrySingletons];
/**
 * Every rule of the checks, in the order they run (with a registry, a registry policy or the aspect).
 * A new rule: one file `rule-<name>.ts` exporting `(inventory) => Finding[]`, its ids in CHECK_IDS
 * (src/private/errors.ts), and one entry here.
 */
export const ALL_RULES: Rule[] = [
  ...SINGLETON_RULES, envAgnosticStacks, encryptionIslands, uniqueNames, resourceLimits, pullThroughCacheRules,
  replicationDestinations, registryPolicyPublic, registryPolicyScopeV1, containerAssetsOutsideIsland,
  importedRepositories, scanningFilters,
];

/**
 * Runs the rules on the inventory. A rule that throws is reported as an error naming the rule (never
 * a stack trace), and the other rules still run.
 */
export function runRules(inventory: AppInventory, rules: Rule[], root: IConstruct): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    try {
      findings.push(...rule(inventory));
    } catch (e) {
      findings.push(error(CHECK_IDS.CHECK_FAILED, inventory.stacks[0] ?? root,
        `The layer-sharing check ${rule.name || '(unnamed)'} failed: ${e instanceof Error ? e.message : String(e)}. The other checks ran. This is a bug of cdk-ecr-shared-layers: please report it with the app shape that triggers it.`));
    }
  }
  return findings;
}
