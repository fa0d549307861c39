import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The namespace of every error and warning id of this library. */
export const ID_NAMESPACE = 'cdk-ecr-shared-layers';

/** A library id in its namespace, for example `cdk-ecr-shared-layers:invalidRepositoryName`. */
export function qualifiedId(id: string): string {
  return `${ID_NAMESPACE}:${id}`;
}

/** The text of a synthesis error: `[cdk-ecr-shared-layers:<id>] <message>`. */
export function errorText(id: string, message: string): string {
  return `[${qualifiedId(id)}] ${message}`;
}

/** An error without a construct (static factories of enum-like classes), with its stable id. */
export function error(id: string, message: string): Error {
  return new Error(errorText(id, message));
}

/**
 * Throws a synthesis-time error that names the construct at fault and carries a stable id:
 * `[cdk-ecr-shared-layers:<id>] <construct path>: <message>`.
 *
 * Messages say what is wrong, the value received, what is expected and how to fix it.
 */
export function fail(scope: IConstruct, id: string, message: string): never {
  throw error(id, `${scope.node.path}: ${message}`);
}

/** Quotes a value for a message; a value known only at deploy time is said so, never printed as a token. */
export function show(value: unknown): string {
  if (Token.isUnresolved(value)) {
    return 'a value known at deploy time';
  }
  return JSON.stringify(value, (_key, v) => (Token.isUnresolved(v) ? '(known at deploy time)' : v));
}

/** Splits `[cdk-ecr-shared-layers:<id>] <message>` into its id and message (no id for other texts). */
export function splitErrorText(text: string): { readonly id?: string; readonly message: string } {
  const match = new RegExp(`^\\[${ID_NAMESPACE}:([^\\]]+)\\] ([\\s\\S]*)$`).exec(text);
  return match ? { id: match[1], message: match[2] } : { message: text };
}
