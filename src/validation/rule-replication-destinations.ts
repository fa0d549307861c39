import { IConstruct } from 'constructs';
import { AppInventory, RegistryGroup, TemplateMember } from './app-inventory';
import { Comparison, EncryptionIdentity, compareEncryption, displayPath, subject } from './encryption-identity';
import { CREATE_ONLY, describe, isConcrete, referenceEncryption, referenceLabel } from './registry-reference';
import { RenderedResource } from './rendered-resource';
import { Finding, warning } from './rule';
import { templatesInIslandError } from './rule-encryption-islands';
import { ROOT_PREFIX } from '../private/aws-names';
import { CHECK_IDS } from '../private/errors';

/**
 * Error: a replication configuration that replicates into a registry of the app whose REPLICATION
 * creation template (or its absence: AES256) differs from that registry's encryption. Warnings:
 * destinations the app does not define, templates whose encryption cannot be proven identical.
 */
export function replicationDestinations(inventory: AppInventory): Finding[] {
  const errors: Finding[] = [];
  for (const group of inventory.groups.values()) {
    for (const replication of group.replications) {
      checkReplication(replication, group, inventory, errors);
    }
  }
  return errors;
}

interface Destination {
  readonly region: unknown;
  readonly registryId: unknown;
}

interface RenderedRule {
  readonly destinations: Destination[];
  readonly filters: string[];
}

function renderedRules(replication: RenderedResource): RenderedRule[] {
  const configuration = replication.get('ReplicationConfiguration') as Record<string, unknown> | undefined;
  const rules = configuration?.Rules as Array<Record<string, unknown>> | undefined;
  return (Array.isArray(rules) ? rules : []).map((rule) => {
    const destinations = rule.Destinations as Array<Record<string, unknown>> | undefined;
    const filters = rule.RepositoryFilters as Array<Record<string, unknown>> | undefined;
    return {
      destinations: (Array.isArray(destinations) ? destinations : [])
        .map((d) => ({ region: d.Region, registryId: d.RegistryId })),
      filters: (Array.isArray(filters) ? filters : []).map((f) => f.Filter).filter((f): f is string => typeof f === 'string'),
    };
  });
}

/**
 * Whether a creation template prefix covers every repository a replication filter matches. A filter
 * is a plain string prefix (`team` matches `teamx`); a template prefix is a namespace (`team` covers
 * `team` and `team/...`, "there is always an assumed / applied to the end of the prefix":
 * CreateRepositoryCreationTemplate, ECR API reference).
 */
function covers(templatePrefix: string, filter: string): boolean {
  return templatePrefix === ROOT_PREFIX || filter.startsWith(`${templatePrefix}/`);
}

/** Whether a creation template prefix applies to some repository a replication filter matches. */
function overlaps(templatePrefix: string, filter: string): boolean {
  return templatePrefix === ROOT_PREFIX || templatePrefix.startsWith(filter) || filter.startsWith(`${templatePrefix}/`);
}

function checkReplication(
  replication: RenderedResource, source: RegistryGroup, inventory: AppInventory, errors: Finding[],
): void {
  const seen = new Set<string>();
  for (const rule of renderedRules(replication)) {
    for (const destination of rule.destinations) {
      const { region, registryId } = destination;
      if (!isConcrete(region) || !isConcrete(registryId)) {
        errors.push(warning(CHECK_IDS.REPLICATION_DESTINATION_OUTSIDE_APP, subject(replication.resource),
          `The replication configuration ${displayPath(replication.resource)} replicates to a destination that is not known at synthesis (region ${describe(region)}, registry ${describe(registryId)}), so its encryption cannot be checked. The destination registry needs a REPLICATION creation template (prefix ROOT) with the encryption of its repositories, else ECR creates the replicated repositories with AES256. Confirm it, then acknowledge this warning.`));
        continue;
      }
      const key = `${registryId}/${region}`;
      if (key === source.key.key || seen.has(`${key}|${rule.filters.join(',')}`)) {
        continue;
      }
      seen.add(`${key}|${rule.filters.join(',')}`);
      const destinationGroup = inventory.groups.get(key);
      const reference = destinationGroup ? referenceEncryption(destinationGroup) : undefined;
      if (!destinationGroup || !reference) {
        errors.push(warning(CHECK_IDS.REPLICATION_DESTINATION_OUTSIDE_APP, subject(replication.resource),
          `The replication configuration ${displayPath(replication.resource)} replicates to account ${registryId} in ${region}, a registry this app does not define, so its encryption cannot be checked. ECR creates the replicated repositories there with the destination's REPLICATION creation template, or with AES256 when none matches: make sure that registry has a REPLICATION creation template (prefix ROOT) with the encryption and key of its repositories. Then acknowledge this warning.`));
        continue;
      }
      checkDestination(replication, rule, destinationGroup, reference, errors, templatesInIslandError(destinationGroup));
    }
  }
}

