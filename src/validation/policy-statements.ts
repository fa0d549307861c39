import { RenderedResource } from './rendered-resource';

/** The statements of a registry policy as CloudFormation will receive them (empty when not known at synthesis). */
export function statementsOf(policy: RenderedResource): Array<Record<string, unknown>> {
  const text = policy.get('PolicyText');
  const document = typeof text === 'string' ? parse(text) : text;
  if (document === null || typeof document !== 'object') {
    return [];
  }
  const statements = (document as Record<string, unknown>).Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  return list.filter((s): s is Record<string, unknown> => s !== null && typeof s === 'object');
}

/** The length of a registry policy's text as ECR receives it (CloudFormation sends an object as JSON), when known. */
export function policyTextLength(policy: RenderedResource): number | undefined {
  const text = policy.get('PolicyText');
  if (typeof text === 'string') {
    return text.length;
  }
  return text !== null && typeof text === 'object' ? JSON.stringify(text).length : undefined;
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
