import { Token } from 'aws-cdk-lib';
import { AppInventory } from './app-inventory';
import { subject } from './encryption-identity';
import { Finding, warning } from './rule';
import { wildcardMatches } from '../private/aws-names';
import { CHECK_IDS } from '../private/errors';

/** How the library's `RegistryScanning` names ECR's scan frequencies. */
const FREQUENCY_NAMES: Readonly<Record<string, string>> = { CONTINUOUS_SCAN: 'continuous', SCAN_ON_PUSH: 'scanOnPush' };

/**
 * Warning: an enhanced scanning filter (any `AWS::ECR::RegistryScanningConfiguration`) that matches no
 * repository of its registry, when every repository name of the registry is known at synthesis.
 */
export function scanningFilters(inventory: AppInventory): Finding[] {
  const findings: Finding[] = [];
  for (const group of inventory.groups.values()) {
    if (group.scanningConfigurations.length === 0 || group.repositories.length === 0) {
      continue;
    }
    const names: string[] = [];
    for (const { resource } of group.repositories) {
      const name = resource.get('RepositoryName');
      if (typeof name !== 'string' || Token.isUnresolved(name) || name.includes('\u0001')) {
        // A generated or deploy-time name may match any filter.
        names.length = 0;
        break;
      }
      names.push(name);
    }
    if (names.length === 0) {
      continue;
    }
    const where = group.registries[0]?.construct.node.path ?? group.key.label;
    for (const configuration of group.scanningConfigurations) {
      if (configuration.get('ScanType') !== 'ENHANCED') {
        continue;
      }
      const rules = configuration.get('Rules');
      for (const rule of Array.isArray(rules) ? rules as Array<Record<string, unknown>> : []) {
        const what = FREQUENCY_NAMES[String(rule.ScanFrequency)] ?? String(rule.ScanFrequency);
        const filters = Array.isArray(rule.RepositoryFilters) ? rule.RepositoryFilters as Array<Record<string, unknown>> : [];
        for (const { Filter: filter } of filters) {
          if (typeof filter === 'string' && !Token.isUnresolved(filter) && !names.some((name) => wildcardMatches(filter, name))) {
            findings.push(warning(CHECK_IDS.SCANNING_FILTER_MATCHES_NOTHING, subject(configuration.resource),
              `The enhanced scanning ${what} filter ${JSON.stringify(filter)} matches no repository of ${where} (${names.join(', ')}). Fix the filter (wildcards: '*'), or acknowledge this warning if repositories that ECR creates later (replication, create on push) will match it.`));
          }
        }
      }
    }
  }
  return findings;
}
