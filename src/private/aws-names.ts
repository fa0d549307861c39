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

/** One or more `/`-separated repository name components of ECR (no length limit). */
const NAMESPACE_SOURCE = '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*';

/** A repository namespace, for example `team/api` (the pull through cache prefix rule). */
export const NAMESPACE = new RegExp(`^${NAMESPACE_SOURCE}$`);

/** ECR's repository name rule (2-256 characters). */
export const REPOSITORY_NAME = new RegExp(`^(?=.{2,256}$)(${NAMESPACE_SOURCE})$`);

/** The prefix of a creation template that applies to every repository without a more specific template. */
export const ROOT_PREFIX = 'ROOT';

/** ECR's prefix rule for creation templates: `ROOT`, or a repository namespace with an optional trailing `/`. */
export const TEMPLATE_PREFIX = new RegExp(`^(${NAMESPACE_SOURCE}\\/?|${ROOT_PREFIX})$`);

/** ECR's tag mutability exclusion filter rule (WILDCARD filters). */
export const EXCLUSION_FILTER = /^[0-9a-zA-Z._*-]{1,128}$/;

/** An Amazon ECR action, `ecr:` then the action name (wildcards allowed). */
export const ECR_ACTION = /^ecr:[A-Za-z*]+$/;

/** The actions a registry policy accepts under registry policy scope V1. */
export const REGISTRY_POLICY_V1_ACTIONS = ['ecr:ReplicateImage', 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'];

/** An Amazon ECR ARN: region, account, resource. */
export const ECR_ARN = /^arn:[a-z-]+:ecr:([a-z0-9-]*):([0-9]*):(.+)$/;

/** A KMS key ARN (the key id in group 1). */
export const KMS_KEY_ARN = /^arn:[^:]+:kms:[^:]*:[^:]*:key\/(.+)$/;

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
