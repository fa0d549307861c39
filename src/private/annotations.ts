import { Annotations, Aspects, IAspect } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { qualifiedId } from './errors';

/** Adds an acknowledgeable warning with the library's id, for example `warn(scope, 'encryptionNotProvable', ...)`. */
export function warn(scope: IConstruct, id: string, message: string): void {
  Annotations.of(scope).addWarningV2(qualifiedId(id), message);
}

/**
 * Runs `check` once, at synthesis, after every construct of the app exists (as an aspect of
 * `scope`), so that it can add warnings (`node.addValidation` can only return errors).
 */
export function checkAtSynthesis(scope: IConstruct, check: () => void): void {
  let done = false;
  const aspect: IAspect = {
    visit: (node: IConstruct) => {
      if (node === scope && !done) {
        done = true;
        check();
      }
    },
  };
  Aspects.of(scope).add(aspect);
}
