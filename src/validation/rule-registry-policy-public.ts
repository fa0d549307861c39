import { AppInventory } from './app-inventory';
import { statementsOf } from './policy-statements';
import { error, Finding } from './rule';
import { isPublicAccessAllowed } from '../private/brands';
import { CHECK_IDS } from '../private/errors';
import { grantsToEveryone, LIMITING_CONDITION_KEYS } from '../private/public-principals';

/**
 * Error: a registry policy (an L1 or generic `AWS::ECR::RegistryPolicy` too, overrides applied) with a
 * statement that allows everyone without a condition that limits it to an organization or accounts.
 * A `RegistryPolicy` with `allowPublicAccess: true` is exempt (it checks its own statements as they
 * are added).
 */
export function registryPolicyPublic(inventory: AppInventory): Finding[] {
  const findings: Finding[] = [];
  for (const group of inventory.groups.values()) {
    for (const policy of group.registryPolicies) {
      if (isPublicAccessAllowed(policy.resource)) {
        continue;
      }
      const open = statementsOf(policy).filter(grantsToEveryone);
      if (open.length > 0) {
        findings.push(error(CHECK_IDS.REGISTRY_POLICY_PUBLIC, policy.resource,
          `This registry policy allows everyone (Principal "*") without a condition that limits it to your organization or accounts (statement ${JSON.stringify(open[0].Sid ?? open[0].Action)}): anyone could use the repositories of ${group.key.label}. Add a condition such as { StringEquals: { 'aws:PrincipalOrgID': 'o-xxxxxxxxxx' } } (or one of ${LIMITING_CONDITION_KEYS.join(', ')}), or name the accounts. For a registry that is meant to be public, use a RegistryPolicy with allowPublicAccess: true.`));
      }
    }
  }
  return findings;
}
