import { IAspect, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { takeInventory } from './app-inventory';
import { displayPath, subject } from './encryption-identity';
import { ALL_RULES, runRules, SINGLETON_RULES } from './engine';
import { Finding } from './rule';
import { warn } from '../private/annotations';
import { CHECK_IDS, errorText, qualifiedId } from '../private/errors';

/** One analysis of the whole app, shared by the validations of its stacks and Stages. */
interface AppAnalysis {
  readonly findings: Finding[];
  /** The validators (stacks, Stages) that have used this analysis: a second use means a new synthesis. */
  readonly usedBy: Set<IConstruct>;
}

/** The state of the checks of one app, kept on its root construct. */
interface ChecksState {
  /** Stacks and Stages (and the root) that have the validation. */
  readonly registered: Set<IConstruct>;
  /** Whether every rule runs (else only the singleton rules). */
  all: boolean;
  analysis?: AppAnalysis;
}

const STATE = Symbol.for('cdk-ecr-shared-layers.LayerSharingChecks');

function stateOf(root: IConstruct): ChecksState {
  const holder = root as unknown as Record<symbol, ChecksState | undefined>;
  let state = holder[STATE];
  if (!state) {
    state = { registered: new Set(), all: false };
    Object.defineProperty(root, STATE, { value: state, enumerable: false });
  }
  return state;
}

/**
 * Checks at synthesis, across the whole app, every setup that would break cross-repository layer
 * sharing (blob mounting) in Amazon ECR, or that ECR would reject at deploy time. Every check reads
 * the resources as CloudFormation receives them, by their CloudFormation type, whatever wrote them
 * (a construct of this library, an aws-cdk-lib L2, an L1, a generic `CfnResource`), with every
 * override applied and `Lazy` values resolved:
 *
 * - in a registry (account + region) with blob mounting on (a `SharedLayerRegistry`, or an
 *   `EcrAccountSetting` `BLOB_MOUNTING` = `ENABLED`), every repository and creation template must have
 *   the identical encryption type and key (keys compared by account, region and key id, as ECR does).
 *   A provable difference is an error; a key that cannot be compared (an alias, a parameter, an
 *   import) is a warning;
 * - at most one replication configuration, scanning configuration, registry policy and owner of each
 *   account setting per registry, and unique repository names, creation template prefixes and pull
 *   through cache prefixes in a registry, whichever stacks declare them (errors);
 * - ECR's limits and patterns (API model) on every resource: names, prefixes, tag mutability
 *   exclusion filters, template descriptions, tags and keys, registry policy length, pull through
 *   cache credentials (errors);
 * - replication into a registry of the app whose REPLICATION creation templates (or their absence:
 *   AES256) do not give every replicated repository that registry's encryption: a replication filter
 *   is a plain prefix, a template prefix a namespace (error); replication to a registry the app does
 *   not define (warning);
 * - pull through cache rules of such a registry (warning: their images cannot be mounted), and
 *   without a PULL_THROUGH_CACHE creation template (warning);
 * - a registry policy that grants to everyone without a limiting condition (error), or that has
 *   actions outside registry policy scope V1 where the app sets scope V1 (error);
 * - container image assets pushed to the CDK bootstrap's repository (AES256) in a registry with
 *   another encryption, and imported repositories (warnings);
 * - stacks without a concrete account and region are checked within themselves only (warning).
 *
 * Errors make `app.synth()` throw and are shown as `[cdk-ecr-shared-layers:<id>] <path>: ...`, naming
 * the construct at fault, by its stack; warnings carry ids (see the static members) that can be
 * acknowledged with `Annotations.of(scope).acknowledgeWarning(id)`.
 *
 * A `SharedLayerRegistry` turns the checks on by itself. Apps without one add the aspect:
 * `Aspects.of(app).add(new LayerSharingChecks())`. The whole app is checked once, whichever
 * construct the aspect was added to. A nested `Stage` is synthesized before the app's aspects
 * run: for warnings about a nested Stage without a `SharedLayerRegistry` to reach its assembly,
 * add the aspect to that Stage too (errors are reported either way).
 *
 * @example
 * declare const app: App;
 * Aspects.of(app).add(new LayerSharingChecks());
 */
export class LayerSharingChecks implements IAspect {
  /** Warning: an encryption that cannot be proven identical to the registry's (alias, parameter, import, literal ARN vs key construct). */
  public static readonly ENCRYPTION_NOT_PROVABLE: string = qualifiedId(CHECK_IDS.ENCRYPTION_NOT_PROVABLE);
  /** Warning: a stack without concrete account and region; its repositories are compared with each other only. */
  public static readonly ENV_AGNOSTIC_STACK: string = qualifiedId(CHECK_IDS.ENV_AGNOSTIC_STACK);
  /** Warning: replication to a registry the app does not define (or not known at synthesis). */
  public static readonly REPLICATION_DESTINATION_OUTSIDE_APP: string = qualifiedId(CHECK_IDS.REPLICATION_DESTINATION_OUTSIDE_APP);
  /** Warning: a REPLICATION creation template whose encryption cannot be proven identical to its registry's. */
  public static readonly REPLICATION_ENCRYPTION_NOT_PROVABLE: string = qualifiedId(CHECK_IDS.REPLICATION_ENCRYPTION_NOT_PROVABLE);
  /** Warning: a pull through cache rule in a registry with blob mounting on (its images cannot be mounted). */
  public static readonly PULL_THROUGH_CACHE_NOT_MOUNTED: string = qualifiedId(CHECK_IDS.PULL_THROUGH_CACHE_NOT_MOUNTED);
  /** Warning: container image assets pushed to the CDK bootstrap's repository, outside the registry's encryption island. */
  public static readonly CONTAINER_ASSETS_OUTSIDE_ISLAND: string = qualifiedId(CHECK_IDS.CONTAINER_ASSETS_OUTSIDE_ISLAND);
  /** Warning: a repository referenced by name or ARN in a registry with blob mounting on: its encryption cannot be checked. */
  public static readonly IMPORTED_REPOSITORY_NOT_CHECKED: string = qualifiedId(CHECK_IDS.IMPORTED_REPOSITORY_NOT_CHECKED);

  /**
   * Turns the checks on for the whole app that `scope` belongs to. Idempotent: call it as often as
   * you like, the app is checked once.
   *
   * @param scope any construct of the app
   */
  public static ensure(scope: IConstruct): void {
    stateOf(scope.node.root).all = true;
    LayerSharingChecks._claimSingleton(scope);
  }

  /**
   * Turns on the check of registry singletons for the app of `scope` (a construct that exists once
   * per registry: an account setting, the replication or scanning configuration). Idempotent.
   * @internal
   */
  public static _claimSingleton(scope: IConstruct): void {
    const root = scope.node.root;
    const state = stateOf(root);
    // The stack of `scope` reports the errors about its constructs (under its own path).
    if (!Stage.isStage(scope) && scope !== root) {
      register(root, state, Stack.of(scope));
    }
    // A nested Stage is synthesized (and validated) on its own, before its parent: each Stage from
    // `scope` up to the root gets the validation too, and reports the errors about its own
    // constructs that no stack with the validation reports.
    let stage: IConstruct | undefined = Stage.isStage(scope) ? scope : Stage.of(scope);
    while (stage !== undefined) {
      register(root, state, stage);
      stage = Stage.of(stage);
    }
    register(root, state, root);
  }

  /** Constructs visited: below one of them, the Stages (and so the registrations) are the same. */
  private readonly visited = new WeakSet<IConstruct>();

  /** Turns the checks on for the app of the constructs visited (once per place the aspect was added). */
  public visit(node: IConstruct): void {
    const scope = node.node.scope;
    this.visited.add(node);
    if (Stack.isStack(node)) {
      register(node.node.root, stateOf(node.node.root), node);
    }
    if (scope !== undefined && this.visited.has(scope)) {
      return;
    }
    LayerSharingChecks.ensure(node);
  }
}

function register(root: IConstruct, state: ChecksState, validator: IConstruct): void {
  if (state.registered.has(validator)) {
    return;
  }
  state.registered.add(validator);
  validator.node.addValidation({
    validate: () => {
      let analysis = state.analysis;
      if (!analysis || analysis.usedBy.has(validator)) {
        // First validation of this synthesis: analyse the whole app once, adding the warnings
        // before any stack of it is written.
        analysis = analyse(root, state, validator);
        state.analysis = analysis;
      }
      analysis.usedBy.add(validator);
      return analysis.findings
        .filter((finding) => reporterOf(finding, validator, state) === validator)
        .map((finding) => errorText(finding.id, `${displayPath(finding.subject)}: ${finding.message}`));
    },
  });
}

/**
 * Takes the inventory, runs the rules, adds the warnings to the constructs at fault, and keeps the
 * errors. The first validator to run in a synthesis is a Stage's (or the root's: a Stage is
 * validated before its stacks): the stacks of that Stage and of the Stages around it, validated
 * after it, get the validation too, so that each error is listed by the stack of the construct at
 * fault.
 */
function analyse(root: IConstruct, state: ChecksState, validator: IConstruct): AppAnalysis {
  const inventory = takeInventory(root);
  const all = runRules(inventory, state.all ? ALL_RULES : SINGLETON_RULES, root);
  const warned = new Set<string>();
  const findings: Finding[] = [];
  for (const finding of all) {
    if (finding.level === 'error') {
      findings.push(finding);
      continue;
    }
    const target = subject(finding.subject);
    const key = `${target.node.path}\u0000${finding.id}\u0000${finding.message}`;
    if (!warned.has(key)) {
      warned.add(key);
      warn(target, finding.id, finding.message);
    }
  }
  if (findings.length > 0) {
    const current = Stack.isStack(validator) ? stageOf(validator) : validator;
    const later = new Set<IConstruct>();
    for (let stage: IConstruct | undefined = current; stage !== undefined; stage = Stage.of(stage)) {
      later.add(stage);
    }
    later.add(root);
    for (const stack of inventory.stacks) {
      if (later.has(stageOf(stack))) {
        register(root, state, stack);
      }
    }
  }
  return { findings, usedBy: new Set() };
}

/**
 * The validator that reports a finding in the Stage of `validator`: the first registered stack of
 * that Stage holding a construct of the finding, else the first registered stack of the Stage (so
 * that the message is prefixed by a construct path, never by the root's empty one), else the Stage
 * itself, when the finding is about a construct of the Stage.
 */
function reporterOf(finding: Finding, validator: IConstruct, state: ChecksState): IConstruct | undefined {
  const stage = Stack.isStack(validator) ? stageOf(validator) : validator;
  let within = false;
  for (const construct of [finding.subject, ...finding.involved ?? []]) {
    if (!isWithin(construct, stage)) {
      continue;
    }
    within = true;
    const stack = Stack.of(construct);
    if (state.registered.has(stack) && stageOf(stack) === stage) {
      return stack;
    }
  }
  if (!within) {
    return undefined;
  }
  for (const registered of state.registered) {
    if (Stack.isStack(registered) && stageOf(registered) === stage) {
      return registered;
    }
  }
  return stage;
}

/** The Stage (or root) a stack is synthesized with. */
function stageOf(stack: Stack): IConstruct {
  return Stage.of(stack) ?? stack.node.root;
}

/** Whether `construct` is `stage` or below it (nested Stages included). */
function isWithin(construct: IConstruct, stage: IConstruct): boolean {
  if (stage === construct.node.root) {
    return true;
  }
  for (let scope: IConstruct | undefined = construct; scope !== undefined; scope = scope.node.scope) {
    if (scope === stage) {
      return true;
    }
  }
  return false;
}
