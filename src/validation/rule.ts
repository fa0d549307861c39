import { IConstruct } from 'constructs';
import { AppInventory } from './app-inventory';

/** What a rule found: an error (fails synthesis) or a warning (can be acknowledged by its id). */
export interface Finding {
  readonly level: 'error' | 'warning';
  /** The stable id, without the namespace, for example `encryptionMismatch` (see CHECK_IDS in src/private/errors.ts). */
  readonly id: string;
  /** The construct at fault: the message starts with its path, and a warning is added to it. */
  readonly subject: IConstruct;
  readonly message: string;
  /** Other constructs the finding is about (an error is reported by a stack that holds the subject, else one of these). */
  readonly involved?: IConstruct[];
}

/**
 * A layer-sharing check: a pure function of the app's inventory (what CloudFormation receives) to
 * its findings. It adds nothing to the app; the engine (layer-sharing-checks.ts) raises the findings.
 * A new rule is one file exporting such a function, and one line in the engine's table.
 */
export type Rule = (inventory: AppInventory) => Finding[];

/** An error finding. */
export function error(id: string, subject: IConstruct, message: string, involved: IConstruct[] = []): Finding {
  return { level: 'error', id, subject, message, involved };
}

/** A warning finding. */
export function warning(id: string, subject: IConstruct, message: string): Finding {
  return { level: 'warning', id, subject, message };
}
