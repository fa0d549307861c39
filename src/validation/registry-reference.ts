import { Token } from 'aws-cdk-lib';
import { RegistryGroup } from './app-inventory';
import { EncryptionIdentity } from './encryption-identity';

/** The end of every message that asks for an encryption change. */
export const CREATE_ONLY = 'Encryption is create-only: changing it replaces the repository (which fails for a named repository while it holds images), so decide before the first deployment.';

/** The registry's encryption: its SharedLayerRegistry's, else the most common known one. */
export function referenceEncryption(group: RegistryGroup): EncryptionIdentity | undefined {
  if (group.registries.length > 0) {
    return group.registries[0].encryption;
  }
  const counts = new Map<string, { encryption: EncryptionIdentity; count: number }>();
  let best: { encryption: EncryptionIdentity; count: number } | undefined;
  for (const member of group.repositories) {
    if (!member.encryption.known) {
      continue;
    }
    let entry = counts.get(member.encryption.id);
    if (!entry) {
      entry = { encryption: member.encryption, count: 0 };
      counts.set(member.encryption.id, entry);
    }
    entry.count++;
    if (!best || entry.count > best.count) {
      best = entry;
    }
  }
  return best?.encryption;
}

/** The reference encryption of a registry, for messages. */
export function referenceLabel(group: RegistryGroup, reference: EncryptionIdentity): string {
  const registry = group.registries[0];
  return registry
    ? `the registry's encryption ${reference.label} (${registry.construct.node.path})`
    : `the encryption of most repositories there, ${reference.label}`;
}

/** Whether a value is a string known at synthesis. */
export function isConcrete(value: unknown): value is string {
  return typeof value === 'string' && !Token.isUnresolved(value);
}

/** A value for a message: quoted when known at synthesis. */
export function describe(value: unknown): string {
  return typeof value === 'string' && !Token.isUnresolved(value) ? JSON.stringify(value) : 'a value known at deploy time';
}
