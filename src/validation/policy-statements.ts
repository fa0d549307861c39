import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';

/** The statements of a registry policy as CloudFormation will receive them (empty when not known at synthesis). */
export function statementsOf(policy: ecr.CfnRegistryPolicy): Array<Record<string, unknown>> {
  const text = Stack.of(policy).resolve(policy.policyText) as unknown;
  const document = typeof text === 'string' ? parse(text) : text;
  if (document === null || typeof document !== 'object') {
    return [];
  }
  const statements = (document as Record<string, unknown>).Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  return list.filter((s): s is Record<string, unknown> => s !== null && typeof s === 'object');
}

/** A statement's actions that are plain strings. */
export function actionsOf(statement: Record<string, unknown>): string[] {
  const actions = statement.Action;
  return (Array.isArray(actions) ? actions : [actions]).filter((a): a is string => typeof a === 'string');
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
