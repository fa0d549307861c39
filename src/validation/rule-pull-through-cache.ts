import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { AppInventory, RegistryGroup } from './app-inventory';
import { displayPath, subject } from './encryption-identity';
import { describe } from './registry-reference';
import { RenderedResource } from './rendered-resource';
import { error, Finding, warning } from './rule';
import { sharesLayers } from './rule-encryption-islands';
import { PULL_THROUGH_CREDENTIAL_ARN, PULL_THROUGH_SECRET_PREFIX, ROOT_PREFIX } from '../private/aws-names';
import { CHECK_IDS } from '../private/errors';

// Sources: https://docs.aws.amazon.com/AmazonECR/latest/userguide/blob-mounting.html (images created
// through pull through cache cannot be mounted); ECR API model, shape CredentialArn (botocore 1.43:
// `^arn:aws(-\w+)*:secretsmanager:[a-zA-Z0-9-:]+:secret:ecr\-pullthroughcache\/[a-zA-Z0-9\/_+=.@-]+$`);
// user guide pull-through-cache-creating-secret.html: the secret is in the same account and region
// as the rule.

/**
 * Pull through cache rules, however written:
 * - warning: a rule in a registry with blob mounting on (its images cannot be mounted);
 * - warning: no creation template applied for PULL_THROUGH_CACHE with its prefix or ROOT in such a
 *   registry (ECR creates the cache repositories with AES256 and mutable tags);
 * - error: a credential ECR cannot read (secret name without `ecr-pullthroughcache/`, or a secret in
 *   another account or region than the rule).
 */
export function pullThroughCacheRules(inventory: AppInventory): Finding[] {
  const findings: Finding[] = [];
  for (const group of inventory.groups.values()) {
    for (const rule of group.pullThroughCacheRules) {
      credential(rule, inventory, findings);
      if (!sharesLayers(group)) {
        continue;
      }
      const prefix = rule.get('EcrRepositoryPrefix');
      findings.push(warning(CHECK_IDS.PULL_THROUGH_CACHE_NOT_MOUNTED, subject(rule.resource),
        `Images pulled through the cache rule ${displayPath(rule.resource)} (repository prefix ${describe(prefix)}) cannot be mounted: Amazon ECR does not support blob mounting for images created through pull through cache, so their layers are stored separately from the rest of ${group.key.label}. Acknowledge this warning if that is expected.`));
      withoutTemplate(group, rule, prefix, findings);
    }
  }
  return findings;
}

function withoutTemplate(group: RegistryGroup, rule: RenderedResource, prefix: unknown, findings: Finding[]): void {
  if (typeof prefix !== 'string' || Token.isUnresolved(prefix)) {
    return;
  }
  const own = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const covered = group.templates.some((t) => {
    const templatePrefix = typeof t.prefix === 'string' ? t.prefix.replace(/\/$/, '') : undefined;
    return (templatePrefix === ROOT_PREFIX || templatePrefix === own) && Array.isArray(t.appliedFor) && t.appliedFor.includes('PULL_THROUGH_CACHE');
  });
  if (covered) {
    return;
  }
  const registry = group.registries[0];
  const outside = registry?.encryption.type === 'AES256'
    ? 'with mutable tags and without the registry\'s lifecycle rules (their encryption, AES256, is the registry\'s)'
    : `with AES256 and mutable tags, outside ${registry ? `the registry's ${registry.encryption.label}` : 'the encryption of the other repositories'}`;
  findings.push(warning(CHECK_IDS.PULL_THROUGH_CACHE_WITHOUT_TEMPLATE, subject(rule.resource),
    `No repository creation template of ${registry ? registry.construct.node.path : group.key.label} applies to PULL_THROUGH_CACHE for prefix ${JSON.stringify(own)} (or ROOT): ECR creates these repositories ${outside}. Add a ${registry ? 'RegistryCreationTemplate' : 'creation template'} with prefix '${own}' applied for PULL_THROUGH_CACHE${registry ? ', or keep the registry\'s default templates on (creationTemplates: true)' : ''}.`));
}

function credential(rule: RenderedResource, inventory: AppInventory, findings: Finding[]): void {
  const arn = rule.get('CredentialArn');
  if (arn === undefined) {
    return;
  }
  const stack = Stack.of(rule.resource);
  let name: unknown;
  let account: unknown;
  let region: unknown;
  const reference = rule.referenceOf(arn);
  if (reference !== undefined) {
    // A secret of the app: its name as CloudFormation receives it (none: CloudFormation generates one).
    const target = reference.target;
    if (!CfnResource.isCfnResource(target) || target.cfnResourceType !== 'AWS::SecretsManager::Secret') {
      return;
    }
    name = inventory.context.render(target).get('Name') ?? '(a name CloudFormation generates)';
    account = Stack.of(target).account;
    region = Stack.of(target).region;
  } else if (typeof arn === 'string') {
    const match = PULL_THROUGH_CREDENTIAL_ARN.exec(arn);
    if (match === null) {
      findings.push(error(CHECK_IDS.INVALID_PULL_THROUGH_CACHE_CREDENTIAL, subject(rule.resource),
        `The credential ${JSON.stringify(arn)} of the pull through cache rule is not a Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:${PULL_THROUGH_SECRET_PREFIX}<name>): Amazon ECR rejects it. Give the ARN of a secret named '${PULL_THROUGH_SECRET_PREFIX}...'.`));
      return;
    }
    [, region, account, name] = match;
  } else {
    return;
  }
  const problems: string[] = [];
  if (typeof name === 'string' && !name.includes('\u0001') && !name.startsWith(PULL_THROUGH_SECRET_PREFIX)) {
    problems.push(`its name ${JSON.stringify(name)} does not start with '${PULL_THROUGH_SECRET_PREFIX}' (Amazon ECR reads only secrets of that prefix: name it '${PULL_THROUGH_SECRET_PREFIX}${name.replace(/^\(.*\)$/, '<name>')}')`);
  }
  for (const [dimension, theirs, mine] of [['account', account, stack.account], ['region', region, stack.region]] as const) {
    if (typeof theirs === 'string' && !Token.isUnresolved(theirs) && !Token.isUnresolved(mine) && theirs !== mine) {
      problems.push(`it is in ${dimension} ${theirs}, but the rule is in ${dimension} ${mine} (the secret must be in the rule's account and region)`);
    }
  }
  if (problems.length > 0) {
    findings.push(error(CHECK_IDS.INVALID_PULL_THROUGH_CACHE_CREDENTIAL, subject(rule.resource),
      `The credential secret of this pull through cache rule cannot be read by Amazon ECR: ${problems.join('; and ')}. Create the secret as '${PULL_THROUGH_SECRET_PREFIX}<name>' in the rule's account and region.`));
  }
}
