import { Lazy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { SharedLayerRegistry } from './shared-layer-registry';
import { LifecycleRule } from '../lifecycle/lifecycle-rule';
import { KMS_ALIAS, ROOT_PREFIX, TEMPLATE_PREFIX } from '../private/aws-names';
import { fail, show } from '../private/errors';
import { nagWildcardResourceId } from '../private/nag';

// Checked 2026 against:
// - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-repositorycreationtemplate.html
// - https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html
//   (AppliedFor: REPLICATION | PULL_THROUGH_CACHE | CREATE_ON_PUSH; Prefix: ROOT or a namespace,
//   "there is always an assumed / applied to the end of the prefix"; the custom role "must be in
//   the same account as the registry")
// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create.html,
//   repository-creation-templates-custom.html and repository-creation-templates-create-iam.html:
//   a template with KMS or resource tags needs a custom role trusted by ecr.amazonaws.com with
//   ecr:CreateRepository, ecr:ReplicateImage, ecr:TagResource, kms:CreateGrant, kms:RetireGrant,
//   kms:DescribeKey (the docs use Resource "*"; here they are scoped to the registry).

const MAX_PREFIX_LENGTH = 256;
/** ECR's limit of a template description (API model, shape RepositoryTemplateDescription). */
const MAX_DESCRIPTION_LENGTH = 256;

/**
 * When Amazon ECR applies a repository creation template.
 */
export enum CreationTemplateAppliedFor {
  /** Repositories that replication creates in this registry. */
  REPLICATION = 'REPLICATION',
  /** Repositories that a push to a new repository name creates. */
  CREATE_ON_PUSH = 'CREATE_ON_PUSH',
  /** Repositories that a pull through cache rule creates. */
  PULL_THROUGH_CACHE = 'PULL_THROUGH_CACHE',
}

/**
 * A tag that Amazon ECR puts on each repository it creates from a template.
 */
export interface CreationTemplateTag {
  /** The tag key (1-128 characters). */
  readonly key: string;
  /** The tag value (0-256 characters). */
  readonly value: string;
}

/**
 * Options of a repository creation template of a `SharedLayerRegistry`.
 *
 * There is deliberately no encryption option: repositories that ECR creates from the template get
 * the registry's encryption, so that they share layers with the rest of the registry.
 */
export interface RegistryCreationTemplateOptions {
  /**
   * The repository namespace the template applies to (`prod` applies to `prod/...`), or `ROOT` for
   * every repository that no other template matches.
   *
   * For pull through cache, use the rule's prefix (or `ROOT`).
   */
  readonly prefix: string;

  /**
   * When Amazon ECR applies the template.
   */
  readonly appliedFor: CreationTemplateAppliedFor[];

  /**
   * A description of the template.
   *
   * @default - a description naming the registry
   */
  readonly description?: string;

  /**
   * Tag mutability of the repositories created from the template.
   *
   * @default - the registry's `imageTagMutability`
   */
  readonly imageTagMutability?: ecr.TagMutability;

  /**
   * Wildcard filters of tags exempt from tag mutability, with `TagMutability.IMMUTABLE_WITH_EXCLUSION`
   * or `TagMutability.MUTABLE_WITH_EXCLUSION`.
   *
   * @default - the registry's `imageTagMutabilityExclusionFilters` when `imageTagMutability` is not set here, else none
   */
  readonly imageTagMutabilityExclusionFilters?: string[];

  /**
   * Lifecycle rules of the repositories created from the template, merged with the registry's
   * default rules.
   *
   * @default - the registry's default rules only
   */
  readonly lifecycleRules?: LifecycleRule[];

  /**
   * Tags that Amazon ECR puts on each repository it creates from the template. Tags make the
   * template use the registry's creation template role.
   *
   * @default - no tags
   */
  readonly resourceTags?: CreationTemplateTag[];
}

/**
 * Properties of a `RegistryCreationTemplate`.
 */
export interface RegistryCreationTemplateProps extends RegistryCreationTemplateOptions {
  /**
   * The registry whose encryption, tag mutability and default lifecycle rules the template carries.
   * The template must be in the registry's account and region.
   */
  readonly registry: SharedLayerRegistry;
}

/**
 * An Amazon ECR repository creation template (`AWS::ECR::RepositoryCreationTemplate`) that gives
 * repositories ECR creates by itself (replication, create on push, pull through cache) the
 * registry's encryption, tag mutability and default lifecycle policy, so they stay in the
 * registry's encryption island. Without a matching template ECR creates them with AES256 and
 * mutable tags.
 *
 * A registry with KMS encryption (or a template with tags) gets one IAM role, shared by all its
 * templates, that ECR assumes to create the repositories: trusted by `ecr.amazonaws.com`, allowed
 * to create, replicate into and tag the registry's repositories, and to create the KMS grants on
 * the registry's key only.
 *
 * Settings apply only when ECR creates a repository, never to existing repositories. Prefixes are
 * unique in a registry.
 *
 * @example
 * declare const registry: SharedLayerRegistry;
 * new RegistryCreationTemplate(registry, 'ProdTemplate', {
 *   registry,
 *   prefix: 'prod',
 *   appliedFor: [CreationTemplateAppliedFor.REPLICATION],
 * });
 */
export class RegistryCreationTemplate extends Construct {
  /**
   * The registry's default template: prefix `ROOT`, applied for REPLICATION and CREATE_ON_PUSH, and
   * for PULL_THROUGH_CACHE as soon as the registry has a pull through cache rule. Created once, as
   * the child `DefaultCreationTemplate` of the registry.
   * @internal
   */
  public static _default(registry: SharedLayerRegistry): RegistryCreationTemplate {
    const template = new RegistryCreationTemplate(registry, 'DefaultCreationTemplate', {
      registry,
      prefix: ROOT_PREFIX,
      appliedFor: [CreationTemplateAppliedFor.REPLICATION, CreationTemplateAppliedFor.CREATE_ON_PUSH],
      description: fitDescription('Default settings of repositories ECR creates in ', registry.node.path, ' (cdk-ecr-shared-layers)'),
    });
    template.extraAppliedFor = () => registry._pullThroughPrefixes().length > 0 ? [CreationTemplateAppliedFor.PULL_THROUGH_CACHE] : [];
    return template;
  }

  /** The prefix the template applies to. */
  public readonly prefix: string;
  /** The underlying CloudFormation resource. */
  public readonly resource: ecr.CfnRepositoryCreationTemplate;
  /**
   * The role ECR assumes to create repositories from this template.
   * @default - none: ECR uses its service-linked role (AES256 encryption and no tags)
   */
  public readonly role?: iam.IRole;

  /** appliedFor values that depend on the rest of the registry (evaluated at synthesis). */
  private extraAppliedFor?: () => string[];

  constructor(scope: Construct, id: string, props: RegistryCreationTemplateProps) {
    super(scope, id);
    const registry = props.registry;
    registry._checkSameRegistry(this, 'repository creation template');
    this.prefix = props.prefix;
    validatePrefix(this, props.prefix);
    const appliedFor = validateAppliedFor(this, props.appliedFor);
    validateTags(this, props.resourceTags ?? []);

    const allAppliedFor = () => [...new Set([...appliedFor, ...(this.extraAppliedFor?.() ?? [])])];
    this.register(registry, allAppliedFor);

    const encryption = registry.encryption;
    const needsRole = encryption.encryptionType !== 'AES256' || (props.resourceTags ?? []).length > 0;
    this.role = needsRole ? registry._templateRole(() => new CreationTemplateRole(registry, 'CreationTemplateRole').role) : undefined;

    // The same configuration object every repository of the registry renders.
    const rendered = registry._encryptionConfiguration;
    checkKeyIsNotAnAlias(this, registry, rendered.kmsKey);
    const mutability = registry._tagMutabilityFor(this, {
      imageTagMutability: props.imageTagMutability,
      imageTagMutabilityExclusionFilters: props.imageTagMutabilityExclusionFilters,
    });

    this.resource = new ecr.CfnRepositoryCreationTemplate(this, 'Resource', {
      prefix: props.prefix,
      appliedFor: Lazy.list({ produce: allAppliedFor }),
      description: props.description ?? fitDescription(`Repositories ECR creates under ${props.prefix} in `, registry.node.path, ' (cdk-ecr-shared-layers)'),
      // The template's own property type: mapped field by field from the repository's.
      encryptionConfiguration: rendered.kmsKey === undefined
        ? { encryptionType: rendered.encryptionType }
        : { encryptionType: rendered.encryptionType, kmsKey: rendered.kmsKey },
      imageTagMutability: mutability.imageTagMutability,
      imageTagMutabilityExclusionFilters: mutability.imageTagMutabilityExclusionFilters?.map((f) => ({
        imageTagMutabilityExclusionFilterType: f.imageTagMutabilityExclusionFilterType,
        imageTagMutabilityExclusionFilterValue: f.imageTagMutabilityExclusionFilterValue,
      })),
      lifecyclePolicy: registry._lifecyclePolicyFor(this, props.lifecycleRules ?? [])?.lifecyclePolicyText,
      resourceTags: props.resourceTags?.map((t) => ({ key: t.key, value: t.value })),
      customRoleArn: this.role?.roleArn,
    });
    if (this.role) {
      // ECR checks the role when the template is created.
      this.resource.node.addDependency(this.role);
    }
  }

  private register(registry: SharedLayerRegistry, appliedFor: () => string[]): void {
    if (Token.isUnresolved(this.prefix)) {
      return;
    }
    registry._registerTemplate({ template: this, prefix: normalisePrefix(this.prefix), appliedFor });
  }
}

/**
 * The IAM role that Amazon ECR assumes to create repositories from the templates of one registry
 * (needed for KMS encryption and for tags). One per registry, the child
 * `CreationTemplateRole` of the registry.
 */
class CreationTemplateRole extends Construct {
  public readonly role: iam.Role;

  constructor(registry: SharedLayerRegistry, id: string) {
    super(registry, id);
    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      // The trust policy of the ECR user guide (no condition keys documented for this role).
      assumedBy: new iam.ServicePrincipal('ecr.amazonaws.com'),
      description: `Assumed by Amazon ECR to create repositories from the creation templates of ${registry.node.path}`,
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CreateRepositoriesOfThisRegistry',
      actions: ['ecr:CreateRepository', 'ecr:ReplicateImage', 'ecr:TagResource'],
      resources: [registry._allRepositoriesArn()],
    }));
    const acknowledgements = [{
      id: nagWildcardResourceId(this, registry._allRepositoriesArn()),
      reason: 'Amazon ECR creates repositories of names nobody knows in advance (replication, create on push, pull through cache); the statement is limited to the repositories of this registry (its account and region).',
    }];

    const key = registry.encryption.key;
    if (key) {
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'UseTheRegistryKey',
        actions: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
        resources: [key.keyArn],
      }));
    } else if (registry.encryption.encryptionType !== 'AES256') {
      // The AWS managed key aws/ecr: its ARN is not known in advance; through ECR only.
      const anyKeyOfTheRegistry = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'UseTheAwsManagedEcrKey',
        actions: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
        resources: [anyKeyOfTheRegistry],
        conditions: registry._kmsThroughEcrCondition(),
      }));
      acknowledgements.push({
        id: nagWildcardResourceId(this, anyKeyOfTheRegistry),
        reason: 'The AWS managed key aws/ecr has no ARN known at synthesis; the statement is limited to keys of this account and region used through Amazon ECR (kms:ViaService).',
      });
    }
    Validations.of(this.role).acknowledge(...acknowledgements);
  }
}

