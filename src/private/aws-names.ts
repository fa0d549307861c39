import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { partitionOfRegionName } from './region-names';

// The names and patterns of AWS that several parts of the library check; each is defined here only.
// Sources: the Amazon ECR API reference (CreateRepository, RepositoryFilter, CreatePullThroughCacheRule,
// CreateRepositoryCreationTemplate) and the AWS General Reference (account ids, region names).

/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^[0-9]{12}$/;

/** A region name (defined with the audit CLI's, which cannot load aws-cdk-lib). */
export { REGION } from './region-names';

/**
 * One or more `/`-separated repository name components of ECR (no length limit): the OCI pattern of
 * ECR's API model (shape RepositoryName, botocore 1.43) and of the CloudFormation schema of
 * AWS::ECR::Repository, `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`:
 * separators are `.`, `_`, `__` or any run of `-` (so `my__app` and `my--app` are valid).
 */
const COMPONENT_SOURCE = '[a-z0-9]+(?:(?:\\.|__?|-+)[a-z0-9]+)*';
const NAMESPACE_SOURCE = `${COMPONENT_SOURCE}(?:\\/${COMPONENT_SOURCE})*`;

/** A repository namespace, for example `team/api` (the pull through cache prefix rule). */
export const NAMESPACE = new RegExp(`^${NAMESPACE_SOURCE}$`);

/** ECR's repository name rule (2-256 characters). */
export const REPOSITORY_NAME = new RegExp(`^(?=.{2,256}$)(${NAMESPACE_SOURCE})$`);

/** The prefix of a creation template that applies to every repository without a more specific template. */
export const ROOT_PREFIX = 'ROOT';

/** ECR's prefix rule for creation templates (shape Prefix): `ROOT`, or a repository namespace with an optional trailing `/`. */
export const TEMPLATE_PREFIX = new RegExp(`^(${NAMESPACE_SOURCE}\\/?|${ROOT_PREFIX})$`);

/**
 * ECR's prefix rule for pull through cache rules (shape PullThroughCacheRuleRepositoryPrefix): the
 * pattern of creation template prefixes (length 2-30 apart).
 */
export const PULL_THROUGH_PREFIX = TEMPLATE_PREFIX;

/** ECR's tag mutability exclusion filter rule (WILDCARD filters). */
export const EXCLUSION_FILTER = /^[0-9a-zA-Z._*-]{1,128}$/;

/** An Amazon ECR action, `ecr:` then the action name (wildcards allowed; IAM action names are case-insensitive). */
export const ECR_ACTION = /^ecr:[A-Za-z*?]+$/i;

/** The actions a registry policy accepts under registry policy scope V1. */
export const REGISTRY_POLICY_V1_ACTIONS = ['ecr:ReplicateImage', 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'];

/** An Amazon ECR ARN: region, account, resource. */
export const ECR_ARN = /^arn:[a-z-]+:ecr:([a-z0-9-]*):([0-9]*):(.+)$/;

/** A KMS key ARN: region (group 1), account (group 2), key id (group 3). */
export const KMS_KEY_ARN_PARTS = /^arn:[^:]+:kms:([^:]*):([^:]*):key\/(.+)$/;

/**
 * ECR's pattern of a creation template's `KmsKey` (shape KmsKeyForRepositoryCreationTemplate of the API
 * model, botocore 1.43): a key ARN, never an alias ARN or a bare key id.
 */
export const TEMPLATE_KMS_KEY = /^arn:aws[a-z0-9-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[a-z0-9-]+$/;

/**
 * ECR's pattern of a pull through cache credential (shape CredentialArn, botocore 1.43): a Secrets
 * Manager secret ARN whose name starts with `ecr-pullthroughcache/` (region in group 1, account in group 2).
 */
export const PULL_THROUGH_CREDENTIAL_ARN = /^arn:aws(?:-\w+)*:secretsmanager:([a-z0-9-]+):([0-9]{12}):secret:(.+)$/;

/** The name prefix ECR requires of a pull through cache credential secret (shape CredentialArn). */
export const PULL_THROUGH_SECRET_PREFIX = 'ecr-pullthroughcache/';

/**
 * ECR's limits (API model 2015-09-21 as in botocore 1.43; the CloudFormation schemas of AWS::ECR::*
 * agree), each named after its shape.
 */
export const ECR_LIMITS = {
  /** RepositoryName: 2-256 characters. */
  repositoryNameMin: 2,
  repositoryNameMax: 256,
  /** Prefix (creation template): 1-256 characters. */
  templatePrefixMax: 256,
  /** PullThroughCacheRuleRepositoryPrefix: 2-30 characters. */
  pullThroughPrefixMin: 2,
  pullThroughPrefixMax: 30,
  /** ImageTagMutabilityExclusionFilters: 1-5 filters. */
  exclusionFiltersMax: 5,
  /** RepositoryTemplateDescription: at most 256 characters. */
  templateDescriptionMax: 256,
  /** ResourceTags of AWS::ECR::RepositoryCreationTemplate (CloudFormation schema): at most 50. */
  templateResourceTagsMax: 50,
  /** RegistryPolicyText: at most 10,240 characters. */
  registryPolicyTextMax: 10240,
  /** Pull through cache rules per registry (service quota). */
  pullThroughRulesMax: 50,
} as const;

/** A KMS alias ARN or name (`alias/...`). */
export const KMS_ALIAS = /(^|:)alias\//;

/**
 * The partition of a region: from aws-cdk-lib's region facts, else from the region's prefix.
 * Undefined for a token.
 */
export function partitionOf(region: string): string | undefined {
  if (Token.isUnresolved(region)) {
    return undefined;
  }
  const known = RegionInfo.get(region).partition;
  if (known) {
    return known;
  }
  return partitionOfRegionName(region);
}

/** The ARN of every repository of the stack's registry (account and region), those created later included. */
export function allRepositoriesArn(stack: Stack, namePrefix = ''): string {
  return stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: `${namePrefix}*` });
}

/** Whether an ECR wildcard filter (`*` = any characters, `/` included) matches a name. */
export function wildcardMatches(filter: string, name: string): boolean {
  const pattern = filter.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`).test(name);
}
