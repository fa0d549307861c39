import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { IConstruct } from 'constructs';
import { AppInventory, RegistryGroup, TemplateMember } from './app-inventory';
import { Comparison, EncryptionIdentity, compareEncryption, displayPath, subject } from './encryption-identity';
import { CREATE_ONLY, describe, isConcrete, referenceEncryption, referenceLabel } from './registry-reference';
import { Finding } from './rule';
import { templatesInIslandError } from './rule-encryption-islands';
import { warn } from '../private/annotations';

/** Error id: replication into a registry of the app whose REPLICATION template has another encryption. */
export const REPLICATION_LEAVES_ISLAND = 'replicationLeavesIsland';
/** Warning id: replication to a registry the app does not define (or not known at synthesis). */
export const REPLICATION_DESTINATION_OUTSIDE_APP = 'replicationDestinationOutsideApp';
/** Warning id: a REPLICATION creation template whose encryption cannot be proven identical to its registry's. */
export const REPLICATION_ENCRYPTION_NOT_PROVABLE = 'replicationEncryptionNotProvable';

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

function renderedRules(replication: ecr.CfnReplicationConfiguration): RenderedRule[] {
  const configuration = Stack.of(replication).resolve(replication.replicationConfiguration) as Record<string, unknown> | undefined;
  const rules = (configuration?.rules ?? configuration?.Rules) as Array<Record<string, unknown>> | undefined;
  return (Array.isArray(rules) ? rules : []).map((rule) => {
    const destinations = (rule.destinations ?? rule.Destinations) as Array<Record<string, unknown>> | undefined;
    const filters = (rule.repositoryFilters ?? rule.RepositoryFilters) as Array<Record<string, unknown>> | undefined;
    return {
      destinations: (Array.isArray(destinations) ? destinations : [])
        .map((d) => ({ region: d.region ?? d.Region, registryId: d.registryId ?? d.RegistryId })),
      filters: (Array.isArray(filters) ? filters : []).map((f) => f.filter ?? f.Filter).filter((f): f is string => typeof f === 'string'),
    };
  });
}

function checkReplication(
  replication: ecr.CfnReplicationConfiguration, source: RegistryGroup, inventory: AppInventory, errors: Finding[],
): void {
  const seen = new Set<string>();
  for (const rule of renderedRules(replication)) {
    for (const destination of rule.destinations) {
      const { region, registryId } = destination;
      if (!isConcrete(region) || !isConcrete(registryId)) {
        warn(subject(replication), REPLICATION_DESTINATION_OUTSIDE_APP,
          `The replication configuration ${displayPath(replication)} replicates to a destination that is not known at synthesis (region ${describe(region)}, registry ${describe(registryId)}), so its encryption cannot be checked. The destination registry needs a REPLICATION creation template (prefix ROOT) with the encryption of its repositories, else ECR creates the replicated repositories with AES256. Confirm it, then acknowledge this warning.`);
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
        warn(subject(replication), REPLICATION_DESTINATION_OUTSIDE_APP,
          `The replication configuration ${displayPath(replication)} replicates to account ${registryId} in ${region}, a registry this app does not define, so its encryption cannot be checked. ECR creates the replicated repositories there with the destination's REPLICATION creation template, or with AES256 when none matches: make sure that registry has a REPLICATION creation template (prefix ROOT) with the encryption and key of its repositories. Then acknowledge this warning.`);
        continue;
      }
      checkDestination(replication, rule, destinationGroup, reference, errors, templatesInIslandError(destinationGroup));
    }
  }
}

function checkDestination(
  replication: ecr.CfnReplicationConfiguration, rule: RenderedRule, destination: RegistryGroup, reference: EncryptionIdentity,
  errors: Finding[], reportedTemplates: Set<IConstruct>,
): void {
  const templates: Array<{ member: TemplateMember; prefix: string }> = [];
  for (const member of destination.templates) {
    const stack = Stack.of(member.construct);
    const appliedFor = stack.resolve(member.appliedFor);
    const prefix = stack.resolve(member.prefix);
    if (Array.isArray(appliedFor) && appliedFor.includes('REPLICATION') && typeof prefix === 'string') {
      templates.push({ member, prefix });
    }
  }
  const hasRoot = templates.some((t) => t.prefix === 'ROOT');
  const applicable = rule.filters.length === 0
    ? templates
    : templates.filter((t) => t.prefix === 'ROOT' || rule.filters.some((f) => f.startsWith(t.prefix) || t.prefix.startsWith(f)));
  const uncovered = !hasRoot && (rule.filters.length === 0 || rule.filters.some((f) => !templates.some((t) => f.startsWith(t.prefix))));

  const problems: string[] = [];
  const involved: IConstruct[] = [replication];
  const registryText = referenceLabel(destination, reference);
  for (const { member } of applicable) {
    const comparison = compareEncryption(member.encryption, reference);
    if (comparison === Comparison.DIFFERENT && !reportedTemplates.has(member.construct)) {
      problems.push(`the REPLICATION creation template ${displayPath(member.construct)} creates them with ${member.encryption.label}`);
      involved.push(member.construct);
    } else if (comparison === Comparison.UNPROVABLE) {
      warn(subject(member.construct), REPLICATION_ENCRYPTION_NOT_PROVABLE,
        `The REPLICATION creation template ${displayPath(member.construct)} creates the repositories that ${displayPath(replication)} replicates into ${destination.key.label} with ${member.encryption.label}, which cannot be proven identical to ${registryText}. Confirm that both name the same key, then acknowledge this warning.`);
    }
  }
  const aes256: EncryptionIdentity = { id: 'AES256', label: 'AES256', known: true, type: 'AES256', keyKind: 'none' };
  if (uncovered && compareEncryption(aes256, reference) === Comparison.DIFFERENT) {
    problems.push(`no REPLICATION creation template with prefix ROOT${rule.filters.length > 0 ? ` or matching ${rule.filters.join(', ')}` : ''} exists there, so ECR creates them with AES256`);
  }
  if (problems.length === 0) {
    return;
  }
  errors.push({
    id: REPLICATION_LEAVES_ISLAND,
    message: `The replication configuration ${displayPath(replication)} replicates into ${destination.key.label}, whose repositories use ${registryText}, but ${problems.join('; and ')}. `
      + `Replicated repositories would not share layers with the others there. Fix: give ${destination.key.label} a REPLICATION creation template (prefix ROOT) with ${reference.label}, or change the encryption of the template(s) named. ${CREATE_ONLY}`,
    involved,
  });
}
