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

/**
 * Whether a condition limits a statement: an operator that does not negate (`...Not...`), that does
 * not pass when the key is absent (`...IfExists`, `Null`, and `ForAllValues:...`, which is true for a
 * missing key: IAM user guide, reference_policies_condition-single-vs-multi-valued-context-keys.html),
 * on a limiting key, whose values do not all match everything (`StringLike { "aws:PrincipalAccount": "*" }`
 * limits nothing). Operator and key names are case-insensitive, as in IAM.
 */
function hasLimitingCondition(condition: unknown): boolean {
  if (condition === null || typeof condition !== 'object') {
    return false;
  }
  for (const [operator, keys] of Object.entries(condition as Record<string, unknown>)) {
    if (/not|ifexists$|^null$|^forallvalues:/i.test(operator) || keys === null || typeof keys !== 'object') {
      continue;
    }
    const like = /like$/i.test(operator);
    for (const [key, values] of Object.entries(keys as Record<string, unknown>)) {
      if (!LIMITING.has(key.toLowerCase())) {
        continue;
      }
      const list = Array.isArray(values) ? values : [values];
      const matchesEverything = list.length === 0 || list.some((v) => typeof v === 'string' && like && /^[*]+$/.test(v.replace(/\?/g, '*')) && v.includes('*'));
      if (!matchesEverything) {
        return true;
      }
    }
  }
  return false;
}
