import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LifecycleRule, TagStatus } from './lifecycle-rule';
import { fail, show } from '../private/errors';

// Limits and evaluation rules of ECR lifecycle policies (checked 2026):
// - 50 rules and 30,720 characters per policy (service quotas, not adjustable):
//   https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
//   https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
//   (the API's minimum of 100 characters cannot be missed: the smallest rule renders to more.)
// - Unique rulePriority; "a rule with a tagStatus value of any must have the highest value for
//   rulePriority": https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
// - Since archiving (2025), the evaluation rules are per storage class: "Only one rule selecting a
//   specific storage class is allowed to select untagged images", and ECR's own example combines a
//   `tagStatus: any` archive rule (priority 1, selects standard images) with a `tagStatus: any`
//   expire-from-archive rule (priority 2, selects archived images):
//   https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
//   https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html
//   So "any last" and "one untagged rule" are checked among the rules of one storage class.

/** The maximum number of rules in one lifecycle policy. */
const MAX_RULES = 50;
/** The maximum number of characters of one lifecycle policy. */
const MAX_POLICY_LENGTH = 30_720;

interface Entry {
  readonly rule: LifecycleRule;
  /** Where the rule comes from, for error messages, e.g. `repository lifecycleRules[2]`. */
  readonly label: string;
}

interface Prioritized extends Entry {
  /** The explicit or assigned priority (may be a token). */
  readonly priority: number;
}

/** The rendered text of a rule without its priority: `"description":...}` (undefined if it holds tokens). */
const renderedBodies = new WeakMap<LifecycleRule, string | null>();
/** Rendered policies of registry defaults alone (a repository without rules of its own). */
const renderedDefaults = new WeakMap<readonly LifecycleRule[], { readonly rules: readonly LifecycleRule[]; readonly text: string }>();

/**
 * Merges registry-wide default rules and a repository's own rules, assigns priorities,
 * validates, renders the policy text (JSON string for CfnRepository.LifecyclePolicy.LifecyclePolicyText).
 * Returns undefined when there are no rules.
 *
 * Priorities: rules with an explicit priority keep it; the others, in the order given (defaults
 * first, then the repository's own rules), get the lowest numbers not taken, except
 * `TagStatus.ANY` rules, which get numbers above all other rules, in the order given.
 *
 * The text is compact JSON with a fixed key order, rules sorted by priority. When `own` is empty
 * the text for the same `defaults` is rendered once and reused.
 */
export function renderLifecyclePolicy(scope: IConstruct, defaults: readonly LifecycleRule[], own: readonly LifecycleRule[]): string | undefined {
  if (defaults.length === 0 && own.length === 0) {
    return undefined;
  }
  if (own.length === 0) {
    const cached = renderedDefaults.get(defaults);
    if (cached && sameRules(cached.rules, defaults)) {
      return cached.text;
    }
  }
  const entries = [
    ...entriesOf(defaults, 'registry default lifecycleRules'),
    ...entriesOf(own, 'repository lifecycleRules'),
  ];
  const what = `the registry's default rules (${defaults.length}) and the repository's own rules (${own.length}) together`;
  const rendered = build(scope, entries, what);
  if (own.length === 0 && rendered.plain) {
    renderedDefaults.set(defaults, { rules: [...defaults], text: rendered.text });
  }
  return rendered.text;
}

/**
 * Validates a list of rules on their own (for the registry's defaults at construction).
 * Throws via fail(scope, ...).
 *
 * @param what the name of the list in error messages, for example `lifecycleRules`
 */
export function validateLifecycleRules(scope: IConstruct, rules: readonly LifecycleRule[], what: string): void {
  if (rules.length === 0) {
    return;
  }
  const rendered = build(scope, entriesOf(rules, what), what);
  if (rendered.plain) {
    // The same list rendered for a repository without rules of its own gives the same text.
    renderedDefaults.set(rules, { rules: [...rules], text: rendered.text });
  }
}

function entriesOf(rules: readonly LifecycleRule[], what: string): Entry[] {
  return rules.map((rule, i) => ({ rule, label: `${what}[${i}]` }));
}

