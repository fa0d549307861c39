import { AppInventory } from './app-inventory';
import { displayPath } from './encryption-identity';
import { actionsOf, statementsOf } from './policy-statements';
import { Finding } from './rule';
import { REGISTRY_POLICY_V1_ACTIONS } from '../private/aws-names';

/** The id of the rule. */
export const REGISTRY_POLICY_ACTION_OUTSIDE_V1 = 'registryPolicyActionOutsideV1';

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
      const outside = [...new Set(statementsOf(policy).flatMap(actionsOf))].filter((action) => !REGISTRY_POLICY_V1_ACTIONS.includes(action));
      if (outside.length > 0) {
        findings.push({
          id: REGISTRY_POLICY_ACTION_OUTSIDE_V1,
          message: `The registry policy ${displayPath(policy)} has the action ${JSON.stringify(outside[0])}${outside.length > 1 ? ` (and ${outside.length - 1} more)` : ''}, but the registry policy scope of ${group.key.label} is V1 (${displayPath(v1.construct)}), which accepts only ${REGISTRY_POLICY_V1_ACTIONS.join(', ')}. Use registry policy scope V2 (registryPolicyScope: RegistryPolicyScope.V2), or remove the action.`,
          involved: [policy, v1.construct],
        });
      }
    }
  }
  return findings;
}
