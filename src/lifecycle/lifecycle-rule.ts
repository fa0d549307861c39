import { Token } from 'aws-cdk-lib';
import { error, show } from '../private/errors';

// The JSON a rule renders to, verified against the ECR documentation (2026):
//   https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
//     - `selection.storageClass`: required with `countType: sinceImageTransitioned`, and then only
//       `archive`; the other count types select `standard` images (the default when absent).
//     - `countUnit: days` with sinceImagePushed | sinceImagePulled | sinceImageTransitioned only.
//     - `countNumber`: positive integer (0 is not accepted).
//     - `action.type`: expire | transition; `action.targetStorageClass: archive` required with transition.
//   https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html
//     - "The sinceImagePulled count type must be used with the transition action."
//     - "The sinceImageTransitioned count type must be used with the expire action and the archive
//       storage class. Images must be in archive storage for a minimum of 90 days before deletion."
//   https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html (evaluation rules)
//     - imageCountMoreThan and sinceImagePushed images "are expired or archived": both actions exist.
//     - a rule may specify either tagPatternList or tagPrefixList, but not both; at most four
//       wildcards (*) per pattern.

/** The minimum time an archived image stays in archive before a lifecycle rule may expire it. */
const MIN_DAYS_IN_ARCHIVE = 90;
/** The maximum number of wildcards (`*`) in one tag pattern. */
const MAX_WILDCARDS_PER_PATTERN = 4;

/**
 * Which images a lifecycle rule selects by their tags.
 */
export enum TagStatus {
  /** Images with at least one tag; the rule must give `tagPrefixes` or `tagPatterns`. */
  TAGGED = 'tagged',
  /** Images without tags. */
  UNTAGGED = 'untagged',
  /**
   * All images, tagged or not.
   *
   * A rule with `TagStatus.ANY` must be evaluated last (the highest priority number) among the
   * rules that select the same storage class.
   */
  ANY = 'any',
}

/**
 * Which images a lifecycle rule selects, and where it stands in the policy: the options common to
 * every `LifecycleRule` factory.
 */
export interface LifecycleRuleSelection {
  /**
   * Which images the rule selects by their tags.
   *
   * `TagStatus.TAGGED` needs exactly one of `tagPrefixes` or `tagPatterns`;
   * `TagStatus.UNTAGGED` and `TagStatus.ANY` take neither.
   *
   * @default - `TagStatus.TAGGED` if `tagPrefixes` or `tagPatterns` is given, otherwise `TagStatus.ANY`
   */
  readonly tagStatus?: TagStatus;

  /**
   * Select images that have a tag starting with each of these prefixes (all of them must match).
   *
   * Only with `TagStatus.TAGGED`, and not together with `tagPatterns`.
   *
   * @default - no prefix filter
   */
  readonly tagPrefixes?: string[];

  /**
   * Select images that have a tag matching each of these patterns (all of them must match).
   * A pattern may contain at most 4 wildcards (`*`), for example `prod-*` or `*-rc*`.
   *
   * Only with `TagStatus.TAGGED`, and not together with `tagPrefixes`.
   *
   * @default - no pattern filter
   */
  readonly tagPatterns?: string[];

  /**
   * The order in which the rule is applied: lowest first. Must be unique in the policy.
   *
   * @default - assigned automatically when the policy is rendered: rules with a priority keep it;
   * the other rules, in the order given (the registry's default rules first, then the
   * repository's own rules), get the lowest numbers not taken, except `TagStatus.ANY` rules,
   * which get numbers above all other rules, in the order given.
   */
  readonly priority?: number;

  /**
   * What the rule is for, shown in the console.
   *
   * @default - no description
   */
  readonly description?: string;
}

/**
 * Options of `LifecycleRule.expireByCount`.
 */
export interface ExpireByCountOptions extends LifecycleRuleSelection {
  /**
   * The number of matching images to keep: the newest images (by push time) are kept and the
   * older ones beyond this count are deleted. A whole number, at least 1.
   */
  readonly maxImageCount: number;
}

/**
 * Options of `LifecycleRule.archiveByCount`.
 */
