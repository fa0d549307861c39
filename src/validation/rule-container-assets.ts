import { Stack, Token } from 'aws-cdk-lib';
import { AppInventory } from './app-inventory';
import { Comparison, compareEncryption, displayPath, EncryptionIdentity, subject } from './encryption-identity';
import { referenceEncryption } from './registry-reference';
import { Finding, warning } from './rule';
import { sharesLayers } from './rule-encryption-islands';
import { CHECK_IDS } from '../private/errors';

/** The encryption of the CDK bootstrap's container asset repository: the default bootstrap template sets none. */
const BOOTSTRAP_REPOSITORY_ENCRYPTION: EncryptionIdentity = { id: 'AES256', label: 'AES256', known: true, type: 'AES256', keyKind: 'none' };

/**
 * Warning: a container image asset (`DockerImageAsset`, `ContainerImage.fromAsset`) is pushed to a
 * repository outside the app (the CDK bootstrap's `cdk-<qualifier>-container-assets-<account>-<region>`,
 * AES256 in the default bootstrap template) in a registry whose encryption is not AES256: its layers
 * are never shared with the registry's repositories. An asset pushed to a repository of the app
 * (`DefaultStackSynthesizer({ imageAssetsRepositoryName })`) is checked with the other repositories.
 */
export function containerAssetsOutsideIsland(inventory: AppInventory): Finding[] {
  const findings: Finding[] = [];
  for (const group of inventory.groups.values()) {
    if (group.imageAssets.length === 0 || !sharesLayers(group)) {
      continue;
    }
    const reference = referenceEncryption(group);
    if (!reference || compareEncryption(BOOTSTRAP_REPOSITORY_ENCRYPTION, reference) === Comparison.SAME) {
      continue;
    }
    const inApp = new Set(group.repositories.map((r) => r.resource.get('RepositoryName')));
    const registry = group.registries[0]?.construct;
    for (const asset of group.imageAssets) {
      const name = Stack.of(asset.construct).resolve(asset.repositoryName);
      if (inApp.has(name)) {
        continue;
      }
      const shown = typeof name === 'string' && !Token.isUnresolved(name) ? JSON.stringify(name) : 'of the CDK bootstrap (cdk-<qualifier>-container-assets-<account>-<region>)';
      findings.push(warning(CHECK_IDS.CONTAINER_ASSETS_OUTSIDE_ISLAND, subject(asset.construct),
        `The container image asset ${displayPath(asset.construct)} is pushed to the repository ${shown}, outside this app, which the default CDK bootstrap template creates with AES256; ${registry ? `the registry ${displayPath(registry)}` : `the repositories of ${group.key.label}`} use${registry ? 's' : ''} ${reference.label}, so the asset's layers are never shared with them (even when built on the same base images). `
        + 'Either push image assets to a repository of the registry: add one (registry.addRepository(\'CdkAssets\', { repositoryName: \'cdk-assets\' })) in a stack deployed before the stacks with assets, grant push on it to the bootstrap\'s image publishing role, and give those stacks new DefaultStackSynthesizer({ imageAssetsRepositoryName: \'cdk-assets\' }); '
        + `or bootstrap with a customised template (cdk bootstrap --show-template) whose ContainerAssetsRepository has the EncryptionConfiguration ${reference.label}, then acknowledge this warning.`));
    }
  }
  return findings;
}
