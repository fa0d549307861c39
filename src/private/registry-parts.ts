import { Annotations, Aspects, IAspect, Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';
import { fail, show } from './errors';
import type { SharedLayerRegistry } from '../registry/shared-layer-registry';

/** The prefix of a creation template that applies to every repository without a more specific template. */
export const ROOT_PREFIX = 'ROOT';

/**
 * Fails when `part` (a registry-wide resource: template, rule, policy) is in a stack of another
 * account or region than its registry: it would configure another registry.
 */
export function checkSameRegistry(part: IConstruct, registry: SharedLayerRegistry, what: string): void {
  const mine = Stack.of(part);
  const theirs = Stack.of(registry);
  if (mine === theirs) {
    return;
  }
  for (const [dimension, a, b] of [['account', mine.account, theirs.account], ['region', mine.region, theirs.region]] as const) {
    if (!Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b) {
      fail(part, `A ${what} must be in its registry's account and region, but its stack ${mine.node.path} has ${dimension} ${show(a)} and the registry ${registry.node.path} has ${show(b)}. Create it in a stack with env { account: '${theirs.account}', region: '${theirs.region}' }.`);
    }
  }
}

/**
 * The partition of a region: from aws-cdk-lib's region facts, else from the region's prefix.
 * Undefined for a token.
 */
export function partitionOf(region: string): string | undefined {
  if (Token.isUnresolved(region)) {
    return undefined;
  }
  const known = RegionInfo.get(region).partition;
  if (known) {
    return known;
  }
  const prefixes: Array<[string, string]> = [
    ['cn-', 'aws-cn'], ['us-gov-', 'aws-us-gov'], ['us-isob-', 'aws-iso-b'], ['us-iso-', 'aws-iso'],
    ['eu-isoe-', 'aws-iso-e'], ['us-isof-', 'aws-iso-f'], ['eusc-', 'aws-eusc'],
  ];
  return prefixes.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

/**
 * The names of every repository of the registry, or undefined when at least one name is not known
 * at synthesis (generated or a token).
 */
export function knownRepositoryNames(registry: SharedLayerRegistry): Array<{ name: string; path: string }> | undefined {
  const names: Array<{ name: string; path: string }> = [];
  for (const repository of registry.repositories) {
    const name = repository.resource.repositoryName;
    if (name === undefined || Token.isUnresolved(name)) {
      return undefined;
    }
    names.push({ name, path: repository.node.path });
  }
  return names;
}

/** Whether an ECR wildcard filter (`*` = any characters, `/` included) matches a name. */
export function wildcardMatches(filter: string, name: string): boolean {
  const pattern = filter.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`).test(name);
}

/**
 * Runs `check` once, at synthesis, after every construct of the app exists (as an aspect of
 * `scope`), so that it can add warnings (`node.addValidation` can only return errors).
 */
export function checkAtSynthesis(scope: IConstruct, check: () => void): void {
  let done = false;
  const aspect: IAspect = {
    visit: (node: IConstruct) => {
      if (node === scope && !done) {
        done = true;
        check();
      }
    },
  };
  Aspects.of(scope).add(aspect);
}

/** Adds an acknowledgeable warning with this library's id prefix. */
export function warn(scope: IConstruct, id: string, message: string): void {
  Annotations.of(scope).addWarningV2(`cdk-ecr-shared-layers:${id}`, message);
}

/** The pull through cache prefixes of each registry (kept here so that the registry parts do not import each other in a cycle). */
const PULL_THROUGH_PREFIXES = new WeakMap<SharedLayerRegistry, string[]>();

/** Records a pull through cache prefix of a registry. */
export function recordPullThroughPrefix(registry: SharedLayerRegistry, prefix: string): void {
  const prefixes = PULL_THROUGH_PREFIXES.get(registry) ?? [];
  prefixes.push(prefix);
  PULL_THROUGH_PREFIXES.set(registry, prefixes);
}

/** The pull through cache prefixes of a registry, in the order added. */
export function pullThroughPrefixesOf(registry: SharedLayerRegistry): string[] {
  return [...(PULL_THROUGH_PREFIXES.get(registry) ?? [])];
}