export interface ArchiveByCountOptions extends LifecycleRuleSelection {
  /**
   * The number of matching images to keep in standard storage: the newest images (by push time)
   * stay and the older ones beyond this count are archived. A whole number, at least 1.
   */
  readonly maxImageCount: number;
}

/**
 * Options of the `LifecycleRule` factories that act on images after a number of days
 * (`expireAfterDaysSincePush`, `archiveAfterDaysSincePush`, `archiveAfterDaysSincePull`).
 */
export interface DaysOptions extends LifecycleRuleSelection {
  /**
   * The number of days since the image was pushed (or last pulled, for
   * `archiveAfterDaysSincePull`) after which the rule acts. A whole number, at least 1.
   */
  readonly days: number;
}

/**
 * Options of `LifecycleRule.expireFromArchiveAfterDays`.
 */
export interface ExpireFromArchiveOptions extends LifecycleRuleSelection {
  /**
   * The number of days an image has been in archive after which it is deleted.
   * A whole number, at least 90: ECR does not let a lifecycle policy delete an image that has
   * been archived for less than 90 days (the minimum storage duration of the archive).
   */
  readonly days: number;
}

/** What a factory produces: everything the rendered JSON holds except the priority. */
interface RuleSpec {
  readonly factory: string;
  readonly countType: string;
  readonly countNumber: number;
  readonly actionType: string;
  readonly storageClass: string;
  readonly targetStorageClass?: string;
}

/** What each factory of `LifecycleRule` renders, and how it names and explains its count. */
const FACTORIES = {
  expireByCount: {
    countType: 'imageCountMoreThan',
    actionType: 'expire',
    storageClass: 'standard',
    countName: 'maxImageCount',
    expected: 'the number of images to keep, for example maxImageCount: 10',
  },
  archiveByCount: {
    countType: 'imageCountMoreThan',
    actionType: 'transition',
    storageClass: 'standard',
    targetStorageClass: 'archive',
    countName: 'maxImageCount',
    expected: 'the number of images to keep in standard storage, for example maxImageCount: 10',
  },
  expireAfterDaysSincePush: {
    countType: 'sinceImagePushed',
    actionType: 'expire',
    storageClass: 'standard',
    countName: 'days',
    expected: 'the age in days, for example days: 30',
  },
  archiveAfterDaysSincePush: {
    countType: 'sinceImagePushed',
    actionType: 'transition',
    storageClass: 'standard',
    targetStorageClass: 'archive',
    countName: 'days',
    expected: 'the age in days, for example days: 30',
  },
  archiveAfterDaysSincePull: {
    countType: 'sinceImagePulled',
    actionType: 'transition',
    storageClass: 'standard',
    targetStorageClass: 'archive',
    countName: 'days',
    expected: 'the number of days without a pull, for example days: 90',
  },
  expireFromArchiveAfterDays: {
    countType: 'sinceImageTransitioned',
    actionType: 'expire',
    storageClass: 'archive',
    countName: 'days',
    expected: `the number of days in archive, at least ${MIN_DAYS_IN_ARCHIVE}, for example days: 365`,
  },
} as const;

type Factory = keyof typeof FACTORIES;

/**
 * One rule of an Amazon ECR lifecycle policy: expire (delete) images, or move them to the
 * archive storage class, selected by tags and by count or age.
 *
 * Goes beyond aws-cdk-lib's `ecr.LifecycleRule`, which knows only expire by count or by push age:
 * this one also archives (by count, push age or last pull) and expires archived images.
 * Every factory validates its own values at once and throws when they are wrong; the rules of one
 * policy are checked together when the policy is rendered (unique priorities, `TagStatus.ANY`
 * last, at most 50 rules).
 *
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
 *
 * @example
 * const rules = [
 *   LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 7 }),
 *   LifecycleRule.archiveAfterDaysSincePull({ days: 90 }),
 *   LifecycleRule.expireFromArchiveAfterDays({ days: 365 }),
 * ];
 */
export class LifecycleRule {
  /**
   * Deletes the matching images beyond the newest `maxImageCount`
   * (`countType: imageCountMoreThan`, action `expire`).
   */
  public static expireByCount(options: ExpireByCountOptions): LifecycleRule {
    return LifecycleRule.of('expireByCount', options, options.maxImageCount);
  }

