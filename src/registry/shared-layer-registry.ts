import { Annotations, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RegistryCreationTemplate, RegistryCreationTemplateOptions } from './creation-template';
import { PullThroughCacheRule, PullThroughCacheRuleOptions } from './pull-through-cache';
import { RegistryPolicy, ReplicationSourceOptions } from './registry-policy';
import { SharedRepository, SharedRepositoryOptions, validateExclusionFilters } from './shared-repository';
import { AccountSettingName, EcrAccountSetting } from '../account-settings/ecr-account-setting';
import { RegistryEncryption } from '../encryption';
import { renderLifecyclePolicy, validateLifecycleRules } from '../lifecycle/lifecycle-policy';
import { LifecycleRule } from '../lifecycle/lifecycle-rule';
import { fail, show } from '../private/errors';
import { claimRegistrySingleton } from '../private/registry-singletons';
import { RegistryReplication, ReplicationRuleOptions } from '../replication/replication';
import { RegistryScanning, RegistryScanningConfiguration } from '../scanning/registry-scanning';
import { LayerSharingChecks } from '../validation/layer-sharing-checks';

/** Values of the `REGISTRY_POLICY_SCOPE` account setting. */
export enum RegistryPolicyScope {
  /** The registry policy applies to all ECR actions (recommended). */
  V2 = 'V2',
  /** The original scope; Amazon ECR advises against going back to it (synthesis warns). */
  V1 = 'V1',
}

/** Values of the `BASIC_SCAN_TYPE_VERSION` account setting. */
export enum BasicScanTypeVersion {
  /** AWS native basic scanning (Clair was retired on 2026-02-02). */
  AWS_NATIVE = 'AWS_NATIVE',
}

/**
 * Properties of a `SharedLayerRegistry`.
 */
export interface SharedLayerRegistryProps {
  /**
   * The encryption of every repository of the registry. Layers are shared only between
   * repositories with identical encryption type and key, so there is exactly one per registry.
   *
   * Changing it after deployment replaces every repository (encryption is create-only in ECR), and
   * fails for named repositories: choose it once. A key given here gets a key policy statement that
   * lets the account's principals create the grants ECR needs, through ECR only (`kms:ViaService`);
   * an imported key's policy cannot be changed by CDK: it must already allow `kms:CreateGrant`,
   * `kms:RetireGrant` and `kms:DescribeKey` to the principal that deploys the repositories.
   *
   * @default RegistryEncryption.AES256
   */
  readonly encryption?: RegistryEncryption;

  /**
   * Turn cross-repository layer sharing (the `BLOB_MOUNTING` account setting) on.
   * With `false`, the registry leaves the setting as it is (it manages no account setting).
   *
   * @default true
   */
  readonly blobMounting?: boolean;

  /**
   * Manage the `REGISTRY_POLICY_SCOPE` account setting as well.
   *
   * @default - the setting is left as it is
   */
  readonly registryPolicyScope?: RegistryPolicyScope;

  /**
   * Manage the `BASIC_SCAN_TYPE_VERSION` account setting as well.
   *
   * @default - the setting is left as it is
   */
  readonly basicScanTypeVersion?: BasicScanTypeVersion;

  /**
   * What happens to the account settings (blob mounting) when the registry is removed.
   * `RemovalPolicy.DESTROY` turns blob mounting off best-effort; layers already mounted keep working.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly accountSettingsRemovalPolicy?: RemovalPolicy;

  /**
   * The default tag mutability of every repository.
   *
   * @default ecr.TagMutability.IMMUTABLE
   */
  readonly imageTagMutability?: ecr.TagMutability;

  /**
   * Default wildcard filters of tags exempt from tag mutability (for example `latest`), used with
   * `TagMutability.IMMUTABLE_WITH_EXCLUSION` or `TagMutability.MUTABLE_WITH_EXCLUSION`.
   *
   * @default - none
   */
  readonly imageTagMutabilityExclusionFilters?: string[];

  /**
   * Lifecycle rules applied to every repository of the registry, merged with a repository's own.
   * Nothing expires images unless a rule here or on a repository says so.
   *
   * @default - no rules
   */
  readonly lifecycleRules?: LifecycleRule[];

  /**
   * Emit repository creation templates (prefix `ROOT`, applied for REPLICATION and CREATE_ON_PUSH,
   * and PULL_THROUGH_CACHE once the registry has a pull-through cache rule) that carry the
   * registry's encryption, tag mutability and default lifecycle rules, so that repositories ECR
   * creates by itself land in the registry's encryption island.
   *
   * With `false`, ECR creates replicated, create-on-push and pull-through repositories with AES256
   * and mutable tags: a KMS registry then silently gets repositories outside its island.
   *
   * @default true
   */
  readonly creationTemplates?: boolean;

