import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { RegistryCreationTemplate, RegistryCreationTemplateOptions } from './creation-template';
import { PullThroughCacheRule, PullThroughCacheRuleOptions } from './pull-through-cache';
import { RegisteredTemplate } from './registered-template';
import { RegistryPolicy, ReplicationSourceOptions } from './registry-policy';
import { RegistryReplication } from './registry-replication';
import { RegistryScanningConfiguration } from './registry-scanning-configuration';
import { RegistrySettings } from './registry-settings';
import { checkMutability, validateExclusionFilters } from './repository-options';
import { SharedRepository, SharedRepositoryOptions } from './shared-repository';
import { AccountSettingName, EcrAccountSetting } from '../account-settings/ecr-account-setting';
import { RegistryAuditRole, RegistryAuditRoleOptions } from '../audit-role/registry-audit-role';
import { RegistryEncryption } from '../encryption';
import { renderLifecyclePolicy, validateLifecycleRules } from '../lifecycle/lifecycle-policy';
import { LifecycleRule } from '../lifecycle/lifecycle-rule';
import { RegistryMonitor } from '../monitor/registry-monitor';
import { allRepositoriesArn } from '../private/aws-names';
import { markAsRegistry } from '../private/brands';
import { fail, show } from '../private/errors';
import { ReplicationRuleOptions } from '../replication/replication';
import { LayerSharingChecks } from '../validation/layer-sharing-checks';

/**
 * Properties of a `SharedLayerRegistry`.
 */
export interface SharedLayerRegistryProps extends RegistrySettings {
  /**
   * The encryption of every repository of the registry. Layers are shared only between
   * repositories with identical encryption type and key, so there is exactly one per registry.
   *
   * Changing it after deployment replaces every repository (encryption is create-only in ECR), and
   * fails for named repositories: choose it once. A key given here gets a key policy statement that
   * lets the account's principals create the grants ECR needs, through ECR only (`kms:ViaService`);
   * an imported key's policy cannot be changed by CDK: it must already allow `kms:CreateGrant`,
   * `kms:RetireGrant` and `kms:DescribeKey` to the principal that deploys the repositories.
   * Give the key itself (`kms.Key`, `kms.Key.fromKeyArn`), not an alias: repository creation
   * templates need a key ARN.
   *
   * @default RegistryEncryption.AES256
   */
  readonly encryption?: RegistryEncryption;

  /**
   * Allow registry policy statements that grant to everyone (`Principal: "*"`, `AnyPrincipal`)
   * without a condition that limits them to an organization or to accounts. Without it, such a
   * statement fails synthesis (`cdk-ecr-shared-layers:registryPolicyPublic`): the registry's
   * images would be readable by anyone.
   *
   * @default false
   */
  readonly allowPublicAccess?: boolean;

  /**
   * Create the read-only role that `npx cdk-ecr-shared-layers audit --accounts ... --role-name ...`
   * assumes in this account (see `RegistryAuditRole`). IAM roles are global to an account: give it
   * to the registry of one region only.
   *
   * @default - no audit role
   */
  readonly auditRole?: RegistryAuditRoleOptions;
}

const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];
const PUSH_ACTIONS = ['ecr:CompleteLayerUpload', 'ecr:UploadLayerPart', 'ecr:InitiateLayerUpload', 'ecr:BatchCheckLayerAvailability', 'ecr:PutImage'];
/** A push mounts a layer from another repository only with this action on the source repository. */
const MOUNT_ACTIONS = ['ecr:GetDownloadUrlForLayer'];

/**
 * The Amazon ECR registry of a stack's account and region, run so that its repositories share
 * image layers (blob mounting): the account setting on, one encryption configuration for every
 * repository, and defaults (tag mutability, lifecycle rules) in one place.
 *
 * One registry = one owner: a second `SharedLayerRegistry` for the same account and region makes
 * synthesis fail. Repositories in other stacks join with `new SharedRepository(stack, id, { registry })`.
 *
 * @example
 * declare const stack: Stack;
 * declare const key: kms.IKey;
 * const registry = new SharedLayerRegistry(stack, 'Registry', {
 *   encryption: RegistryEncryption.kms(key),
 * });
 * registry.addRepository('Api', { repositoryName: 'team/api' });
 */
