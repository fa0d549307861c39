import { RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { BasicScanTypeVersion, RegistryPolicyScope } from '../account-settings/account-setting-values';
import { LifecycleRule } from '../lifecycle/lifecycle-rule';
import { RegistryMonitoringOptions } from '../monitor/registry-monitoring-options';
import { ReplicationRuleOptions } from '../replication/replication';
import { RegistryScanning } from '../scanning/registry-scanning';

/**
 * The settings of a registry that a `SharedLayerRegistry` and a `RegistryBaselineStackSet` share:
 * the account settings, the defaults of its repositories, and its registry-wide configuration.
 */
export interface RegistrySettings {
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
   * What happens to the account settings (blob mounting) when the registry is removed (with a
   * baseline: when a stack instance is deleted, because an account leaves the target organizational
   * units or the stack set is deleted). `RemovalPolicy.DESTROY` turns blob mounting off
   * best-effort; layers already mounted keep working.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly accountSettingsRemovalPolicy?: RemovalPolicy;

  /**
   * The default tag mutability of every repository (and of the repositories ECR creates from the
   * creation templates).
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
   * Lifecycle rules applied to every repository of the registry (and to the repositories ECR
   * creates from the creation templates), merged with a repository's own. Nothing expires images
   * unless a rule here or on a repository says so.
   *
   * @default - no rules
   */
  readonly lifecycleRules?: LifecycleRule[];

  /**
   * Emit repository creation templates (prefix `ROOT`, applied for REPLICATION and CREATE_ON_PUSH,
   * and PULL_THROUGH_CACHE once the registry has a pull-through cache rule) that carry the
   * registry's encryption, tag mutability and default lifecycle rules, so that repositories ECR
   * creates by itself land in the registry's encryption island. Not available in the China and
   * AWS GovCloud (US) regions.
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
   * Replication rules of the registry; more can be added with `addReplication()` on a
   * `SharedLayerRegistry`. A destination without an account is a region of the same account.
   *
   * @default - no replication
   */
  readonly replication?: ReplicationRuleOptions[];

  /**
   * Watch the registry from inside its account and region (a `RegistryMonitor`): every 5 minutes a
   * scheduled function counts the repositories outside the registry's encryption island, whoever
   * created them, with an alarm; daily it publishes the registry's layer-sharing figures as
   * CloudWatch metrics (namespace `EcrSharedLayers`), with a dashboard. `true` for the defaults, or
   * the options. See docs/monitoring.md.
   *
   * @default - no monitor
   */
  readonly monitoring?: boolean | RegistryMonitoringOptions;
}
