import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { warn } from '../private/annotations';
import { ACCOUNT_ID, allRepositoriesArn, ECR_ACTION, ECR_ARN, REGISTRY_POLICY_V1_ACTIONS as V1_ACTIONS } from '../private/aws-names';
import { markPublicAccessAllowed } from '../private/brands';
import { errorText, fail, show } from '../private/errors';
import { grantsToEveryone, LIMITING_CONDITION_KEYS } from '../private/public-principals';
import { LayerSharingChecks } from '../validation/layer-sharing-checks';

// Checked 2026 against https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create.html:
// with registry policy scope V2 (the default) "Amazon ECR allows all ECR actions in the policy";
// with V1 only ecr:ReplicateImage, ecr:BatchImportUpstreamImage and ecr:CreateRepository are
// enforced, and other actions are an error. ecr:* is possible but discouraged.
// Examples (registry-permissions-examples.html) name an AWS principal and ECR repository ARNs.


/**
 * Properties of a `RegistryPolicy`.
 */
export interface RegistryPolicyProps {
  /**
   * Statements of the policy. Each needs a Principal, ECR actions and ECR resources of this registry.
   *
   * @default - none: add them with `addStatements()` (synthesis fails for a policy without statements)
   */
  readonly statements?: iam.PolicyStatement[];

  /**
   * Allow statements that grant to everyone (`Principal: "*"`, `AnyPrincipal`) without a condition
   * that limits them to an organization or to accounts (`aws:PrincipalOrgID`, `aws:PrincipalAccount`,
   * `aws:SourceAccount`, ...): a truly public registry. Without it, such a statement fails
   * synthesis (`cdk-ecr-shared-layers:registryPolicyPublic`).
   *
   * @default false
   */
  readonly allowPublicAccess?: boolean;
}

/**
 * Options of `RegistryPolicy.allowReplicationFrom`.
 */
export interface ReplicationSourceOptions {
  /** The 12-digit account id of the registry that replicates into this one. */
  readonly sourceAccount: string;

  /**
   * Allow only repositories whose names start with these prefixes.
   *
   * @default - every repository of this registry
   */
  readonly repositoryPrefixes?: string[];
}

/**
 * The Amazon ECR registry policy (`AWS::ECR::RegistryPolicy`) of the stack's account and region:
 * permissions at registry level, for example for another account to replicate into this registry.
 *
 * It exists once per registry: a second `RegistryPolicy` for the same account and region (anywhere
 * in the app) makes synthesis fail. With a `SharedLayerRegistry`, use its registry policy rather
 * than a construct of your own.
 *
 * @example
 * declare const stack: Stack;
 * const policy = new RegistryPolicy(stack, 'RegistryPolicy');
 * policy.allowReplicationFrom({ sourceAccount: '111111111111' });
 */
export class RegistryPolicy extends Construct {
  /** The policy document. */
  public readonly document: iam.PolicyDocument;
  /** The underlying CloudFormation resource. */
  public readonly resource: ecr.CfnRegistryPolicy;

  private readonly allowPublicAccess: boolean;

  constructor(scope: Construct, id: string, props: RegistryPolicyProps = {}) {
    super(scope, id);
    this.allowPublicAccess = props.allowPublicAccess ?? false;
    this.document = new iam.PolicyDocument();
    this.resource = new ecr.CfnRegistryPolicy(this, 'Resource', {
      policyText: Lazy.any({ produce: () => this.document.toJSON() }),
    });
    if (this.allowPublicAccess) {
      markPublicAccessAllowed(this.resource);
    }
    // The checks of every registry policy of the app (scope V1, public statements of L1 policies).
    LayerSharingChecks.ensure(this);
    this.node.addValidation({
      validate: () => this.document.isEmpty
        ? [errorText('registryPolicyWithoutStatements', `${this.node.path}: This registry policy has no statements: add one with addStatements() (or addToRegistryPolicy() on the registry), or remove it.`)]
        : [],
    });
    this.addStatements(...(props.statements ?? []));
  }

  /**
   * Adds statements to the policy. Each is checked: a Principal (not everyone without a limiting
   * condition, unless `allowPublicAccess`), ECR actions only, a Resource of this registry. Under
   * registry policy scope V1, actions that V1 does not enforce fail at synthesis.
   */
  public addStatements(...statements: iam.PolicyStatement[]): void {
    for (const statement of statements) {
      this.validateStatement(statement);
      this.document.addStatements(statement);
    }
  }

