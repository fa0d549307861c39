import { IAspect, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { takeInventory } from './app-inventory';
import { Finding, WarningIds, analyse } from './layer-sharing-analysis';

/** One analysis of the whole app, shared by the validations of its Stages. */
interface AppAnalysis {
  readonly findings: Finding[];
  /** The Stages (and root) whose validation has used this analysis: a second use means a new synthesis. */
  readonly usedBy: Set<IConstruct>;
}

interface RootState {
  /** Stages (and the root) that have the validation. */
  readonly registered: WeakSet<IConstruct>;
  analysis?: AppAnalysis;
}

const STATE_BY_ROOT = new WeakMap<IConstruct, RootState>();

/**
 * Checks at synthesis, across the whole app, every setup that would break cross-repository layer
 * sharing (blob mounting) in Amazon ECR:
 *
 * - in a registry (account + region) with blob mounting on (a `SharedLayerRegistry`, or an
 *   `EcrAccountSetting` `BLOB_MOUNTING` = `ENABLED`), every repository and creation template must have
 *   the identical encryption type and key, however it was written (`SharedRepository`,
 *   `ecr.Repository`, raw `CfnRepository`, `CfnRepositoryCreationTemplate`). A provable difference
 *   is an error; a key that cannot be compared (an alias, a parameter, an import) is a warning;
 * - at most one replication configuration, scanning configuration, registry policy and owner of each
 *   account setting per registry (errors);
 * - replication into a registry of the app whose REPLICATION creation template (or its absence:
 *   AES256) differs from that registry's encryption (error); replication to a registry the app does
 *   not define (warning);
 * - pull through cache rules of such a registry (warning: their images cannot be mounted);
 * - stacks without a concrete account and region are checked within themselves only (warning).
 *
 * Errors make `app.synth()` throw; warnings carry ids (see the static members) that can be
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
  public static readonly ENCRYPTION_NOT_PROVABLE: string = WarningIds.ENCRYPTION_NOT_PROVABLE;
  /** Warning: a stack without concrete account and region; its repositories are compared with each other only. */
  public static readonly ENV_AGNOSTIC_STACK: string = WarningIds.ENV_AGNOSTIC_STACK;
  /** Warning: replication to a registry the app does not define (or not known at synthesis). */
  public static readonly REPLICATION_DESTINATION_OUTSIDE_APP: string = WarningIds.REPLICATION_DESTINATION_OUTSIDE_APP;
  /** Warning: a REPLICATION creation template whose encryption cannot be proven identical to its registry's. */
  public static readonly REPLICATION_ENCRYPTION_NOT_PROVABLE: string = WarningIds.REPLICATION_ENCRYPTION_NOT_PROVABLE;
  /** Warning: a pull through cache rule in a registry with blob mounting on (its images cannot be mounted). */
  public static readonly PULL_THROUGH_CACHE_NOT_MOUNTED: string = WarningIds.PULL_THROUGH_CACHE_NOT_MOUNTED;

  /**
   * Turns the checks on for the whole app that `scope` belongs to. Idempotent: call it as often as
   * you like, the app is checked once.
   *
   * @param scope any construct of the app
   */
  public static ensure(scope: IConstruct): void {
    const root = scope.node.root;
    let state = STATE_BY_ROOT.get(root);
    if (!state) {
      state = { registered: new WeakSet() };
      STATE_BY_ROOT.set(root, state);
    }
    // A nested Stage is synthesized (and validated) on its own, before its parent: each Stage from
    // `scope` up to the root gets the validation, and reports the errors about its own constructs.
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
    if (scope !== undefined && this.visited.has(scope)) {
      return;
    }
    LayerSharingChecks.ensure(node);
  }
}

function register(root: IConstruct, state: RootState, stage: IConstruct): void {
  if (state.registered.has(stage)) {
    return;
  }
  state.registered.add(stage);
  stage.node.addValidation({
    validate: () => {
      let analysis = state.analysis;
      if (!analysis || analysis.usedBy.has(stage)) {
        // First validation of this synthesis: analyse the whole app once, adding the warnings
        // before any stack of it is written.
        analysis = { findings: analyse(takeInventory(root)), usedBy: new Set() };
        state.analysis = analysis;
      }
      analysis.usedBy.add(stage);
      return analysis.findings.filter((finding) => finding.involved.some((c) => isWithin(c, stage))).map((finding) => finding.message);
    },
  });
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