function sameRules(a: readonly LifecycleRule[], b: readonly LifecycleRule[]): boolean {
  return a.length === b.length && a.every((rule, i) => rule === b[i]);
}

function build(scope: IConstruct, given: readonly Entry[], what: string): { readonly text: string; readonly plain: boolean } {
  if (given.length > MAX_RULES) {
    fail(scope, 'tooManyLifecycleRules', `Got ${given.length} lifecycle rules in ${what}; ECR allows at most ${MAX_RULES} rules per lifecycle policy. Remove or merge rules (registry defaults and a repository's own rules count together).`);
  }
  const entries = assignPriorities(scope, given);
  validateOrder(scope, entries);

  const bodies = entries.map(e => bodyOf(e.rule));
  const plain = bodies.every(b => b !== undefined) && entries.every(e => !Token.isUnresolved(e.priority));
  if (!plain) {
    // Tokens (e.g. a priority from a parameter) need CloudFormation to build the string.
    const rules = entries.map(e => ({ rulePriority: e.priority, ...objectOf(e.rule) }));
    return { text: Stack.of(scope).toJsonString({ rules }), plain: false };
  }
  const parts = entries
    .map((e, i) => ({ priority: e.priority, body: bodies[i] as string }))
    .sort((a, b) => a.priority - b.priority)
    .map(p => `{"rulePriority":${p.priority},${p.body}`);
  const text = `{"rules":[${parts.join(',')}]}`;
  if (text.length > MAX_POLICY_LENGTH) {
    fail(scope, 'lifecyclePolicyTooLong', `The lifecycle policy of ${what} renders to ${text.length} characters; ECR allows at most ${MAX_POLICY_LENGTH} characters per lifecycle policy. Shorten or drop descriptions, use fewer tag prefixes or patterns, or fewer rules.`);
  }
  return { text, plain: true };
}

/**
 * Explicit priorities are kept (and must be unique); rules without one get the lowest free numbers
 * in the order given, and `TagStatus.ANY` rules without one get numbers above all others.
 */
function assignPriorities(scope: IConstruct, entries: readonly Entry[]): Prioritized[] {
  const priorities: Array<number | undefined> = entries.map(e => e.rule.priority);
  const taken = new Map<number, Entry>();
  entries.forEach((e, i) => {
    const priority = priorities[i];
    if (priority === undefined || Token.isUnresolved(priority)) {
      return;
    }
    const other = taken.get(priority);
    if (other) {
      fail(scope, 'duplicateLifecycleRulePriority', `${describe(other)} and ${describe(e)} both have priority ${priority}. ECR needs a unique rulePriority for every rule of a lifecycle policy. Give one of them another priority, or leave it out to have the lowest free number assigned.`);
    }
    taken.set(priority, e);
  });
  let next = 1;
  entries.forEach((e, i) => {
    if (priorities[i] === undefined && e.rule.tagStatus !== TagStatus.ANY) {
      while (taken.has(next)) {
        next++;
      }
      priorities[i] = next;
      taken.set(next, e);
    }
  });
  let top = Math.max(0, ...taken.keys());
  return entries.map((e, i) => ({ ...e, priority: priorities[i] ?? ++top }));
}

