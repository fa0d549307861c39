import { Aws, Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { RESETTABLE_SETTINGS } from './contract';
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

  private readonly settingNames = new Set<string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.THREE_MONTHS,
    });

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Applies Amazon ECR account settings for cdk-ecr-shared-layers (Custom::EcrAccountSetting)',
    });

    this.policy = new iam.Policy(this, 'Policy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'EcrAccountSettings',
          actions: ['ecr:GetAccountSetting', 'ecr:PutAccountSetting'],
          // These actions have no resource type: the condition key scopes them to the settings in use,
          // plus every setting a Delete can reset. A Delete of a setting removed from the template runs in
          // CloudFormation's cleanup phase, after this policy was updated: it must still have the right.
          resources: ['*'],
          conditions: {
            StringEquals: {
              'ecr:AccountSetting': Lazy.list({
                produce: () => [...new Set([...this.settingNames, ...Object.keys(RESETTABLE_SETTINGS)])].sort(),
              }),
            },
          },
        }),
        new iam.PolicyStatement({
          // A Delete that resets a setting first checks that no other resource of the stack (a moved or
          // renamed construct) still asks for it.
          sid: 'ReadOwnStackResources',
          actions: ['cloudformation:ListStackResources'],
          resources: [Aws.STACK_ID],
        }),
        new iam.PolicyStatement({
          sid: 'Logs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      ],
    });
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAccountSetting and ecr:PutAccountSetting have no resource type; the statement is scoped by the ecr:AccountSetting condition key to the settings this stack manages.',
    });

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
    });
    this.handler.node.addDependency(this.policy);
    this.serviceToken = this.handler.functionArn;
  }

  /** Allows the function to read and write the named setting. */
  public allowSetting(name: string): void {
    this.settingNames.add(name);
  }
}
