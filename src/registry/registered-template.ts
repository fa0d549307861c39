import type { RegistryCreationTemplate } from './creation-template';

/** A creation template of a registry, as the registry's other parts see it. */
export interface RegisteredTemplate {
  readonly template: RegistryCreationTemplate;
  /** The prefix without a trailing `/`. */
  readonly prefix: string;
  /** Evaluated at synthesis (the default template's list depends on rules added later). */
  readonly appliedFor: () => string[];
}
