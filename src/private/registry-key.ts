import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Identifies the ECR registry (one account in one region) a construct deploys to.
 *
 * A stack whose account or region is not concrete (env-agnostic) cannot be placed in a registry:
 * it gets a key of its own, so its constructs are compared with each other only.
 */
export interface RegistryKey {
  /** Equal keys mean the same registry. */
  readonly key: string;
  /** Human-readable registry, for messages. */
  readonly label: string;
  /** Whether account and region are both concrete. */
  readonly concrete: boolean;
}

export function registryKeyOf(scope: IConstruct): RegistryKey {
  const stack = Stack.of(scope);
  const account = stack.account;
  const region = stack.region;
  if (!Token.isUnresolved(account) && !Token.isUnresolved(region)) {
    return { key: `${account}/${region}`, label: `account ${account} in ${region}`, concrete: true };
  }
  return {
    key: `stack:${stack.node.path}`,
    label: `the env-agnostic stack ${stack.node.path}`,
    concrete: false,
  };
}