function checkDestination(
  replication: RenderedResource, rule: RenderedRule, destination: RegistryGroup, reference: EncryptionIdentity,
  errors: Finding[], reportedTemplates: Set<IConstruct>,
): void {
  const templates: Array<{ member: TemplateMember; prefix: string }> = [];
  for (const member of destination.templates) {
    const { appliedFor, prefix } = member;
    if (Array.isArray(appliedFor) && appliedFor.includes('REPLICATION') && typeof prefix === 'string') {
      templates.push({ member, prefix: prefix.endsWith('/') ? prefix.slice(0, -1) : prefix });
    }
  }
  const hasRoot = templates.some((t) => t.prefix === ROOT_PREFIX);
  const applicable = rule.filters.length === 0
    ? templates
    : templates.filter((t) => rule.filters.some((f) => overlaps(t.prefix, f)));
  const uncoveredFilters = rule.filters.filter((f) => !templates.some((t) => covers(t.prefix, f)));
  const uncovered = !hasRoot && (rule.filters.length === 0 || uncoveredFilters.length > 0);

  const problems: string[] = [];
  const involved: IConstruct[] = [];
  const registryText = referenceLabel(destination, reference);
  for (const { member } of applicable) {
    const comparison = compareEncryption(member.encryption, reference);
    if (comparison === Comparison.DIFFERENT && !reportedTemplates.has(member.construct)) {
      problems.push(`the REPLICATION creation template ${displayPath(member.construct)} creates them with ${member.encryption.label}`);
      involved.push(member.construct);
    } else if (comparison === Comparison.UNPROVABLE) {
      errors.push(warning(CHECK_IDS.REPLICATION_ENCRYPTION_NOT_PROVABLE, subject(member.construct),
        `The REPLICATION creation template ${displayPath(member.construct)} creates the repositories that ${displayPath(replication.resource)} replicates into ${destination.key.label} with ${member.encryption.label}, which cannot be proven identical to ${registryText}. Confirm that both name the same key, then acknowledge this warning.`));
    }
  }
  const aes256: EncryptionIdentity = { id: 'AES256', label: 'AES256', known: true, type: 'AES256', keyKind: 'none' };
  if (uncovered && compareEncryption(aes256, reference) === Comparison.DIFFERENT) {
    problems.push(rule.filters.length > 0
      ? `no REPLICATION creation template there covers every repository the filter${uncoveredFilters.length > 1 ? 's' : ''} ${uncoveredFilters.map((f) => JSON.stringify(f)).join(', ')} match${uncoveredFilters.length > 1 ? '' : 'es'} (a filter is a plain prefix: ${JSON.stringify(uncoveredFilters[0])} also matches ${JSON.stringify(`${uncoveredFilters[0]}x`)}; a template prefix is a namespace: ${JSON.stringify(uncoveredFilters[0])} covers only ${JSON.stringify(uncoveredFilters[0])} and ${JSON.stringify(`${uncoveredFilters[0]}/...`)}), and there is no template with prefix ROOT, so ECR creates the others with AES256`
      : 'no REPLICATION creation template with prefix ROOT exists there, so ECR creates them with AES256');
  }
  if (problems.length === 0) {
    return;
  }
  errors.push({
    level: 'error',
    id: CHECK_IDS.REPLICATION_LEAVES_ISLAND,
    subject: replication.resource,
    message: `This replication configuration replicates into ${destination.key.label}, whose repositories use ${registryText}, but ${problems.join('; and ')}. `
      + `Replicated repositories would not share layers with the others there. Fix: give ${destination.key.label} a REPLICATION creation template (prefix ROOT) with ${reference.label}, or change the encryption of the template(s) named. ${CREATE_ONLY}`,
    involved,
  });
}