export class SharedLayerRegistry extends Construct {
  /** The encryption of every repository of the registry. */
  public readonly encryption: RegistryEncryption;
  /** The registry id: the account id. */
  public readonly registryId: string;
  /** The region of the registry. */
  public readonly region: string;
  /** The registry URI, `<account>.dkr.ecr.<region>.<url suffix>`. */
  public readonly registryUri: string;
  /**
   * The `BLOB_MOUNTING` account setting.
   * @default - none when `blobMounting` is false
   */
  public readonly blobMountingSetting?: EcrAccountSetting;
  /**
   * The read-only role of the fleet audit.
   * @default - none unless `auditRole` is given
   */
  public readonly auditRole?: RegistryAuditRole;
  /**
   * The monitor of the registry.
   * @default - none unless `monitoring` is given
   */
  public readonly monitor?: RegistryMonitor;

  private readonly defaultLifecycleRules: LifecycleRule[];
  private readonly imageTagMutability: ecr.TagMutability;
  private readonly imageTagMutabilityExclusionFilters?: string[];
  private readonly allowPublicAccess: boolean;
  private readonly repositoryList: SharedRepository[] = [];
  private readonly repositoryNames = new Map<string, SharedRepository>();
  private readonly templatesByPrefix = new Map<string, RegisteredTemplate>();
  private readonly pullThroughRules: PullThroughCacheRule[] = [];
  private defaultLifecyclePolicy?: ecr.CfnRepository.LifecyclePolicyProperty | null;
  private renderedEncryption?: ecr.CfnRepository.EncryptionConfigurationProperty;
  private policy?: RegistryPolicy;
  private replicationConfiguration?: RegistryReplication;
  private templateRole?: iam.IRole;

  constructor(scope: Construct, id: string, props: SharedLayerRegistryProps = {}) {
    super(scope, id);
    markAsRegistry(this);
    const stack = Stack.of(this);
    this.registryId = stack.account;
    this.region = stack.region;
    this.registryUri = `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}`;

    this.encryption = props.encryption ?? RegistryEncryption.AES256;
    this.encryption._validate(this);
    this.allowEcrToUseKey();

    this.imageTagMutability = props.imageTagMutability ?? ecr.TagMutability.IMMUTABLE;
    this.imageTagMutabilityExclusionFilters = props.imageTagMutabilityExclusionFilters;
    validateExclusionFilters(this, this.imageTagMutabilityExclusionFilters);
    checkMutability(this, this.imageTagMutability, this.imageTagMutabilityExclusionFilters);

    this.defaultLifecycleRules = props.lifecycleRules ?? [];
    validateLifecycleRules(this, this.defaultLifecycleRules, 'lifecycleRules');
    this.allowPublicAccess = props.allowPublicAccess ?? false;

    const removalPolicy = props.accountSettingsRemovalPolicy;
    if (props.blobMounting ?? true) {
      this.blobMountingSetting = EcrAccountSetting.blobMounting(this, 'BlobMounting', { removalPolicy });
    }
    if (props.registryPolicyScope) {
      new EcrAccountSetting(this, 'RegistryPolicyScope', { name: AccountSettingName.REGISTRY_POLICY_SCOPE, value: props.registryPolicyScope });
    }
    if (props.basicScanTypeVersion) {
      new EcrAccountSetting(this, 'BasicScanTypeVersion', { name: AccountSettingName.BASIC_SCAN_TYPE_VERSION, value: props.basicScanTypeVersion });
    }

    if (props.creationTemplates ?? true) {
      RegistryCreationTemplate._default(this);
    }
    if (props.scanning) {
      new RegistryScanningConfiguration(this, 'Scanning', { registry: this, scanning: props.scanning });
    }
    for (const rule of props.replication ?? []) {
      this.addReplication(rule);
    }

    if (props.auditRole) {
      this.auditRole = new RegistryAuditRole(this, 'AuditRole', props.auditRole);
    }
    if (props.monitoring) {
      this.monitor = new RegistryMonitor(this, 'Monitor', { ...(props.monitoring === true ? {} : props.monitoring), registry: this });
    }

    // The app-wide layer-sharing checks run for every app with a registry, without being asked.
    LayerSharingChecks.ensure(this);

  }

