/**
 * Tables of app shapes for the layer-sharing checks: what an app builds, and what the checks must say
 * about it (the error substrings of a rejected shape, the warnings of an allowed one).
 */
import { App, Aspects } from 'aws-cdk-lib';
import { LayerSharingChecks } from '../../src';

/** An app shape: what it builds, and what the checks must say about it. */
export interface AppShape {
  readonly name: string;
  readonly build: (app: App) => void;
  /** Substrings of the synthesis error (rejected shapes). */
  readonly errors?: string[];
  /** `<construct path> <warning id>` of every warning counted (allowed shapes). */
  readonly warnings?: string[];
}

/**
 * The library's warnings in the whole assembly (nested Stages included), as `<path> <id>`, sorted;
 * only the ids in `only` when it is given.
 */
export function libraryWarnings(app: App, only?: readonly string[]): string[] {
  const found: string[] = [];
  for (const stack of app.synth().stacksRecursively) {
    for (const message of stack.messages) {
      const id = /\[ack: (cdk-ecr-shared-layers:[\w.]+)\]/.exec(String(message.entry.data))?.[1];
      if (message.level === 'warning' && id && (only === undefined || only.includes(id))) {
        found.push(`${message.id.replace(/^\//, '')} ${id}`);
      }
    }
  }
  return found.sort();
}

/** GIVEN an app with the checks, WHEN the shape is built, THEN synthesis fails with its errors, or warns exactly its warnings. */
export function expectShape(shape: AppShape, only?: readonly string[]): void {
  // GIVEN
  const app = new App();
  Aspects.of(app).add(new LayerSharingChecks());

  // WHEN
  shape.build(app);

  // THEN
  if (shape.errors) {
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    for (const expected of shape.errors) {
      expect(message).toContain(expected);
    }
  } else {
    expect(libraryWarnings(app, only)).toEqual([...shape.warnings ?? []].sort());
  }
}