  /**
   * The registry's scanning configuration (`RegistryScanning.basic()` or `RegistryScanning.enhanced()`).
   *
   * @default - the registry's scanning configuration is left as it is
   */
  readonly scanning?: RegistryScanning;

  /**
   * Replication rules of the registry; more can be added with `addReplication()`.
   *
   * @default - no replication
   */
  readonly replication?: ReplicationRuleOptions[];
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

  private readonly defaultLifecycleRules: LifecycleRule[];
  private readonly imageTagMutability: ecr.TagMutability;
  private readonly imageTagMutabilityExclusionFilters?: string[];
  private readonly repositoryList: SharedRepository[] = [];
  private readonly repositoryNames = new Map<string, SharedRepository>();
  private defaultLifecyclePolicy?: ecr.CfnRepository.LifecyclePolicyProperty | null;
  private renderedEncryption?: ecr.CfnRepository.EncryptionConfigurationProperty;

  constructor(scope: Construct, id: string, props: SharedLayerRegistryProps = {}) {
    super(scope, id);
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
      RegistryScanningConfiguration._for(this, props.scanning);
    }
    for (const rule of props.replication ?? []) {
      this.addReplication(rule);
    }

    // The app-wide layer-sharing checks run for every app with a registry, without being asked.
    LayerSharingChecks.ensure(this);

    claimRegistrySingleton(this, 'SharedLayerRegistry',
      'A registry has one owner: keep one SharedLayerRegistry per account and region, and add repositories from other stacks with new SharedRepository(stack, id, { registry }).');
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
   */
  public importRepository(id: string, repositoryName: string): ecr.IRepository {
    const repository = ecr.Repository.fromRepositoryName(this, id, repositoryName);
    Annotations.of(repository).addWarningV2('cdk-ecr-shared-layers:importedRepositoryNotChecked',
      `The imported repository ${show(repositoryName)} is not checked for encryption: it shares layers with this registry only if it uses ${this.encryption.describe()}. Confirm it (aws ecr describe-repositories --repository-names ${repositoryName}), then acknowledge this warning.`);
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
    RegistryReplication._of(this).addRule(rule);
  }

  /**
   * Adds a statement to the registry's one registry policy (`AWS::ECR::RegistryPolicy`).
   */
  public addToRegistryPolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    const policy = RegistryPolicy._of(this);
    policy.addStatements(statement);
    return { statementAdded: true, policyDependable: policy.document };
  }

  /**
   * Lets another account replicate into this registry (`ecr:ReplicateImage` and `ecr:CreateRepository`
   * in the registry policy).
   */
  public allowReplicationFrom(options: ReplicationSourceOptions): void {
    RegistryPolicy._of(this).allowReplicationFrom(options);
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
    return PullThroughCacheRule._add(this, options);
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
   * Registers a repository; fails on a second repository of the same name.
   * @internal
   */
  public _register(repository: SharedRepository, repositoryName?: string): void {
    if (repositoryName !== undefined && !Token.isUnresolved(repositoryName)) {
      const existing = this.repositoryNames.get(repositoryName);
      if (existing) {
        fail(repository, `The registry ${this.node.path} already has a repository named ${show(repositoryName)} (${existing.node.path}). Repository names are unique in a registry: choose another name, or reuse ${existing.node.path}.`);
      }
      this.repositoryNames.set(repositoryName, repository);
    }
    this.repositoryList.push(repository);
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
    return Stack.of(this).formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' });
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

function checkMutability(scope: Construct, mutability: ecr.TagMutability | string, filters: string[] | undefined): void {
  const withExclusion = mutability === ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION || mutability === ecr.TagMutability.MUTABLE_WITH_EXCLUSION;
  const hasFilters = (filters?.length ?? 0) > 0;
  if (withExclusion && !hasFilters) {
    fail(scope, `Tag mutability ${mutability} needs imageTagMutabilityExclusionFilters (for example ['latest']). Add the filters, or use ${mutability === ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION ? 'IMMUTABLE' : 'MUTABLE'}.`);
  }
  if (!withExclusion && hasFilters) {
    fail(scope, `imageTagMutabilityExclusionFilters ${show(filters)} are given with tag mutability ${mutability}, which ignores them. Use TagMutability.IMMUTABLE_WITH_EXCLUSION or TagMutability.MUTABLE_WITH_EXCLUSION, or remove the filters.`);
  }
}
