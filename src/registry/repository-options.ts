import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { IConstruct } from 'constructs';
import { EXCLUSION_FILTER, REPOSITORY_NAME } from '../private/aws-names';
import { fail, show } from '../private/errors';

/** What a repository is checked for at creation (a subset of `SharedRepositoryOptions`). */
export interface CheckedRepositoryOptions {
  readonly repositoryName?: string;
  readonly imageTagMutabilityExclusionFilters?: string[];
  readonly removalPolicy?: RemovalPolicy;
  readonly emptyOnDelete?: boolean;
}

/** Validates the options a repository is created with. */
export function validateRepositoryOptions(scope: IConstruct, options: CheckedRepositoryOptions): void {
  const name = options.repositoryName;
  if (name !== undefined && !Token.isUnresolved(name) && !REPOSITORY_NAME.test(name)) {
    fail(scope, 'invalidRepositoryName', `Invalid repository name ${show(name)}: expected 2-256 characters of lower-case letters and digits, separated by '.', '_', '__' or runs of '-', with optional namespaces separated by '/' (ECR's pattern ${REPOSITORY_NAME.source}). For example 'team/api'.`);
  }
  validateExclusionFilters(scope, options.imageTagMutabilityExclusionFilters);
  if (options.emptyOnDelete && options.removalPolicy !== RemovalPolicy.DESTROY) {
    fail(scope, 'emptyOnDeleteWithoutDestroy', `emptyOnDelete is true, but removalPolicy is ${show(options.removalPolicy ?? RemovalPolicy.RETAIN)}: images can only be deleted with the repository. Set removalPolicy: RemovalPolicy.DESTROY as well, or leave emptyOnDelete unset to keep the images.`);
  }
}

/** Validates wildcard filters of tag mutability exclusion. */
export function validateExclusionFilters(scope: IConstruct, filters: string[] | undefined): void {
  for (const filter of filters ?? []) {
    if (!Token.isUnresolved(filter) && !EXCLUSION_FILTER.test(filter)) {
      fail(scope, 'invalidTagMutabilityExclusionFilter', `Invalid tag mutability exclusion filter ${show(filter)}: expected 1-128 characters of letters, digits, '.', '_', '-' and the wildcard '*' (${EXCLUSION_FILTER.source}). For example 'latest' or 'dev-*'.`);
    }
  }
}

/** Checks that exclusion filters are given exactly with the mutability values that use them. */
export function checkMutability(scope: IConstruct, mutability: ecr.TagMutability | string, filters: string[] | undefined): void {
  const withExclusion = mutability === ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION || mutability === ecr.TagMutability.MUTABLE_WITH_EXCLUSION;
  const hasFilters = (filters?.length ?? 0) > 0;
  if (withExclusion && !hasFilters) {
    fail(scope, 'tagMutabilityExclusionFiltersMissing', `Tag mutability ${mutability} needs imageTagMutabilityExclusionFilters (for example ['latest']). Add the filters, or use ${mutability === ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION ? 'IMMUTABLE' : 'MUTABLE'}.`);
  }
  if (!withExclusion && hasFilters) {
    fail(scope, 'tagMutabilityExclusionFiltersIgnored', `imageTagMutabilityExclusionFilters ${show(filters)} are given with tag mutability ${mutability}, which ignores them. Use TagMutability.IMMUTABLE_WITH_EXCLUSION or TagMutability.MUTABLE_WITH_EXCLUSION, or remove the filters.`);
  }
}