/**
 * Fails when the registry's key is given as an alias: ECR's `KmsKey` of a creation template must be
 * a key ARN (an alias ARN is rejected when the template is created).
 */
function checkKeyIsNotAnAlias(scope: Construct, registry: SharedLayerRegistry, kmsKey: string | undefined): void {
  if (kmsKey === undefined) {
    return;
  }
  const text = Token.isUnresolved(kmsKey) ? Stack.of(scope).resolve(kmsKey) : kmsKey;
  if (aliasIn(text)) {
    fail(scope, 'creationTemplateKeyIsAlias', `The registry ${registry.node.path} uses the KMS key ${registry.encryption.key?.node.path ?? 'given'} as an alias (${typeof text === 'string' ? text : 'an alias ARN'}), but a repository creation template needs a key ARN: Amazon ECR rejects an alias in KmsKey. Give the key itself: kms.Key.fromKeyArn(this, 'Key', 'arn:aws:kms:<region>:<account>:key/<key id>') (aws kms describe-key --key-id alias/... prints the ARN), or the kms.Key construct.`);
  }
}

/** Whether a resolved value names a KMS alias (a literal, or an alias construct's ARN). */
function aliasIn(value: unknown): boolean {
  if (typeof value === 'string') {
    return KMS_ALIAS.test(value);
  }
  return JSON.stringify(value ?? null).includes(':alias/');
}