  /** The repositories of the registry, in every stack. */
  public get repositories(): SharedRepository[] {
    return [...this.repositoryList];
  }

  /**
   * Adds a repository to the registry, in the registry's stack. For other stacks, use
   * `new SharedRepository(stack, id, { registry })`.
   */
  public addRepository(id: string, options: SharedRepositoryOptions = {}): SharedRepository {
    return new SharedRepository(this, id, { ...options, registry: this });
  }

  /**
   * References an existing repository of the registry by name. Its encryption is NOT checked
   * (CDK cannot see it): synthesis warns so that you can confirm it matches the registry's.
   *
   * Its `grantPush()` and `grantPullPush()` also grant `ecr:GetDownloadUrlForLayer` on every
   * repository of the registry, so that a push can mount layers (as for a `SharedRepository`).
   */
  public importRepository(id: string, repositoryName: string): ecr.IRepository {
    const registry = this;
    const repository = new (class ImportedSharedRepository extends ecr.RepositoryBase {
      public readonly repositoryName = repositoryName;
      public readonly repositoryArn = ecr.Repository.arnForLocalRepository(repositoryName, registry);

      public addToResourcePolicy(_statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
        // As aws-cdk-lib's ecr.Repository.fromRepositoryName: an imported repository's policy cannot be changed.
        return { statementAdded: false };
      }

      public grantPush(grantee: iam.IGrantable): iam.Grant {
        const grant = super.grantPush(grantee);
        registry._grantMountSources(grantee);
        return grant;
      }

      public grantPullPush(grantee: iam.IGrantable): iam.Grant {
        const grant = super.grantPullPush(grantee);
        registry._grantMountSources(grantee);
        return grant;
      }
    })(this, id);
    // The layer-sharing checks warn about it (importedRepositoryNotChecked), as about every imported repository.
    return repository;
  }

  /**
   * Adds a replication rule to the registry's one replication configuration: images pushed to
   * the matching repositories are copied to the destinations (other regions and/or accounts).
   *
   * The destination registry should itself be a `SharedLayerRegistry` (or have a REPLICATION
   * creation template with its key) so replicated repositories land in its encryption island; a
   * destination in another account must allow this account in its registry policy
   * (`ReplicationDestinationPolicy`, or `allowReplicationFrom()` on the destination registry).
   */
  public addReplication(rule: ReplicationRuleOptions): void {
    this.replicationConfiguration ??= new RegistryReplication(this, 'Replication', { registry: this });
    this.replicationConfiguration.addRule(rule);
  }

