import { Aws, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { ownersPath, STACK_ID_VARIABLE } from './contract';
import { ACCOUNT_SETTING_HANDLER_CODE } from './handler-code.generated';

/**
 * The Lambda function behind every `Custom::EcrAccountSetting` of a stack: one per stack
 * (function, role, policy, log group), its code inline so the stack has no file assets.
 *
 * Construct ids here are part of the contract: renaming them replaces deployed resources.
 */
export class AccountSettingProvider extends Construct {
  /** Returns the stack's provider, creating it on first use. */
  public static of(scope: IConstruct): AccountSettingProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(AccountSettingProvider.ID);
    if (existing) {
      return existing as AccountSettingProvider;
    }
    return new AccountSettingProvider(stack, AccountSettingProvider.ID);
  }

  private static readonly ID = 'EcrAccountSettingProvider';

  /** The ARN the custom resources send their events to. */
  public readonly serviceToken: string;
  /** The policy that gives the function its rights; custom resources depend on it so Delete keeps them. */
  public readonly policy: iam.Policy;
  public readonly handler: lambda.Function;

  private readonly role: iam.Role;
  private readonly settingPolicies = new Map<string, iam.Policy>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.THREE_MONTHS,
    });

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Applies Amazon ECR account settings for cdk-ecr-shared-layers (Custom::EcrAccountSetting)',
    });

    // The rights every event needs (its logs); each setting's rights are a policy of their own (allowSetting).
    this.policy = new iam.Policy(this, 'Policy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'Logs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      ],
    });
    this.role = role;

    this.handler = new lambda.Function(this, 'Handler', {
      description: 'Applies Amazon ECR account settings (cdk-ecr-shared-layers)',
      code: lambda.Code.fromInline(ACCOUNT_SETTING_HANDLER_CODE),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 128,
      timeout: Duration.minutes(1),
      role,
      logGroup,
      // The function acts only on events of its own stack, and records owners under it.
      environment: { [STACK_ID_VARIABLE]: Aws.STACK_ID },
    });
    this.handler.node.addDependency(this.policy);
    this.serviceToken = this.handler.functionArn;
  }

  /**
   * Allows the function to read and write the named setting and its owner records: a policy per
   * setting, which the setting's resources depend on. When the last resource of a setting leaves the
   * template, CloudFormation deletes it (its Delete may reset the setting) before its policy, both in
   * the cleanup phase; a stack that declares no resource of a setting has no right to it.
   */
  public allowSetting(name: string): iam.Policy {
    // A name given as a token gets a policy of its own (its value is known only at deploy time).
    const key = Token.isUnresolved(name) ? `Unresolved${this.settingPolicies.size}` : name;
    const existing = this.settingPolicies.get(key);
    if (existing) {
      return existing;
    }
    const stack = Stack.of(this);
    const parameter = (path: string) => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: path.replace(/^\//, '') });
    // The records are named <stack name>/<stack id>/<LogicalId>: the stack's own subtree, by its name
    // (unique among the live stacks of the account and region).
    const ownRecords = parameter(`${ownersPath(name)}/${Aws.STACK_NAME}/*`);
    const policy = new iam.Policy(this, `Policy${key}`, {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'EcrAccountSetting',
          actions: ['ecr:GetAccountSetting', 'ecr:PutAccountSetting'],
          // These actions have no resource type: the condition key scopes them to this one setting.
          resources: ['*'],
          conditions: { StringEquals: { 'ecr:AccountSetting': name } },
        }),
        new iam.PolicyStatement({
          // This stack's own owner records of the setting (one per resource, named by logical id).
          sid: 'RecordOwners',
          actions: ['ssm:PutParameter', 'ssm:DeleteParameter'],
          resources: [ownRecords],
        }),
        new iam.PolicyStatement({
          // Every owner of the setting, in any stack: a Delete resets nothing while one is recorded.
          sid: 'ReadOwners',
          actions: ['ssm:GetParametersByPath'],
          resources: [parameter(ownersPath(name))],
        }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAccountSetting and ecr:PutAccountSetting have no resource type; the statement is scoped by the ecr:AccountSetting condition key to one setting.',
    });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenReference(stack.resolve(ownRecords))}]`,
      reason: 'The owner records of this stack for this setting: one parameter per resource, named by its logical id; a resource removed from the template deletes its record in the cleanup phase.',
    });
    this.settingPolicies.set(key, policy);
    return policy;
  }
}

/** A resolved CloudFormation value as cdk-nag names it in a finding (`<Ref>`, `<Res.Attr>`, JSON otherwise). */
function flattenReference(value: unknown): string {
  if (typeof value === 'string') {
    return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  }
  const node = value as Record<string, unknown>;
  if (node && typeof node === 'object' && Array.isArray(node['Fn::Join'])) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (node && typeof node === 'object' && typeof node.Ref === 'string') {
    return `<${node.Ref}>`;
  }
  return JSON.stringify(value);
}
