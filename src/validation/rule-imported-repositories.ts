import { Token } from 'aws-cdk-lib';
import { AppInventory } from './app-inventory';
import { displayPath } from './encryption-identity';
import { referenceEncryption, referenceLabel } from './registry-reference';
import { Finding, warning } from './rule';
import { sharesLayers } from './rule-encryption-islands';
import { CHECK_IDS } from '../private/errors';

/**
 * Warning: a repository referenced by name or ARN (`ecr.Repository.fromRepositoryName`,
 * `fromRepositoryArn`, `fromRepositoryAttributes`, `registry.importRepository`) in a registry with
 * blob mounting on, unless it names a repository of the app: its encryption cannot be seen at
 * synthesis. Image asset repositories are the container-assets rule's.
 */
export function importedRepositories(inventory: AppInventory): Finding[] {
  const findings: Finding[] = [];
  for (const group of inventory.groups.values()) {
    if (group.importedRepositories.length === 0 || !sharesLayers(group)) {
      continue;
    }
    const inApp = new Set(group.repositories.map((r) => r.resource.get('RepositoryName')));
    const reference = referenceEncryption(group);
    const expected = reference ? referenceLabel(group, reference) : 'the encryption of the other repositories';
    for (const repository of group.importedRepositories) {
      const name = inventory.context.resolve(repository, repository.repositoryName);
      if (inApp.has(name)) {
        continue;
      }
      const known = typeof name === 'string' && !Token.isUnresolved(name) && !name.includes('\u0001');
      findings.push(warning(CHECK_IDS.IMPORTED_REPOSITORY_NOT_CHECKED, repository,
        `The imported repository ${known ? JSON.stringify(name) : displayPath(repository)} is not checked for encryption: it shares layers with ${group.key.label} only if it uses ${expected}. Confirm it (aws ecr describe-repositories --repository-names ${known ? name : '<name>'}), then acknowledge this warning.`));
    }
  }
  return findings;
}
