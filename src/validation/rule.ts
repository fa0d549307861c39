import { IConstruct } from 'constructs';
import { AppInventory } from './app-inventory';

/** An error of a rule, with the constructs it is about (it is reported by a stack that holds one). */
export interface Finding {
  /** The stable id, without the namespace, for example `encryptionMismatch`. */
  readonly id: string;
  readonly message: string;
  readonly involved: IConstruct[];
}

/**
 * A layer-sharing check in the style of cdk-nag: it reads the inventory, adds its warnings (with
 * ids) to the constructs they are about and returns its errors.
 */
export type Rule = (inventory: AppInventory) => Finding[];
