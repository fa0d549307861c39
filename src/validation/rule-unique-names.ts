import { Token } from 'aws-cdk-lib';
import { AppInventory, RegistryGroup } from './app-inventory';
import { displayPath, subject } from './encryption-identity';
import { RenderedResource } from './rendered-resource';
import { error, Finding } from './rule';
import { ECR_LIMITS } from '../private/aws-names';
import { CHECK_IDS } from '../private/errors';

// Names that are unique in a registry (one account and region), whichever stack, app layer or
// construct level declares them: repository names, creation template prefixes and pull through cache
// prefixes (CreateRepository: RepositoryAlreadyExistsException; CreateRepositoryCreationTemplate:
// TemplateAlreadyExistsException; CreatePullThroughCacheRule: PullThroughCacheRuleAlreadyExistsException),
// at most 50 pull through cache rules (service quota), and no repository in a pull through cache
// namespace (ECR would serve it from the upstream and it would never mount layers).

/** Errors: names declared twice in one registry, too many pull through cache rules, repositories in a cache namespace. */
export function uniqueNames(inventory: AppInventory): Finding[] {
  const findings: Finding[] = [];
  for (const group of inventory.groups.values()) {
    repositoryNames(group, findings);
    templatePrefixes(group, findings);
    pullThroughPrefixes(group, findings);
  }
  return findings;
}

/** A value known at synthesis as a string. */
function known(value: unknown): value is string {
  return typeof value === 'string' && !Token.isUnresolved(value) && !value.includes('\u0001');
}

function repositoryNames(group: RegistryGroup, findings: Finding[]): void {
  const seen = new Map<string, RenderedResource>();
  for (const { resource } of group.repositories) {
    const name = resource.get('RepositoryName');
    if (!known(name)) {
      continue;
    }
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, resource);
      continue;
    }
    findings.push(error(CHECK_IDS.DUPLICATE_REPOSITORY_NAME, subject(resource.resource),
      `The repository name ${JSON.stringify(name)} is also the name of ${displayPath(first.resource)} in ${group.key.label}. Repository names are unique in a registry, so the second deployment fails (RepositoryAlreadyExistsException): choose another name, or reuse ${displayPath(first.resource)} (in another stack: pass it, or ecr.Repository.fromRepositoryName).`,
      [first.resource]));
  }
}

function normalised(prefix: string): string {
  return prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
}

function templatePrefixes(group: RegistryGroup, findings: Finding[]): void {
  const seen = new Map<string, RenderedResource>();
  for (const { resource, prefix } of group.templates) {
    if (!known(prefix)) {
      continue;
    }
    const key = normalised(prefix);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, resource);
      continue;
    }
    findings.push(error(CHECK_IDS.DUPLICATE_CREATION_TEMPLATE_PREFIX, subject(resource.resource),
      `The repository creation template prefix ${JSON.stringify(prefix)} is also the prefix of ${displayPath(first.resource)} in ${group.key.label} (ECR reads 'x' and 'x/' as one prefix). A prefix has at most one template in a registry, so the second deployment fails: add the appliedFor values to ${displayPath(first.resource)}, or use another prefix.`,
      [first.resource]));
  }
}

function pullThroughPrefixes(group: RegistryGroup, findings: Finding[]): void {
  const rules = group.pullThroughCacheRules;
  if (rules.length > ECR_LIMITS.pullThroughRulesMax) {
    const extra = rules[ECR_LIMITS.pullThroughRulesMax];
    findings.push(error(CHECK_IDS.TOO_MANY_PULL_THROUGH_CACHE_RULES, subject(extra.resource),
      `${group.key.label} has ${rules.length} pull through cache rules, but Amazon ECR allows at most ${ECR_LIMITS.pullThroughRulesMax} per registry (${displayPath(extra.resource)} is rule ${ECR_LIMITS.pullThroughRulesMax + 1}). Remove rules you do not need.`));
  }
  const seen = new Map<string, RenderedResource>();
  for (const rule of rules) {
    const prefix = rule.get('EcrRepositoryPrefix');
    if (!known(prefix)) {
      continue;
    }
    const key = normalised(prefix);
    const first = seen.get(key);
    if (first !== undefined) {
      findings.push(error(CHECK_IDS.DUPLICATE_PULL_THROUGH_CACHE_PREFIX, subject(rule.resource),
        `The pull through cache prefix ${JSON.stringify(prefix)} is also the prefix of ${displayPath(first.resource)} in ${group.key.label}. A prefix has one upstream in a registry, so the second deployment fails: choose another prefix.`,
        [first.resource]));
      continue;
    }
    seen.set(key, rule);
    for (const { resource } of group.repositories) {
      const name = resource.get('RepositoryName');
      if (known(name) && name.startsWith(`${key}/`)) {
        findings.push(error(CHECK_IDS.PULL_THROUGH_CACHE_PREFIX_COLLISION, subject(resource.resource),
          `The repository ${JSON.stringify(name)} is in the namespace of the pull through cache rule ${displayPath(rule.resource)} (prefix ${JSON.stringify(prefix)}) of ${group.key.label}: ECR treats it as a cache repository, serves it from the upstream, and never mounts its layers. Rename the repository, or choose another prefix.`,
          [rule.resource]));
      }
    }
  }
}
