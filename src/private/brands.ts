import * as ecr from 'aws-cdk-lib/aws-ecr';
import { IConstruct } from 'constructs';

/**
 * Marks a construct as a `SharedLayerRegistry`, so that the checks recognise it without importing
 * the class (the registry turns the checks on: importing it back would make a circle). `Symbol.for`
 * so that two copies of the library in one app still recognise each other's registries.
 */
const REGISTRY_BRAND = Symbol.for('cdk-ecr-shared-layers.SharedLayerRegistry');

/** What the checks read of a registry. */
export interface RegistryView extends IConstruct {
  /** The encryption configuration every repository of the registry renders. */
  readonly _encryptionConfiguration: ecr.CfnRepository.EncryptionConfigurationProperty;
  /** Whether the registry turns blob mounting on. */
  readonly blobMountingSetting?: IConstruct;
}

/** Brands a `SharedLayerRegistry`. */
export function markAsRegistry(registry: RegistryView): void {
  Object.defineProperty(registry, REGISTRY_BRAND, { value: true, enumerable: false });
}

/** Whether a construct is a `SharedLayerRegistry` (of this or another copy of the library). */
export function isRegistry(construct: IConstruct): construct is RegistryView {
  return (construct as unknown as Record<symbol, unknown>)[REGISTRY_BRAND] === true;
}

/** Marks a registry policy resource whose owner allows statements granted to everyone. */
const PUBLIC_ACCESS_BRAND = Symbol.for('cdk-ecr-shared-layers.publicAccessAllowed');

/** Marks `resource` (an `AWS::ECR::RegistryPolicy`) as allowed to grant to everyone. */
export function markPublicAccessAllowed(resource: IConstruct): void {
  Object.defineProperty(resource, PUBLIC_ACCESS_BRAND, { value: true, enumerable: false });
}

/** Whether `resource` was marked with `markPublicAccessAllowed`. */
export function isPublicAccessAllowed(resource: IConstruct): boolean {
  return (resource as unknown as Record<symbol, unknown>)[PUBLIC_ACCESS_BRAND] === true;
}