  /**
   * Adds a statement to the registry's one registry policy (`AWS::ECR::RegistryPolicy`).
   */
  public addToRegistryPolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    const policy = this._registryPolicy();
    policy.addStatements(statement);
    return { statementAdded: true, policyDependable: policy.document };
  }

  /**
   * Lets another account replicate into this registry (`ecr:ReplicateImage` and `ecr:CreateRepository`
   * in the registry policy).
   */
  public allowReplicationFrom(options: ReplicationSourceOptions): void {
    this._registryPolicy().allowReplicationFrom(options);
  }

  /**
   * Adds a repository creation template for a prefix; its encryption is always the registry's.
   */
  public addCreationTemplate(id: string, options: RegistryCreationTemplateOptions): RegistryCreationTemplate {
    return new RegistryCreationTemplate(this, id, { ...options, registry: this });
  }

  /**
   * Adds a pull-through cache rule. Images pulled through cache cannot be mounted (ECR does not
   * share their layers), and their prefix is kept out of the layer-sharing statistics.
   */
  public addPullThroughCacheRule(options: PullThroughCacheRuleOptions): PullThroughCacheRule {
    // The construct id (part of the logical id, so a contract once deployed) names the prefix:
    // `PullThroughCache-ecr-public` (a '/' of the prefix becomes '--', as constructs do).
    const id = Token.isUnresolved(options.prefix) ? `PullThroughCache${this.pullThroughRules.length}` : `PullThroughCache-${options.prefix}`;
    return new PullThroughCacheRule(this, id, { ...options, registry: this });
  }

  /**
   * Grants pull on every repository of the registry (and `ecr:GetAuthorizationToken`).
   */
  public grantPull(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnAllRepositories(grantee, PULL_ACTIONS);
  }

  /**
   * Grants push on every repository of the registry, with `ecr:GetDownloadUrlForLayer` so that a
   * push can mount layers from any of them (and `ecr:GetAuthorizationToken`).
   */
  public grantPush(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnAllRepositories(grantee, [...PUSH_ACTIONS, ...MOUNT_ACTIONS]);
  }

  /**
   * Grants pull and push on every repository of the registry (and `ecr:GetAuthorizationToken`).
   */
  public grantPullPush(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnAllRepositories(grantee, [...PULL_ACTIONS, ...PUSH_ACTIONS]);
  }

  /**
   * Grants `ecr:GetDownloadUrlForLayer` on every repository of the registry: what a push needs to
   * mount an existing layer from another repository.
   * @internal
   */
  public _grantMountSources(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: MOUNT_ACTIONS, resourceArns: [this._allRepositoriesArn()] });
  }

  /**
   * Rendered once, the same object for every repository (byte-identical in every template).
   * @internal
   */
  public get _encryptionConfiguration(): ecr.CfnRepository.EncryptionConfigurationProperty {
    this.renderedEncryption ??= this.encryption._render();
    return this.renderedEncryption;
  }

  /**
   * The registry policy, the child `Policy` of the registry, created on first use.
   * @internal
   */
  public _registryPolicy(): RegistryPolicy {
    this.policy ??= new RegistryPolicy(this, 'Policy', { allowPublicAccess: this.allowPublicAccess });
    return this.policy;
  }

  /**
   * Registers a repository; fails on a second repository of the same name.
   * @internal
   */
  public _register(repository: SharedRepository, repositoryName?: string): void {
    if (repositoryName !== undefined && !Token.isUnresolved(repositoryName)) {
      const existing = this.repositoryNames.get(repositoryName);
      if (existing) {
        fail(repository, 'duplicateRepositoryName', `The registry ${this.node.path} already has a repository named ${show(repositoryName)} (${existing.node.path}). Repository names are unique in a registry: choose another name, or reuse ${existing.node.path}.`);
      }
      this.repositoryNames.set(repositoryName, repository);
    }
    this.repositoryList.push(repository);
  }

  /**
   * Registers a creation template under its normalised prefix; fails on a second template of the same prefix.
   * @internal
   */
  public _registerTemplate(registered: RegisteredTemplate): void {
    const existing = this.templatesByPrefix.get(registered.prefix);
    if (existing) {
      fail(registered.template, 'duplicateCreationTemplatePrefix', `The registry ${this.node.path} already has a repository creation template for prefix ${show(registered.prefix)} (${existing.template.node.path}). A prefix has at most one template in a registry: add the appliedFor values to ${existing.template.node.path}, or use another prefix.`);
    }
    this.templatesByPrefix.set(registered.prefix, registered);
  }

  /**
   * The creation templates of the registry, by normalised prefix.
   * @internal
   */
  public _templates(): RegisteredTemplate[] {
    return [...this.templatesByPrefix.values()];
  }

  /**
   * The role ECR assumes for the registry's creation templates, made by `create` on first use.
   * @internal
   */
  public _templateRole(create: () => iam.IRole): iam.IRole {
    this.templateRole ??= create();
    return this.templateRole;
  }

  /**
   * Registers a pull through cache rule; fails over ECR's limit or on a second rule of the same prefix.
   * @internal
   */
  public _registerPullThroughRule(rule: PullThroughCacheRule, maxRules: number): void {
    const rules = this.pullThroughRules;
    if (rules.length + 1 > maxRules) {
      fail(rule, 'tooManyPullThroughCacheRules', `The registry ${this.node.path} would have ${rules.length + 1} pull through cache rules, but Amazon ECR allows at most ${maxRules} per registry. Remove rules you do not need.`);
    }
    const duplicate = rules.find((r) => !Token.isUnresolved(r.prefix) && r.prefix === rule.prefix);
    if (duplicate) {
      fail(rule, 'duplicatePullThroughCachePrefix', `The registry ${this.node.path} already has a pull through cache rule with prefix ${show(rule.prefix)} (${duplicate.node.path}). A prefix has one upstream: choose another prefix.`);
    }
    rules.push(rule);
  }

  /**
   * The prefixes of the registry's pull through cache rules, in the order added.
   * @internal
   */
  public _pullThroughPrefixes(): string[] {
    return this.pullThroughRules.map((rule) => rule.prefix);
  }

  /**
   * Fails when `part` (a registry-wide resource: template, rule, policy) is in a stack of another
   * account or region than the registry: it would configure another registry.
   * @internal
   */
  public _checkSameRegistry(part: IConstruct, what: string): void {
    const mine = Stack.of(part);
    const theirs = Stack.of(this);
    if (mine === theirs) {
      return;
    }
    for (const [dimension, a, b] of [['account', mine.account, theirs.account], ['region', mine.region, theirs.region]] as const) {
      if (!Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b) {
        fail(part, 'notInRegistryAccountAndRegion', `A ${what} must be in its registry's account and region, but its stack ${mine.node.path} has ${dimension} ${show(a)} and the registry ${this.node.path} has ${show(b)}. Create it in a stack with env { account: ${show(theirs.account)}, region: ${show(theirs.region)} }.`);
      }
    }
  }

  /**
   * The tag mutability of a repository: its own, or the registry's.
   * @internal
   */
  public _tagMutabilityFor(scope: Construct, options: SharedRepositoryOptions): {
    imageTagMutability: string;
    imageTagMutabilityExclusionFilters?: ecr.CfnRepository.ImageTagMutabilityExclusionFilterProperty[];
  } {
    const mutability = options.imageTagMutability ?? this.imageTagMutability;
    const filters = options.imageTagMutability !== undefined
      ? options.imageTagMutabilityExclusionFilters
      : options.imageTagMutabilityExclusionFilters ?? this.imageTagMutabilityExclusionFilters;
    checkMutability(scope, mutability, filters);
    return {
      imageTagMutability: mutability,
      imageTagMutabilityExclusionFilters: filters?.map((filter) => ({ imageTagMutabilityExclusionFilterType: 'WILDCARD', imageTagMutabilityExclusionFilterValue: filter })),
    };
  }

  /**
   * The lifecycle policy of a repository: the registry's default rules merged with its own.
   * @internal
   */
  public _lifecyclePolicyFor(scope: Construct, own: LifecycleRule[]): ecr.CfnRepository.LifecyclePolicyProperty | undefined {
    if (own.length === 0) {
      // Rendered once per registry, not once per repository.
      if (this.defaultLifecyclePolicy === undefined) {
        const text = renderLifecyclePolicy(this, this.defaultLifecycleRules, []);
        this.defaultLifecyclePolicy = text === undefined ? null : { lifecyclePolicyText: text };
      }
      return this.defaultLifecyclePolicy ?? undefined;
    }
    const text = renderLifecyclePolicy(scope, this.defaultLifecycleRules, own);
    return text === undefined ? undefined : { lifecyclePolicyText: text };
  }

  private grantOnAllRepositories(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: [...new Set(actions)], resourceArns: [this._allRepositoriesArn()] });
    iam.Grant.addToPrincipal({ grantee, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] });
    return grant;
  }

  /**
   * Every repository of the registry, including those ECR creates later (replication, create on push).
   * @internal
   */
  public _allRepositoriesArn(): string {
    return allRepositoriesArn(Stack.of(this));
  }

  /**
   * The KMS condition that limits a statement to this registry's account, used through Amazon ECR.
   * @internal
   */
  public _kmsThroughEcrCondition(): Record<string, Record<string, string>> {
    const stack = Stack.of(this);
    return {
      StringEquals: {
        'kms:ViaService': Lazy.string({ produce: () => `ecr.${stack.region}.amazonaws.com` }),
        'kms:CallerAccount': stack.account,
      },
    };
  }

  /** Lets ECR create the grants it needs on the registry's own key (through ECR only). */
  private allowEcrToUseKey(): void {
    const key = this.encryption.key;
    if (!key) {
      return;
    }
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowEcrRepositoriesOfThisRegistry',
      principals: [new iam.AccountRootPrincipal()],
      actions: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: this._kmsThroughEcrCondition(),
    }), /* allowNoOp: imported keys cannot be changed */ true);
  }
}