  /**
   * Archives the matching images beyond the newest `maxImageCount`
   * (`countType: imageCountMoreThan`, action `transition` to `archive`).
   */
  public static archiveByCount(options: ArchiveByCountOptions): LifecycleRule {
    return LifecycleRule.of('archiveByCount', options, options.maxImageCount);
  }

  /**
   * Deletes the matching images pushed more than `days` days ago
   * (`countType: sinceImagePushed`, action `expire`).
   */
  public static expireAfterDaysSincePush(options: DaysOptions): LifecycleRule {
    return LifecycleRule.of('expireAfterDaysSincePush', options, options.days);
  }

  /**
   * Archives the matching images pushed more than `days` days ago
   * (`countType: sinceImagePushed`, action `transition` to `archive`).
   */
  public static archiveAfterDaysSincePush(options: DaysOptions): LifecycleRule {
    return LifecycleRule.of('archiveAfterDaysSincePush', options, options.days);
  }

  /**
   * Archives the matching images not pulled for more than `days` days (an image never pulled
   * counts from its push) (`countType: sinceImagePulled`, action `transition` to `archive`).
   *
   * ECR can only archive by last pull, not delete: to delete such images later, add
   * `expireFromArchiveAfterDays`.
   */
  public static archiveAfterDaysSincePull(options: DaysOptions): LifecycleRule {
    return LifecycleRule.of('archiveAfterDaysSincePull', options, options.days);
  }

  /**
   * Deletes the matching archived images that have been in archive for more than `days` days
   * (`countType: sinceImageTransitioned`, `storageClass: archive`, action `expire`).
   * `days` must be at least 90.
   */
  public static expireFromArchiveAfterDays(options: ExpireFromArchiveOptions): LifecycleRule {
    const rule = LifecycleRule.of('expireFromArchiveAfterDays', options, options.days);
    if (!Token.isUnresolved(rule.countNumber) && rule.countNumber < MIN_DAYS_IN_ARCHIVE) {
      invalid(rule._factory, 'lifecycleArchiveTooShort', `days must be at least ${MIN_DAYS_IN_ARCHIVE}, got ${rule.countNumber}. ECR does not let a lifecycle policy delete an image that has been in archive for less than ${MIN_DAYS_IN_ARCHIVE} days (the archive's minimum storage duration). Use days: ${MIN_DAYS_IN_ARCHIVE} or more.`);
    }
    return rule;
  }

  /** A rule of a factory of `FACTORIES`, with its count checked. */
  private static of(factory: Factory, options: LifecycleRuleSelection, count: number): LifecycleRule {
    const { countName, expected, ...spec } = FACTORIES[factory];
    return new LifecycleRule(options, { ...spec, factory, countNumber: positiveInteger(factory, countName, count, expected) });
  }

  /**
   * The rule's priority, as given.
   *
   * @default - assigned automatically when the policy is rendered
   */
  public readonly priority?: number;
  /** Which images the rule selects by their tags. */
  public readonly tagStatus: TagStatus;
  /**
   * What the rule is for.
   *
   * @default - no description
   */
  public readonly description?: string;
  /**
   * The `countType` of the rule: `imageCountMoreThan`, `sinceImagePushed`, `sinceImagePulled`
   * or `sinceImageTransitioned`.
   */
  public readonly countType: string;
  /** The `countNumber` of the rule: an image count, or a number of days. */
  public readonly countNumber: number;
  /** The action: `expire` (delete) or `transition` (archive). */
  public readonly actionType: string;
  /**
   * The storage class of the images the rule selects: `standard`, or `archive` for
   * `expireFromArchiveAfterDays`.
   */
  public readonly storageClass: string;
  /**
   * Where `transition` moves the images: `archive`.
   *
   * @default - none (the rule expires images)
   */
  public readonly targetStorageClass?: string;

  /**
   * The name of the factory that made the rule, for example `expireByCount` (for error messages).
   * @internal
   */
  public readonly _factory: string;

  private readonly prefixes?: readonly string[];
  private readonly patterns?: readonly string[];

