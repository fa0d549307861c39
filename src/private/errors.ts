import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The namespace of every error and warning id of this library. */
export const ID_NAMESPACE = 'cdk-ecr-shared-layers';

/** A library id in its namespace, for example `cdk-ecr-shared-layers:invalidRepositoryName`. */
export function qualifiedId(id: string): string {
  return `${ID_NAMESPACE}:${id}`;
}

/** The text of a synthesis error: `[cdk-ecr-shared-layers:<id>] <message>`. */
export function errorText(id: string, message: string): string {
  return `[${qualifiedId(id)}] ${message}`;
}

/** An error without a construct (static factories of enum-like classes), with its stable id. */
export function error(id: string, message: string): Error {
  return new Error(errorText(id, message));
}

/**
 * Throws a synthesis-time error that names the construct at fault and carries a stable id:
 * `[cdk-ecr-shared-layers:<id>] <construct path>: <message>`.
 *
 * Messages say what is wrong, the value received, what is expected and how to fix it.
 */
export function fail(scope: IConstruct, id: string, message: string): never {
  throw error(id, `${scope.node.path}: ${message}`);
}

/** Quotes a value for a message; a value known only at deploy time is said so, never printed as a token. */
export function show(value: unknown): string {
  if (Token.isUnresolved(value)) {
    return 'a value known at deploy time';
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    // JSON would print NaN and Infinity as null.
    return String(value);
  }
  return JSON.stringify(value, (_key, v) => (Token.isUnresolved(v) ? '(known at deploy time)' : v));
}

/** Splits `[cdk-ecr-shared-layers:<id>] <message>` into its id and message (no id for other texts). */
export function splitErrorText(text: string): { readonly id?: string; readonly message: string } {
  const match = new RegExp(`^\\[${ID_NAMESPACE}:([^\\]]+)\\] ([\\s\\S]*)$`).exec(text);
  return match ? { id: match[1], message: match[2] } : { message: text };
}

/**
 * The ids of the app-wide checks (`LayerSharingChecks`: the rules of src/validation/), in one table so
 * that docs can be generated from it. The level is the rule's: `E` an error that fails synthesis,
 * `W` a warning that can be acknowledged.
 */
export const CHECK_IDS = {
  /** E: provably different encryption in one registry with blob mounting on. */
  ENCRYPTION_MISMATCH: 'encryptionMismatch',
  /** W: an encryption that cannot be proven identical to the registry's. */
  ENCRYPTION_NOT_PROVABLE: 'encryptionNotProvable',
  /** W: a stack without a concrete account and region. */
  ENV_AGNOSTIC_STACK: 'envAgnosticStack',
  /** E: replication into a registry of the app whose REPLICATION creation template (or its absence: AES256) has another encryption. */
  REPLICATION_LEAVES_ISLAND: 'replicationLeavesIsland',
  /** W: replication to a registry the app does not define. */
  REPLICATION_DESTINATION_OUTSIDE_APP: 'replicationDestinationOutsideApp',
  /** W: a REPLICATION creation template whose encryption cannot be proven identical to its registry's. */
  REPLICATION_ENCRYPTION_NOT_PROVABLE: 'replicationEncryptionNotProvable',
  /** W: a pull through cache rule in a registry with blob mounting on. */
  PULL_THROUGH_CACHE_NOT_MOUNTED: 'pullThroughCacheNotMounted',
  /** W: a pull through cache rule of a sharing registry without a PULL_THROUGH_CACHE creation template. */
  PULL_THROUGH_CACHE_WITHOUT_TEMPLATE: 'pullThroughCacheWithoutTemplate',
  /** E: a repository in the namespace of a pull through cache rule of its registry. */
  PULL_THROUGH_CACHE_PREFIX_COLLISION: 'pullThroughCachePrefixCollision',
  /** E: two pull through cache rules of one registry with the same prefix. */
  DUPLICATE_PULL_THROUGH_CACHE_PREFIX: 'duplicatePullThroughCachePrefix',
  /** E: more pull through cache rules in a registry than ECR allows. */
  TOO_MANY_PULL_THROUGH_CACHE_RULES: 'tooManyPullThroughCacheRules',
  /** E: a pull through cache credential that ECR cannot read (name prefix, account, region). */
  INVALID_PULL_THROUGH_CACHE_CREDENTIAL: 'invalidPullThroughCacheCredential',
  /** E: a registry policy that grants to everyone without a limiting condition. */
  REGISTRY_POLICY_PUBLIC: 'registryPolicyPublic',
  /** E: a registry policy action outside registry policy scope V1 where the app sets V1. */
  REGISTRY_POLICY_ACTION_OUTSIDE_V1: 'registryPolicyActionOutsideV1',
  /** E: a registry policy text longer than ECR accepts. */
  REGISTRY_POLICY_TOO_LONG: 'registryPolicyTooLong',
  /** W: container image assets pushed outside the registry's encryption island. */
  CONTAINER_ASSETS_OUTSIDE_ISLAND: 'containerAssetsOutsideIsland',
  /** E: a thing that exists once per registry defined twice. */
  DUPLICATE_REGISTRY_SINGLETON: 'duplicateRegistrySingleton',
  /** E: two repositories of one registry with the same name. */
  DUPLICATE_REPOSITORY_NAME: 'duplicateRepositoryName',
  /** E: two creation templates of one registry with the same prefix. */
  DUPLICATE_CREATION_TEMPLATE_PREFIX: 'duplicateCreationTemplatePrefix',
  /** E: a repository name that ECR rejects. */
  INVALID_REPOSITORY_NAME: 'invalidRepositoryName',
  /** E: a creation template prefix that ECR rejects. */
  INVALID_CREATION_TEMPLATE_PREFIX: 'invalidCreationTemplatePrefix',
  /** E: a pull through cache prefix that ECR rejects. */
  INVALID_PULL_THROUGH_CACHE_PREFIX: 'invalidPullThroughCachePrefix',
  /** E: tag mutability exclusion filters that ECR rejects (count or pattern). */
  INVALID_TAG_MUTABILITY_EXCLUSION_FILTER: 'invalidTagMutabilityExclusionFilter',
  /** E: a creation template description longer than ECR accepts. */
  CREATION_TEMPLATE_DESCRIPTION_TOO_LONG: 'creationTemplateDescriptionTooLong',
  /** E: more creation template resource tags than ECR accepts. */
  TOO_MANY_CREATION_TEMPLATE_TAGS: 'tooManyCreationTemplateTags',
  /** E: a creation template KmsKey that is not a key ARN. */
  CREATION_TEMPLATE_KEY_NOT_KEY_ARN: 'creationTemplateKeyNotKeyArn',
  /** E: a literal KMS key ARN in another region than its repository or template. */
  KMS_KEY_IN_OTHER_REGION: 'kmsKeyInOtherRegion',
  /** W: an imported repository whose encryption cannot be checked. */
  IMPORTED_REPOSITORY_NOT_CHECKED: 'importedRepositoryNotChecked',
  /** W: an enhanced scanning filter that matches no repository. */
  SCANNING_FILTER_MATCHES_NOTHING: 'scanningFilterMatchesNothing',
  /** E: a rule of the checks failed (a bug of the library). */
  CHECK_FAILED: 'checkFailed',
} as const;
