import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { SharedLayerRegistry } from './shared-layer-registry';
import { EcrAccountSetting } from '../account-settings/ecr-account-setting';
import { fail, show } from '../private/errors';
import { warn } from '../private/registry-parts';
import { claimRegistrySingleton } from '../private/registry-singletons';

// Checked 2026 against https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create.html:
// with registry policy scope V2 (the default) "Amazon ECR allows all ECR actions in the policy";
// with V1 only ecr:ReplicateImage, ecr:BatchImportUpstreamImage and ecr:CreateRepository are
// enforced, and other actions are an error. ecr:* is possible but discouraged.
// Examples (registry-permissions-examples.html) name an AWS principal and ECR repository ARNs.

/** The actions a registry policy accepts under registry policy scope V1. */
const V1_ACTIONS = ['ecr:ReplicateImage', 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'];
const ECR_ACTION = /^ecr:[A-Za-z*]+$/;
const ECR_ARN = /^arn:[a-z-]+:ecr:([a-z0-9-]*):([0-9]*):(.+)$/;

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
  /**
   * The registry policy of a registry: the child `Policy` of the registry, created on first use.
   * @internal
   */
  public static _of(registry: SharedLayerRegistry): RegistryPolicy {
    const existing = registry.node.tryFindChild('Policy');
    if (existing instanceof RegistryPolicy) {
      return existing;
    }
    const policy = new RegistryPolicy(registry, 'Policy');
    policy.registry = registry;
    return policy;
  }

  /** The policy document. */
  public readonly document: iam.PolicyDocument;
  /** The underlying CloudFormation resource. */
  public readonly resource: ecr.CfnRegistryPolicy;

  private registry?: SharedLayerRegistry;

  constructor(scope: Construct, id: string, props: RegistryPolicyProps = {}) {
    super(scope, id);
    this.document = new iam.PolicyDocument();
    this.resource = new ecr.CfnRegistryPolicy(this, 'Resource', {
      policyText: Lazy.any({ produce: () => this.document.toJSON() }),
    });
    this.node.addValidation({
      validate: () => this.document.isEmpty
        ? [`The registry policy ${this.node.path} has no statements: add one with addStatements() (or addToRegistryPolicy() on the registry), or remove it.`]
        : [],
    });
    this.addStatements(...(props.statements ?? []));
    claimRegistrySingleton(this, 'ECR registry policy',
      'Keep one registry policy per account and region: add every statement to it (registry.addToRegistryPolicy(), or addStatements() on the one RegistryPolicy).');
  }

  /**
   * Adds statements to the policy. Each is checked: a Principal, ECR actions only (and under
   * registry policy scope V1 only the actions V1 enforces), a Resource.
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
    if (!Token.isUnresolved(account) && !/^[0-9]{12}$/.test(account)) {
      fail(this, `Invalid source account ${show(account)}: expected a 12-digit AWS account id, for example '111111111111'.`);
    }
    const stack = Stack.of(this);
    if (!Token.isUnresolved(account) && !Token.isUnresolved(stack.account) && account === stack.account) {
      fail(this, `The source account ${show(account)} is this registry's own account: replication inside one account needs no registry policy. Remove allowReplicationFrom for it.`);
    }
    const prefixes = options.repositoryPrefixes ?? [];
    const resources = prefixes.length === 0
      ? [stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' })]
      : prefixes.map((prefix) => stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: `${prefix}*` }));
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
      fail(this, `${label} has no Principal. A registry policy grants to principals of other accounts or of this one: add principals, for example new iam.AccountPrincipal('111111111111').`);
    }
    if (json.NotAction !== undefined || json.NotResource !== undefined) {
      fail(this, `${label} uses NotAction or NotResource: a registry policy statement lists its ECR actions and repositories explicitly. Use actions and resources instead.`);
    }
    const actions = asList(json.Action);
    if (actions.length === 0) {
      fail(this, `${label} has no actions: add the ECR actions it allows, for example 'ecr:ReplicateImage'.`);
    }
    for (const action of actions) {
      if (Token.isUnresolved(action)) {
        continue;
      }
      if (!ECR_ACTION.test(action)) {
        fail(this, `${label} has the action ${show(action)}, which a registry policy does not accept: only Amazon ECR actions (ecr:...) are allowed, for example ${V1_ACTIONS.join(', ')}.`);
      }
      if (action.includes('*')) {
        warn(this, 'registryPolicyWildcardAction', `${label} has the wildcard action ${show(action)}: Amazon ECR advises listing only the actions a feature needs (for example ecr:ReplicateImage and ecr:CreateRepository for replication).`);
      }
      if (this.scopeV1() && !V1_ACTIONS.includes(action)) {
        fail(this, `${label} has the action ${show(action)}, but the registry policy scope is V1, which accepts only ${V1_ACTIONS.join(', ')}. Use registry policy scope V2 (registryPolicyScope: RegistryPolicyScope.V2), or remove the action.`);
      }
    }
    const resources = asList(json.Resource);
    if (resources.length === 0) {
      fail(this, `${label} has no Resource. Name the repositories it applies to, for example stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' }) for all of them.`);
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
      fail(this, `${label} has the resource ${show(resource)}, which is not an Amazon ECR ARN: expected repositories of this registry, for example 'arn:aws:ecr:<region>:<account>:repository/*'.`);
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
      fail(this, `${label} has the resource ${show(resource)} with ${mismatches.join(' and ')}: a registry policy applies to the repositories of its own registry. Use ARNs of account ${stack.account} in ${stack.region}.`);
    }
  }

  /** Whether the registry manages REGISTRY_POLICY_SCOPE = V1. */
  private scopeV1(): boolean {
    const setting = this.registry?.node.tryFindChild('RegistryPolicyScope');
    return setting instanceof EcrAccountSetting && setting.settingValue === 'V1';
  }
}

function asList(value: unknown): string[] {
  if (value === undefined) {
    return [];
  }
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : Token.asString(v)));
}