  /**
   * Allows another account to replicate into this registry: `ecr:ReplicateImage` and
   * `ecr:CreateRepository` (replication creates the repositories that do not exist yet).
   */
  public allowReplicationFrom(options: ReplicationSourceOptions): void {
    const account = options.sourceAccount;
    if (!Token.isUnresolved(account) && !ACCOUNT_ID.test(account)) {
      fail(this, 'invalidReplicationSourceAccount', `Invalid source account ${show(account)}: expected a 12-digit AWS account id, for example '111111111111'.`);
    }
    const stack = Stack.of(this);
    if (!Token.isUnresolved(account) && !Token.isUnresolved(stack.account) && account === stack.account) {
      fail(this, 'replicationSourceIsThisAccount', `The source account ${show(account)} is this registry's own account: replication inside one account needs no registry policy. Remove allowReplicationFrom for it.`);
    }
    const prefixes = options.repositoryPrefixes ?? [];
    const resources = prefixes.length === 0
      ? [allRepositoriesArn(stack)]
      : prefixes.map((prefix) => allRepositoriesArn(stack, prefix));
    this.addStatements(new iam.PolicyStatement({
      sid: Token.isUnresolved(account) ? undefined : `ReplicationFrom${account}`,
      principals: [new iam.AccountPrincipal(account)],
      actions: ['ecr:CreateRepository', 'ecr:ReplicateImage'],
      resources,
    }));
  }

  private validateStatement(statement: iam.PolicyStatement): void {
    const json = statement.toStatementJson();
    const label = `Registry policy statement ${show(json)}`;
    if (json.Principal === undefined) {
      fail(this, 'registryPolicyStatementWithoutPrincipal', `${label} has no Principal. A registry policy grants to principals of other accounts or of this one: add principals, for example new iam.AccountPrincipal('111111111111').`);
    }
    if (!this.allowPublicAccess && grantsToEveryone(json)) {
      fail(this, 'registryPolicyPublic', `${label} allows everyone (Principal "*") without a condition that limits it to your organization or accounts: anyone could use the registry's repositories. Add a condition such as { StringEquals: { 'aws:PrincipalOrgID': 'o-xxxxxxxxxx' } } (or one of ${LIMITING_CONDITION_KEYS.join(', ')}), or name the accounts (new iam.AccountPrincipal('111111111111')). For a registry that is meant to be public, set allowPublicAccess: true.`);
    }
    if (json.NotAction !== undefined || json.NotResource !== undefined) {
      fail(this, 'registryPolicyStatementWithNotActionOrNotResource', `${label} uses NotAction or NotResource: a registry policy statement lists its ECR actions and repositories explicitly. Use actions and resources instead.`);
    }
    const actions = asList(json.Action);
    if (actions.length === 0) {
      fail(this, 'registryPolicyStatementWithoutActions', `${label} has no actions: add the ECR actions it allows, for example 'ecr:ReplicateImage'.`);
    }
    for (const action of actions) {
      if (Token.isUnresolved(action)) {
        continue;
      }
      if (!ECR_ACTION.test(action)) {
        fail(this, 'registryPolicyNonEcrAction', `${label} has the action ${show(action)}, which a registry policy does not accept: only Amazon ECR actions (ecr:...) are allowed, for example ${V1_ACTIONS.join(', ')}.`);
      }
      if (action.includes('*')) {
        warn(this, 'registryPolicyWildcardAction', `${label} has the wildcard action ${show(action)}: Amazon ECR advises listing only the actions a feature needs (for example ecr:ReplicateImage and ecr:CreateRepository for replication).`);
      }
    }
    const resources = asList(json.Resource);
    if (resources.length === 0) {
      fail(this, 'registryPolicyStatementWithoutResource', `${label} has no Resource. Name the repositories it applies to, for example stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' }) for all of them.`);
    }
    for (const resource of resources) {
      this.validateResource(label, resource);
    }
  }

  private validateResource(label: string, resource: string): void {
    if (Token.isUnresolved(resource) || resource === '*') {
      return;
    }
    const stack = Stack.of(this);
    const match = ECR_ARN.exec(resource);
    if (!match) {
      fail(this, 'registryPolicyNonEcrResource', `${label} has the resource ${show(resource)}, which is not an Amazon ECR ARN: expected repositories of this registry, for example 'arn:aws:ecr:<region>:<account>:repository/*'.`);
    }
    const [, region, account] = match;
    const mismatches: string[] = [];
    if (!Token.isUnresolved(stack.region) && region !== stack.region) {
      mismatches.push(`region ${show(region)} instead of ${show(stack.region)}`);
    }
    if (!Token.isUnresolved(stack.account) && account !== stack.account) {
      mismatches.push(`account ${show(account)} instead of ${show(stack.account)}`);
    }
    if (mismatches.length > 0) {
      fail(this, 'registryPolicyResourceOfOtherRegistry', `${label} has the resource ${show(resource)} with ${mismatches.join(' and ')}: a registry policy applies to the repositories of its own registry. Use ARNs of this registry: account ${show(stack.account)}, region ${show(stack.region)}.`);
    }
  }
}

function asList(value: unknown): string[] {
  if (value === undefined) {
    return [];
  }
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : Token.asString(v)));
}
