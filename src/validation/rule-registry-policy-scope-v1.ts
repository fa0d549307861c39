import { AppInventory } from './app-inventory';
import { displayPath } from './encryption-identity';
import { actionsOf, statementsOf } from './policy-statements';
import { error, Finding } from './rule';
import { REGISTRY_POLICY_V1_ACTIONS } from '../private/aws-names';
import { CHECK_IDS } from '../private/errors';

/** The V1 actions, lower-cased: IAM action names are case-insensitive (`ECR:ReplicateImage` is `ecr:ReplicateImage`). */
const V1_ACTIONS = new Set(REGISTRY_POLICY_V1_ACTIONS.map((action) => action.toLowerCase()));

/**
 * Error: a registry policy with an action that registry policy scope V1 does not accept, in a
 * registry whose `REGISTRY_POLICY_SCOPE` setting (of the app) is `V1`.
 */
export function registryPolicyScopeV1(inventory: AppInventory): Finding[] {
  const findings: Finding[] = [];
  for (const group of inventory.groups.values()) {
    const v1 = group.accountSettings.find((s) => s.name === 'REGISTRY_POLICY_SCOPE' && s.value === 'V1');
    if (!v1) {
      continue;
    }
    for (const policy of group.registryPolicies) {
      const outside = [...new Set(statementsOf(policy).flatMap(actionsOf))].filter((action) => !V1_ACTIONS.has(action.toLowerCase()));
      if (outside.length > 0) {
        findings.push(error(CHECK_IDS.REGISTRY_POLICY_ACTION_OUTSIDE_V1, policy.resource,
          `This registry policy has the action ${JSON.stringify(outside[0])}${outside.length > 1 ? ` (and ${outside.length - 1} more)` : ''}, but the registry policy scope of ${group.key.label} is V1 (${displayPath(v1.construct)}), which accepts only ${REGISTRY_POLICY_V1_ACTIONS.join(', ')}. Use registry policy scope V2 (registryPolicyScope: RegistryPolicyScope.V2), or remove the action.`,
          [v1.construct]));
      }
    }
  }
  return findings;
}
