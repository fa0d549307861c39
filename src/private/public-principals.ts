/**
 * Condition keys that limit a statement granted to everyone to an organization, accounts or
 * principals (checked under any operator that does not negate, `...IfExists` excepted).
 */
export const LIMITING_CONDITION_KEYS = [
  'aws:PrincipalOrgID', 'aws:PrincipalOrgPaths', 'aws:PrincipalAccount', 'aws:PrincipalArn',
  'aws:SourceAccount', 'aws:SourceOrgID', 'aws:SourceOrgPaths', 'aws:SourceArn',
];

const LIMITING = new Set(LIMITING_CONDITION_KEYS.map((key) => key.toLowerCase()));

/**
 * Whether a policy statement (as JSON) allows everyone (`Principal: "*"`, `{ AWS: "*" }`,
 * `AnyPrincipal`) without a condition that limits it to an organization, accounts or principals.
 */
export function grantsToEveryone(statement: Record<string, unknown>): boolean {
  if (statement.Effect !== undefined && statement.Effect !== 'Allow') {
    return false;
  }
  if (!isEveryone(statement.Principal)) {
    return false;
  }
  return !hasLimitingCondition(statement.Condition);
}

function isEveryone(principal: unknown): boolean {
  if (principal === '*') {
    return true;
  }
  if (principal === null || typeof principal !== 'object' || Array.isArray(principal)) {
    return false;
  }
  const aws = (principal as Record<string, unknown>).AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}

function hasLimitingCondition(condition: unknown): boolean {
  if (condition === null || typeof condition !== 'object') {
    return false;
  }
  for (const [operator, keys] of Object.entries(condition as Record<string, unknown>)) {
    if (/Not|IfExists$|^Null$/.test(operator) || keys === null || typeof keys !== 'object') {
      continue;
    }
    if (Object.keys(keys as Record<string, unknown>).some((key) => LIMITING.has(key.toLowerCase()))) {
      return true;
    }
  }
  return false;
}
