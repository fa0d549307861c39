import { AppInventory } from './app-inventory';
import { Finding, warning } from './rule';
import { CHECK_IDS } from '../private/errors';

/**
 * Warning: a stack without a concrete account and region holds ECR repositories or creation
 * templates: they are compared with each other only, not with the rest of their registry.
 */
export function envAgnosticStacks(inventory: AppInventory): Finding[] {
  const findings: Finding[] = [];
  for (const group of inventory.groups.values()) {
    if (!group.key.concrete && (group.repositories.length > 0 || group.templates.length > 0)) {
      findings.push(warning(CHECK_IDS.ENV_AGNOSTIC_STACK, group.stack,
        `The stack ${group.stack.node.path} has no concrete account and region, so the layer-sharing checks cannot place its ECR repositories in a registry: they are compared with each other only, not with the repositories of other stacks. Give the stack an env { account, region } to have it checked with the rest of its registry.`));
    }
  }
  return findings;
}
