import { IConstruct } from 'constructs';

/**
 * Throws a synthesis-time error that names the construct at fault.
 *
 * Messages say what is wrong, the value received, what is expected and how to fix it.
 */
export function fail(scope: IConstruct, message: string): never {
  throw new Error(`${scope.node.path}: ${message}`);
}

/** Quotes a value for an error message. */
export function show(value: unknown): string {
  return JSON.stringify(value);
}