/** `TagStatus.ANY` last and at most one untagged rule, among the rules that select one storage class. */
function validateOrder(scope: IConstruct, entries: readonly Prioritized[]): void {
  const byClass = new Map<string, Prioritized[]>();
  for (const e of entries) {
    if (Token.isUnresolved(e.priority)) {
      continue;
    }
    const group = byClass.get(e.rule.storageClass) ?? [];
    group.push(e);
    byClass.set(e.rule.storageClass, group);
  }
  for (const [storageClass, group] of byClass) {
    const anyRules = group.filter(e => e.rule.tagStatus === TagStatus.ANY);
    if (anyRules.length > 1) {
      fail(scope, 'lifecycleAnyRuleTwice', `${describe(anyRules[0])} and ${describe(anyRules[1])} both select all images (TagStatus.ANY) in the ${storageClass} storage class. ECR evaluates such a rule last among the rules of its storage class, so a lifecycle policy can hold only one. Merge them, or give one of them tagStatus TagStatus.TAGGED or TagStatus.UNTAGGED.`);
    }
    if (anyRules.length === 1) {
      const anyRule = anyRules[0];
      const later = group.reduce((a, b) => (b.priority > a.priority ? b : a));
      if (later !== anyRule) {
        fail(scope, 'lifecycleAnyRuleNotLast', `${describe(anyRule)} selects all images (TagStatus.ANY) with priority ${anyRule.priority}, but ${describe(later)} selects images of the same (${storageClass}) storage class with the higher priority ${later.priority}. ECR needs a TagStatus.ANY rule to have the highest priority among the rules of its storage class. Give the TagStatus.ANY rule a priority above ${later.priority}, or leave its priority out to have it placed last.`);
      }
    }
    const untagged = group.filter(e => e.rule.tagStatus === TagStatus.UNTAGGED);
    if (untagged.length > 1) {
      fail(scope, 'lifecycleUntaggedRuleTwice', `${describe(untagged[0])} and ${describe(untagged[1])} both select untagged images (TagStatus.UNTAGGED) in the ${storageClass} storage class. ECR allows only one rule per storage class to select untagged images. Keep one of them (registry defaults and a repository's own rules count together).`);
    }
  }
}

function bodyOf(rule: LifecycleRule): string | undefined {
  let body = renderedBodies.get(rule);
  if (body === undefined) {
    body = hasTokens(rule) ? null : JSON.stringify(objectOf(rule)).slice(1);
    renderedBodies.set(rule, body);
  }
  return body ?? undefined;
}

function hasTokens(rule: LifecycleRule): boolean {
  const list = rule.tagPrefixes ?? rule.tagPatterns ?? [];
  return Token.isUnresolved(rule.countNumber)
    || (rule.description !== undefined && Token.isUnresolved(rule.description))
    || Token.isUnresolved(list)
    || list.some(item => Token.isUnresolved(item));
}

/**
 * A rule as ECR's JSON, without `rulePriority`; key order as in ECR's policy template:
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html
 */
function objectOf(rule: LifecycleRule): object {
  const days = rule.countType !== 'imageCountMoreThan';
  return {
    ...(rule.description === undefined ? {} : { description: rule.description }),
    selection: {
      tagStatus: rule.tagStatus,
      ...(rule.tagPatterns === undefined ? {} : { tagPatternList: rule.tagPatterns }),
      ...(rule.tagPrefixes === undefined ? {} : { tagPrefixList: rule.tagPrefixes }),
      // `standard` is the default: only archive-selecting rules name their storage class.
      ...(rule.storageClass === 'standard' ? {} : { storageClass: rule.storageClass }),
      countType: rule.countType,
      ...(days ? { countUnit: 'days' } : {}),
      countNumber: rule.countNumber,
    },
    action: {
      type: rule.actionType,
      ...(rule.targetStorageClass === undefined ? {} : { targetStorageClass: rule.targetStorageClass }),
    },
  };
}

/** For error messages: `repository lifecycleRules[1] (LifecycleRule.expireByCount({ ... }))`. */
function describe(e: Entry): string {
  const r = e.rule;
  const options = [`tagStatus: ${show(r.tagStatus)}`];
  if (r.tagPrefixes !== undefined) {
    options.push(`tagPrefixes: ${show(r.tagPrefixes)}`);
  }
  if (r.tagPatterns !== undefined) {
    options.push(`tagPatterns: ${show(r.tagPatterns)}`);
  }
  options.push(`${r.countType === 'imageCountMoreThan' ? 'maxImageCount' : 'days'}: ${r.countNumber}`);
  if (r.priority !== undefined) {
    options.push(`priority: ${r.priority}`);
  }
  if (r.description !== undefined) {
    options.push(`description: ${show(r.description)}`);
  }
  return `${e.label} (LifecycleRule.${r._factory}({ ${options.join(', ')} }))`;
}
