import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { AppInventory, ResourceMember } from './app-inventory';
import { displayPath, subject } from './encryption-identity';
import { policyTextLength } from './policy-statements';
import { RenderedResource } from './rendered-resource';
import { error, Finding } from './rule';
import {
  ECR_LIMITS, EXCLUSION_FILTER, KMS_KEY_ARN_PARTS, PULL_THROUGH_PREFIX, REPOSITORY_NAME, TEMPLATE_KMS_KEY, TEMPLATE_PREFIX,
} from '../private/aws-names';
import { CHECK_IDS } from '../private/errors';

// The limits and patterns of Amazon ECR's API model (2015-09-21, as shipped in botocore 1.43; the
// CloudFormation schemas of AWS::ECR::* agree), checked on every resource as CloudFormation receives
// it, whichever construct wrote it. Each is named after its shape in the model:
// - RepositoryName: 2-256 characters, the OCI pattern (aws-names.ts: REPOSITORY_NAME);
// - Prefix (creation template): ROOT or the same pattern with an optional trailing '/', 1-256 characters;
// - PullThroughCacheRuleRepositoryPrefix: the same pattern, 2-30 characters;
// - ImageTagMutabilityExclusionFilters: 1-5 filters, each ^[0-9a-zA-Z._*-]{1,128}$;
// - RepositoryTemplateDescription: at most 256 characters; ResourceTags (CloudFormation schema): at most 50;
// - KmsKeyForRepositoryCreationTemplate: a key ARN (not an alias ARN, not a bare key id);
// - RegistryPolicyText: at most 10,240 characters;
// - a KMS key must be in the repository's region (user guide, encryption-at-rest.html).

/** Errors: values that Amazon ECR rejects at deploy time. */
export function resourceLimits(inventory: AppInventory): Finding[] {
  const findings: Finding[] = [];
  for (const group of inventory.groups.values()) {
    for (const member of group.repositories) {
      repository(member, findings);
    }
    for (const member of group.templates) {
      template(member, findings);
    }
    for (const rule of group.pullThroughCacheRules) {
      const prefix = rule.get('EcrRepositoryPrefix');
      const { pullThroughPrefixMin: min, pullThroughPrefixMax: max } = ECR_LIMITS;
      if (known(prefix) && (prefix.length < min || prefix.length > max || !PULL_THROUGH_PREFIX.test(prefix))) {
        findings.push(error(CHECK_IDS.INVALID_PULL_THROUGH_CACHE_PREFIX, subject(rule.resource),
          `Invalid pull through cache prefix ${JSON.stringify(prefix)}: Amazon ECR expects ${ECR_LIMITS.pullThroughPrefixMin}-${ECR_LIMITS.pullThroughPrefixMax} characters of lower-case letters and digits, separated by '.', '_', '__', runs of '-' or '/' (pattern ${PULL_THROUGH_PREFIX.source}), for example 'ecr-public' or 'docker-hub'.`));
      }
    }
    for (const policy of group.registryPolicies) {
      const length = policyTextLength(policy);
      if (length !== undefined && length > ECR_LIMITS.registryPolicyTextMax) {
        findings.push(error(CHECK_IDS.REGISTRY_POLICY_TOO_LONG, subject(policy.resource),
          `This registry policy has ${length} characters, but Amazon ECR accepts at most ${ECR_LIMITS.registryPolicyTextMax}. Merge statements (one statement can list several principals, actions and repository ARNs), or use wildcards in repository ARNs.`));
      }
    }
  }
  return findings;
}

/** A string known at synthesis. */
function known(value: unknown): value is string {
  return typeof value === 'string' && !Token.isUnresolved(value) && !value.includes('\u0001');
}

function repository(member: ResourceMember, findings: Finding[]): void {
  const resource = member.resource;
  const name = resource.get('RepositoryName');
  if (known(name) && !REPOSITORY_NAME.test(name)) {
    findings.push(error(CHECK_IDS.INVALID_REPOSITORY_NAME, subject(resource.resource),
      `Invalid repository name ${JSON.stringify(name)}: Amazon ECR expects ${ECR_LIMITS.repositoryNameMin}-${ECR_LIMITS.repositoryNameMax} characters of lower-case letters and digits, separated by '.', '_', '__' or runs of '-', with namespaces separated by '/' (pattern ${REPOSITORY_NAME.source}). For example 'team/api'.`));
  }
  exclusionFilters(resource, findings);
  // Only a key given as text can name another region (a key construct is in its stack's region).
  if (member.encryption.keyKind === 'literal') {
    keyRegion(resource, findings);
  }
}

