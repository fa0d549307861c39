import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, App, Aws, BootstraplessSynthesizer, CfnCondition, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { BaselineEncryption } from './baseline-encryption';
import { RegistryBaselineOptions } from './baseline-options';
import { EcrAccountSetting } from '../account-settings/ecr-account-setting';
import { BaselineAuditRoleOptions, RegistryAuditRole } from '../audit-role/registry-audit-role';
import { SharedLayerRegistry } from '../registry/shared-layer-registry';
import { LayerSharingChecks } from '../validation/layer-sharing-checks';

/** The parts of a CloudFormation template that the stack set reads. */
export interface BaselineTemplate {
  readonly Resources?: { readonly [logicalId: string]: { readonly Type: string; readonly Properties?: { readonly [name: string]: unknown } } };
  readonly [section: string]: unknown;
}

/** One annotation of the baseline stack. */
export interface BaselineMessage {
  readonly level: string;
  readonly path: string;
  readonly message: string;
  /** The acknowledgement id of a warning, if any. */
  readonly id?: string;
}

/** The synthesized baseline. */
export interface BaselineSynthesis {
  /** The CloudFormation template (parsed). */
  readonly template: BaselineTemplate;
  /** The template as minified JSON: the StackSet's TemplateBody. */
  readonly body: string;
  /** UTF-8 size of `body`. */
  readonly bytes: number;
  /** The file and Docker image assets of the baseline stack (none expected). */
  readonly assets: number;
  /** The ids of every artifact of the baseline's cloud assembly. */
  readonly artifactIds: string[];
  /** Warnings and errors of the baseline stack. */
  readonly messages: BaselineMessage[];
}

/** The construct ids of the baseline stack: part of the contract (they make the logical ids). */
const BASELINE_STACK_ID = 'RegistryBaseline';
const REGISTRY_ID = 'Registry';

/**
 * Builds the baseline in an app of its own: an env-agnostic stack (a StackSet deploys it to any
 * account and region) with a bootstrapless synthesizer (no bootstrap version parameter or rule, and
 * any file asset is refused), holding one `SharedLayerRegistry` with the baseline settings.
 */
export function buildBaselineApp(options: RegistryBaselineOptions, description: string): BaselineApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-registry-baseline-'));
  try {
    return buildBaselineIn(outdir, options, description);
  } catch (e) {
    // The assembly folder is removed after synthesis; a baseline that fails before gets it removed here.
    fs.rmSync(outdir, { recursive: true, force: true });
    throw e;
  }
}

interface BaselineApp {
  readonly app: App;
  readonly stack: Stack;
  readonly registry: SharedLayerRegistry;
}

function buildBaselineIn(outdir: string, options: RegistryBaselineOptions, description: string): BaselineApp {
  const app = new App({
    outdir,
    autoSynth: false,
    analyticsReporting: false,
    stackTraces: false,
    treeMetadata: false,
  });
  const stack = new Stack(app, BASELINE_STACK_ID, {
    synthesizer: new BootstraplessSynthesizer(),
    description,
  });
  // A stack set's template is env-agnostic by definition: each stack instance is one registry.
  Annotations.of(stack).acknowledgeWarning(LayerSharingChecks.ENV_AGNOSTIC_STACK,
    'The registry baseline is deployed by a StackSet: each stack instance is exactly one registry.');
  // Every shared setting passes through as it is; only the encryption is the baseline's own.
  const { encryption, accountSettingsRevision: _revision, auditRole, ...settings } = options;
  const registry = new SharedLayerRegistry(stack, REGISTRY_ID, {
    ...settings,
    encryption: (encryption ?? BaselineEncryption.AES256)._bind(stack),
  });
  if (options.accountSettingsRevision !== undefined) {
    // An extra property that the handler ignores: changing it makes CloudFormation send an Update,
    // on which the handler reads the setting and writes it back if it differs.
    for (const setting of stack.node.findAll().filter((c): c is EcrAccountSetting => c instanceof EcrAccountSetting)) {
      const resource = setting.node.findChild('Resource').node.defaultChild as CfnResource;
      resource.addPropertyOverride('Revision', options.accountSettingsRevision);
    }
  }
  if (auditRole) {
    addAuditRole(stack, auditRole);
  }
  return { app, stack, registry };
}

/** The audit role, created only by the stack instance of one region (IAM roles are global to an account). */
function addAuditRole(stack: Stack, options: BaselineAuditRoleOptions): void {
  const { region, ...roleOptions } = options;
  const role = new RegistryAuditRole(stack, 'AuditRole', roleOptions);
  const condition = new CfnCondition(stack, 'AuditRoleRegion', { expression: Fn.conditionEquals(Aws.REGION, region) });
  for (const resource of role.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource)) {
    resource.cfnOptions.condition = condition;
  }
}

/** Synthesizes the baseline app and reads back its one template; removes the temporary assembly. */
export function synthesizeBaseline(app: App, stack: Stack): BaselineSynthesis {
  const outdir = app.outdir;
  try {
    const assembly = app.synth();
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const template = artifact.template;
    const body = JSON.stringify(template);
    return {
      template,
      body,
      bytes: Buffer.byteLength(body, 'utf8'),
      assets: artifact.assets.length,
      artifactIds: assembly.artifacts.map((a) => a.id),
      messages: artifact.messages
        .filter((m) => m.level === cxapi.SynthesisMessageLevel.WARNING || m.level === cxapi.SynthesisMessageLevel.ERROR)
        .map((m) => messageOf(m.level, m.id, String(m.entry.data))),
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Removes the assembly folder of a baseline app that is not synthesized; returns nothing to synthesize. */
export function discardBaseline(app: App): undefined {
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return undefined;
}

/** Splits `text [ack: id]` into the text and the acknowledgement id. */
function messageOf(level: string, constructPath: string, data: string): BaselineMessage {
  const trimmed = constructPath.replace(/^\//, '');
  const match = /^(.*?)\s*\[ack: ([^\]]+)\]$/s.exec(data);
  return match
    ? { level, path: trimmed, message: match[1], id: match[2] }
    : { level, path: trimmed, message: data };
}
