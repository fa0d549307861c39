import { BaselineEncryption } from './baseline-encryption';
import { BaselineAuditRoleOptions } from '../audit-role/registry-audit-role';
import { RegistrySettings } from '../registry/registry-settings';

/**
 * The registry settings that a `RegistryBaselineStackSet` applies in every account and region.
 *
 * They are the settings of a `SharedLayerRegistry` that make sense without repositories: the
 * account settings, and the creation templates, scanning and replication configurations that
 * apply to repositories created later. In a baseline, the tag mutability and lifecycle rules reach
 * only the repositories ECR creates from the creation template; a replication destination without
 * an account must not be one of the stack set's regions (a registry cannot replicate to itself).
 */
export interface RegistryBaselineOptions extends RegistrySettings {
  /**
   * The encryption that the creation templates give to the repositories ECR creates (replication,
   * create on push, pull through cache). See `BaselineEncryption` for which one to choose.
   *
   * @default BaselineEncryption.AES256
   */
  readonly encryption?: BaselineEncryption;

  /**
   * A value to change when the account settings must be applied again in every account and region,
   * for example after someone changed one by hand (CloudFormation drift detection does not see
   * account settings, and a custom resource only runs when its properties change). The next stack
   * set update then makes every `Custom::EcrAccountSetting` read the setting and write it back
   * where it differs.
   *
   * @default - none
   */
  readonly accountSettingsRevision?: string;

  /**
   * Create, in every target account, the read-only role that
   * `npx cdk-ecr-shared-layers audit --organization` assumes, trusted by the account that runs the
   * audit. Only the stack instance of `region` creates it (a CloudFormation condition on the
   * region), because IAM roles are global to an account.
   *
   * @default - no audit role
   */
  readonly auditRole?: BaselineAuditRoleOptions;
}