function template(member: ResourceMember & { readonly prefix: unknown }, findings: Finding[]): void {
  const resource = member.resource;
  const at = subject(resource.resource);
  const prefix = member.prefix;
  if (known(prefix) && (prefix.length > ECR_LIMITS.templatePrefixMax || !TEMPLATE_PREFIX.test(prefix))) {
    findings.push(error(CHECK_IDS.INVALID_CREATION_TEMPLATE_PREFIX, at,
      `Invalid repository creation template prefix ${JSON.stringify(prefix)}: Amazon ECR expects ROOT or a repository namespace of at most ${ECR_LIMITS.templatePrefixMax} characters (lower-case letters and digits separated by '.', '_', '__', runs of '-' or '/', optionally ending in '/'), for example 'prod' or 'team/api'.`));
  }
  const description = resource.get('Description');
  if (known(description) && description.length > ECR_LIMITS.templateDescriptionMax) {
    findings.push(error(CHECK_IDS.CREATION_TEMPLATE_DESCRIPTION_TOO_LONG, at,
      `The description of the repository creation template has ${description.length} characters, but Amazon ECR accepts at most ${ECR_LIMITS.templateDescriptionMax}: shorten it.`));
  }
  const tags = resource.get('ResourceTags');
  if (Array.isArray(tags) && tags.length > ECR_LIMITS.templateResourceTagsMax) {
    findings.push(error(CHECK_IDS.TOO_MANY_CREATION_TEMPLATE_TAGS, at,
      `The repository creation template has ${tags.length} resource tags, but Amazon ECR accepts at most ${ECR_LIMITS.templateResourceTagsMax}: remove ${tags.length - ECR_LIMITS.templateResourceTagsMax}.`));
  }
  exclusionFilters(resource, findings);
  keyRegion(resource, findings);
  templateKey(resource, findings);
}

function exclusionFilters(resource: RenderedResource, findings: Finding[]): void {
  const filters = resource.get('ImageTagMutabilityExclusionFilters');
  if (!Array.isArray(filters)) {
    return;
  }
  const at = subject(resource.resource);
  if (filters.length > ECR_LIMITS.exclusionFiltersMax) {
    findings.push(error(CHECK_IDS.INVALID_TAG_MUTABILITY_EXCLUSION_FILTER, at,
      `${filters.length} tag mutability exclusion filters, but Amazon ECR accepts at most ${ECR_LIMITS.exclusionFiltersMax} per ${resource.type === 'AWS::ECR::Repository' ? 'repository' : 'creation template'}. Merge filters with wildcards (for example 'dev-*').`));
  }
  for (const filter of filters) {
    const value = (filter as Record<string, unknown> | null)?.ImageTagMutabilityExclusionFilterValue;
    if (known(value) && !EXCLUSION_FILTER.test(value)) {
      findings.push(error(CHECK_IDS.INVALID_TAG_MUTABILITY_EXCLUSION_FILTER, at,
        `Invalid tag mutability exclusion filter ${JSON.stringify(value)}: Amazon ECR expects 1-128 letters, digits, '.', '_', '-' and '*' wildcards (pattern ${EXCLUSION_FILTER.source}).`));
    }
  }
}

/** The KmsKey of a repository or creation template, when given as text. */
function kmsKeyOf(resource: RenderedResource): unknown {
  const configuration = resource.get('EncryptionConfiguration') as Record<string, unknown> | undefined;
  return configuration !== null && typeof configuration === 'object' ? configuration.KmsKey : undefined;
}

function keyRegion(resource: RenderedResource, findings: Finding[]): void {
  const kmsKey = kmsKeyOf(resource);
  const region = Stack.of(resource.resource).region;
  if (!known(kmsKey) || Token.isUnresolved(region)) {
    return;
  }
  const arn = KMS_KEY_ARN_PARTS.exec(kmsKey);
  if (arn !== null && arn[1] !== region) {
    findings.push(error(CHECK_IDS.KMS_KEY_IN_OTHER_REGION, subject(resource.resource),
      `The KMS key ${kmsKey} is in ${arn[1]}, but the ${resource.type === 'AWS::ECR::Repository' ? 'repository' : 'creation template'} is in ${region}: Amazon ECR uses a key of the repository's own region only (a multi-Region key's replica in ${region} has its own ARN, with ${region} in it). Give the key ARN of ${region}.`));
  }
}

function templateKey(resource: RenderedResource, findings: Finding[]): void {
  const kmsKey = kmsKeyOf(resource);
  if (kmsKey === undefined || kmsKey === '') {
    return;
  }
  const reference = resource.referenceOf(kmsKey);
  let shown: string | undefined;
  if (reference !== undefined) {
    const target = reference.target;
    if (CfnResource.isCfnResource(target) && target.cfnResourceType === 'AWS::KMS::Alias') {
      shown = `the alias ${displayPath(target)}`;
    }
  } else if (known(kmsKey) && !TEMPLATE_KMS_KEY.test(kmsKey)) {
    shown = JSON.stringify(kmsKey);
  }
  if (shown !== undefined) {
    findings.push(error(CHECK_IDS.CREATION_TEMPLATE_KEY_NOT_KEY_ARN, subject(resource.resource),
      `The KmsKey of the repository creation template is ${shown}, but Amazon ECR accepts only a key ARN there (pattern ${TEMPLATE_KMS_KEY.source}): not an alias, not a bare key id. Give the key's ARN (aws kms describe-key --key-id <alias or id> prints it), or the kms.Key construct's keyArn.`));
  }
}