/**
 * A default description within ECR's limit (RepositoryTemplateDescription: at most 256 characters):
 * a registry deep in the construct tree keeps the end of its path.
 */
function fitDescription(before: string, path: string, after: string): string {
  const room = MAX_DESCRIPTION_LENGTH - before.length - after.length;
  const shown = Token.isUnresolved(before) || path.length <= room ? path : `...${path.slice(path.length - room + 3)}`;
  return `${before}${shown}${after}`;
}

function normalisePrefix(prefix: string): string {
  return prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
}

function validatePrefix(scope: Construct, prefix: string): void {
  if (Token.isUnresolved(prefix)) {
    return;
  }
  if (prefix.length > MAX_PREFIX_LENGTH || !TEMPLATE_PREFIX.test(prefix)) {
    fail(scope, 'invalidCreationTemplatePrefix', `Invalid repository creation template prefix ${show(prefix)}: expected ${ROOT_PREFIX} or a repository namespace of at most ${MAX_PREFIX_LENGTH} characters (lower-case letters and digits separated by '.', '_', '__', runs of '-' or '/'), for example 'prod' or 'team/api'.`);
  }
}

function validateAppliedFor(scope: Construct, appliedFor: CreationTemplateAppliedFor[]): string[] {
  const allowed = Object.values(CreationTemplateAppliedFor) as string[];
  if (appliedFor.length === 0) {
    fail(scope, 'creationTemplateWithoutAppliedFor', `A repository creation template needs at least one appliedFor value, but got ${show(appliedFor)}. Expected one or more of ${allowed.join(', ')}.`);
  }
  for (const value of appliedFor) {
    if (!Token.isUnresolved(value) && !allowed.includes(value)) {
      fail(scope, 'invalidCreationTemplateAppliedFor', `Invalid appliedFor value ${show(value)} of a repository creation template: expected one of ${allowed.join(', ')} (CreationTemplateAppliedFor).`);
    }
  }
  const unique = [...new Set(appliedFor)];
  if (unique.length !== appliedFor.length) {
    fail(scope, 'duplicateCreationTemplateAppliedFor', `appliedFor ${show(appliedFor)} lists a value twice: list each of ${allowed.join(', ')} at most once.`);
  }
  return unique;
}

function validateTags(scope: Construct, tags: CreationTemplateTag[]): void {
  const keys = new Set<string>();
  for (const tag of tags) {
    if (!Token.isUnresolved(tag.key) && (tag.key.length < 1 || tag.key.length > 128)) {
      fail(scope, 'invalidCreationTemplateTag', `Invalid tag key ${show(tag.key)} of a repository creation template: expected 1-128 characters.`);
    }
    if (!Token.isUnresolved(tag.value) && tag.value.length > 256) {
      fail(scope, 'invalidCreationTemplateTag', `Invalid value of tag ${show(tag.key)} of a repository creation template: ${tag.value.length} characters, expected at most 256.`);
    }
    if (keys.has(tag.key)) {
      fail(scope, 'duplicateCreationTemplateTag', `Tag key ${show(tag.key)} is given twice in the resourceTags of a repository creation template: give each key once.`);
    }
    keys.add(tag.key);
  }
}
