import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ownersPath } from '../account-settings/contract';
import { fail, show } from '../private/errors';
import { nagWildcardResourceId } from '../private/nag';
import { registryReadStatements } from '../private/registry-read-statements';

/** The role name `npx cdk-ecr-shared-layers audit --accounts/--organization` assumes unless `--role-name` says otherwise. */
export const REGISTRY_AUDIT_ROLE_NAME = 'cdk-ecr-shared-layers-audit';

/**
 * Options of the read-only role that the fleet audit assumes in each account.
 */
export interface RegistryAuditRoleOptions {
  /**
   * The account that runs the audit (12 digits): its principals may assume the role,
   * subject to their own IAM permissions (`sts:AssumeRole` on this role).
   */
  readonly trustedAccount: string;

  /**
   * The role's name. IAM names are global to the account: deploy the role in one region only
   * (a StackSet that targets several regions must create it in one of them).
   *
   * @default 'cdk-ecr-shared-layers-audit' (the audit's default `--role-name`)
   */
  readonly roleName?: string;
}

/**
 * Options of the audit role that a `RegistryBaselineStackSet` creates in every target account.
 */
export interface BaselineAuditRoleOptions extends RegistryAuditRoleOptions {
  /**
   * The one region of the stack set (one of its `regions`) whose stack instance creates the role:
   * IAM roles are global to an account, so the stack instances of the other regions skip it.
   */
  readonly region: string;
}

/**
 * Properties of a `RegistryAuditRole`.
 */
export interface RegistryAuditRoleProps extends RegistryAuditRoleOptions {}

/**
 * A read-only IAM role for `npx cdk-ecr-shared-layers audit`, trusted by the account that runs it.
 *
 * Least privilege: only the Describe/Get/List calls the audit makes. `ecr:BatchGetImage` reads
 * manifests; no layer can be downloaded (no `ecr:GetDownloadUrlForLayer`), nothing can be changed,
 * and `ecr:GetAccountSetting` is limited to `BLOB_MOUNTING` by the `ecr:AccountSetting` condition;
 * `ssm:GetParametersByPath` reads the recorded owners of `BLOB_MOUNTING` only.
 */
export class RegistryAuditRole extends Construct {
  /** The role. */
  public readonly role: iam.IRole;
  /** The role's name (what `--role-name` must say). */
  public readonly roleName: string;

  constructor(scope: Construct, id: string, props: RegistryAuditRoleProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.trustedAccount) && !/^\d{12}$/.test(props.trustedAccount)) {
      fail(this, 'invalidAuditTrustedAccount', `trustedAccount must be an AWS account id of 12 digits, got ${show(props.trustedAccount)}. `
        + 'Pass the id of the account that runs the audit, for example \'111111111111\'.');
    }
    const roleName = props.roleName ?? REGISTRY_AUDIT_ROLE_NAME;
    if (!Token.isUnresolved(roleName) && !/^[\w+=,.@-]{1,64}$/.test(roleName)) {
      fail(this, 'invalidAuditRoleName', `roleName must be 1-64 characters of letters, digits and +=,.@_-, got ${show(roleName)}. `
        + 'Use the same name as the audit\'s --role-name.');
    }
    const stack = Stack.of(this);
    const ownersArn = stack.formatArn({ service: 'ssm', region: '*', resource: 'parameter', resourceName: ownersPath('BLOB_MOUNTING').slice(1) });
    const everyRepository = stack.formatArn({ service: 'ecr', region: '*', resource: 'repository', resourceName: '*' });
    const policy = new iam.PolicyDocument({
      statements: [
        ...registryReadStatements(everyRepository),
        new iam.PolicyStatement({
          // Who relies on BLOB_MOUNTING: the owner records of Custom::EcrAccountSetting (read only).
          sid: 'ReadBlobMountingOwners',
          actions: ['ssm:GetParametersByPath'],
          resources: [ownersArn],
        }),
      ],
    });
    const role = new iam.Role(this, 'Role', {
      roleName,
      assumedBy: new iam.AccountPrincipal(props.trustedAccount),
      description: 'Read-only: npx cdk-ecr-shared-layers audit (ECR Describe/Get/List calls only)',
      inlinePolicies: { RegistryAudit: policy },
    });
    this.role = role;
    this.roleName = roleName;

    Validations.of(this).acknowledge(
      {
        id: nagWildcardResourceId(this, everyRepository),
        reason: 'The audit reads every repository of the account in every region it is asked for; the actions are Describe and BatchGetImage (manifests) only.',
      },
      {
        id: nagWildcardResourceId(this, ownersArn),
        reason: 'The recorded owners of BLOB_MOUNTING in every region the audit is asked for: ssm:GetParametersByPath on that one path, read only.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:DescribeRegistry, ecr:DescribePullThroughCacheRules, ecr:DescribeRepositoryCreationTemplates and ecr:GetAccountSetting have no resource type; '
          + 'GetAccountSetting is limited to BLOB_MOUNTING by the ecr:AccountSetting condition.',
      },
    );
  }
}