  private constructor(options: LifecycleRuleSelection, spec: RuleSpec) {
    const tagged = options.tagPrefixes !== undefined || options.tagPatterns !== undefined;
    this.tagStatus = options.tagStatus ?? (tagged ? TagStatus.TAGGED : TagStatus.ANY);
    this._factory = spec.factory;
    this.countType = spec.countType;
    this.countNumber = spec.countNumber;
    this.actionType = spec.actionType;
    this.storageClass = spec.storageClass;
    this.targetStorageClass = spec.targetStorageClass;
    this.description = options.description;
    this.priority = options.priority === undefined
      ? undefined
      : positiveInteger(spec.factory, 'priority', options.priority, 'a whole number of at least 1, or leave it out to have it assigned automatically');
    this.prefixes = options.tagPrefixes === undefined ? undefined : [...options.tagPrefixes];
    this.patterns = options.tagPatterns === undefined ? undefined : [...options.tagPatterns];
    validateTags(spec.factory, this.tagStatus, this.prefixes, this.patterns);
  }

  /**
   * The tag prefixes the rule selects (`tagPrefixList`).
   *
   * @default - none
   */
  public get tagPrefixes(): string[] | undefined {
    return this.prefixes === undefined ? undefined : [...this.prefixes];
  }

  /**
   * The tag patterns the rule selects (`tagPatternList`).
   *
   * @default - none
   */
  public get tagPatterns(): string[] | undefined {
    return this.patterns === undefined ? undefined : [...this.patterns];
  }
}

function invalid(factory: string, id: string, message: string): never {
  throw error(id, `LifecycleRule.${factory}: ${message}`);
}

function positiveInteger(factory: string, name: string, value: number, expected: string): number {
  if (Token.isUnresolved(value)) {
    return value;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    invalid(factory, 'invalidLifecycleNumber', `${name} must be a whole number of at least 1, got ${show(value)}. Expected ${expected}.`);
  }
  return value;
}

function validateTags(factory: string, tagStatus: TagStatus, prefixes?: readonly string[], patterns?: readonly string[]): void {
  if (tagStatus !== TagStatus.TAGGED) {
    if (prefixes !== undefined || patterns !== undefined) {
      invalid(factory, 'lifecycleTagsWithoutTagged', `tagPrefixes and tagPatterns select tagged images, but tagStatus is ${JSON.stringify(tagStatus)}. Use tagStatus: TagStatus.TAGGED (or leave tagStatus out), or remove tagPrefixes and tagPatterns.`);
    }
    return;
  }
  if (prefixes !== undefined && patterns !== undefined) {
    invalid(factory, 'lifecycleTagPrefixesAndPatterns', `a rule may give tagPrefixes or tagPatterns, not both (got tagPrefixes ${JSON.stringify(prefixes)} and tagPatterns ${JSON.stringify(patterns)}). Keep one of them, or split the rule in two.`);
  }
  const list = prefixes ?? patterns;
  const name = prefixes !== undefined ? 'tagPrefixes' : 'tagPatterns';
  if (list === undefined) {
    invalid(factory, 'lifecycleTaggedWithoutTags', 'tagStatus TagStatus.TAGGED needs tagPrefixes or tagPatterns, got neither. Give the tags to select, for example tagPatterns: [\'prod-*\'], or use TagStatus.ANY to select all images.');
  }
  if (Token.isUnresolved(list)) {
    return;
  }
  if (list.length === 0) {
    invalid(factory, 'lifecycleTagListEmpty', `${name} is empty. Give at least one ${name === 'tagPrefixes' ? 'prefix' : 'pattern'}, or use TagStatus.ANY to select all images.`);
  }
  for (const item of list) {
    if (Token.isUnresolved(item)) {
      continue;
    }
    if (item.length === 0) {
      invalid(factory, 'lifecycleTagListEmpty', `${name} contains an empty string (got ${JSON.stringify(list)}). Remove it, or use TagStatus.ANY to select all images.`);
    }
    if (name === 'tagPatterns') {
      const wildcards = item.split('*').length - 1;
      if (wildcards > MAX_WILDCARDS_PER_PATTERN) {
        invalid(factory, 'lifecycleTooManyWildcards', `tag pattern ${JSON.stringify(item)} has ${wildcards} wildcards (*); ECR allows at most ${MAX_WILDCARDS_PER_PATTERN} per pattern. Simplify the pattern, or split it across several rules.`);
      }
    }
  }
}
