/**
 * The fault matrix of the account-setting custom resource.
 *
 * Every row runs the BUNDLED INLINE STRING (the exact Code.ZipFile of a synthesized template) as
 * Lambda runs it: index.js in its own Node.js process, a real getRemainingTimeInMillis, killed at
 * the function's timeout (lambda-runtime.ts), its OWNING_STACK_ID set as the template sets it. SSM
 * Parameter Store (where owners are recorded) is moto's server; ECR's account settings, which moto
 * lacks, and SSM faults are local HTTP servers (fake-aws.ts), as is the ResponseURL. ECR enforces
 * the settings each stack's synthesized role policy allows (by the caller's access key). The
 * resource properties are those the construct synthesizes. A row plays CloudFormation's sequence of
 * events for one or more stacks of one registry (other stacks, apps and StackSet instances; with the
 * physical ids the handler answered, the cleanup phase's Deletes after the updates, and events run
 * at the same time), with faults, and asserts:
 * - what ECR received, and that no call reached it after the event's answer;
 * - what CloudFormation received: status, physical id, reason, exactly one accepted answer per
 *   event, every body at most 4,096 bytes;
 * - that the handler answered and returned before the Lambda's deadline;
 * - the setting and the recorded owners after the row.
 *
 * Set FAULT_MATRIX_REPORT to a file name to write the matrix (row, expected, observed, time to answer).
 */
import { writeFileSync } from 'fs';
import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EcrAccountSetting } from '../../src';
import {
  EcrBehaviour, FailingEndpoint, FakeEcr, FakeResponseUrl, HANG, SERVER_ERROR, THROTTLED, UrlBehaviour,
} from './support/fake-aws';
import { Invocation, LambdaTask, OLD_CLIENT_ECR_VERSION, RuntimeSdk } from './support/lambda-runtime';
import { ACCOUNT_SETTING_HANDLER_CODE } from '../../src/account-settings/handler-code.generated';
import { SharedLayerRegistry } from '../../src/registry/shared-layer-registry';
import { Moto, motoUnavailable, startMoto } from '../support/moto';

/**
 * The simulated function's timeout (the construct deploys 60 s; the handler plans its time from what
 * remains). Each event starts a Node.js process that loads the ECR and SSM clients, on a shared machine.
 */
const TIMEOUT_MS = 12_000;
const MAX_BODY_BYTES = 4096;
const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const ENV = { account: ACCOUNT, region: REGION };
const stackArn = (name: string, uuid: string) => `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/${uuid}`;
/** The stack most rows play. */
const STACK_ID = stackArn('Baseline', '0a1b2c3d-0000-1111-2222-333344445555');
/** Another app's stack in the same registry. */
const APP_STACK_ID = stackArn('TeamApp', '1b2c3d4e-0000-1111-2222-333344445555');
/** A StackSet instance in the same registry (its stack is named by the StackSet). */
const INSTANCE_STACK_ID = stackArn('StackSet-RegistryBaseline-9f8e7d6c-5b4a-3c2d-1e0f-a1b2c3d4e5f6', '2c3d4e5f-0000-1111-2222-333344445555');
const OWNERS_PATH = '/cdk-ecr-shared-layers/account-settings/BLOB_MOUNTING';

// ---- what the construct synthesizes ----------------------------------------------------------

/** One version of the user's stack, synthesized. */
interface Version {
  /** The resource properties of each Custom::EcrAccountSetting, by logical id, as CloudFormation sends them. */
  readonly settings: Record<string, Record<string, unknown>>;
  /** The settings the provider's role may read and write (its ecr:AccountSetting conditions). */
  readonly allowed: string[];
  /** The Lambda function's Code.ZipFile. */
  readonly code: string;
}

function synth(build: (stack: Stack) => void): Version {
  const stack = new Stack(new App(), 'Baseline', { env: ENV });
  build(stack);
  const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties: any }> };
  const settings: Record<string, Record<string, unknown>> = {};
  const allowed: string[] = [];
  let code = '';
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'Custom::EcrAccountSetting') {
      settings[logicalId] = { ...resource.Properties, ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:Provider` };
    } else if (resource.Type === 'AWS::Lambda::Function') {
      code = resource.Properties.Code.ZipFile;
      // The function knows its stack from the template.
      expect(resource.Properties.Environment.Variables.OWNING_STACK_ID).toEqual({ Ref: 'AWS::StackId' });
    } else if (resource.Type === 'AWS::IAM::Policy') {
      for (const statement of resource.Properties.PolicyDocument.Statement) {
        if (statement.Sid === 'EcrAccountSetting') {
          allowed.push(...[statement.Condition.StringEquals['ecr:AccountSetting']].flat());
        }
      }
    }
  }
  return { settings, allowed: allowed.sort(), code };
}

const only = (version: Version): [string, Record<string, unknown>] => {
  const entries = Object.entries(version.settings);
  expect(entries).toHaveLength(1);
  return entries[0];
};

const BLOB_RETAIN = synth((s) => EcrAccountSetting.blobMounting(s, 'BlobMounting'));
const BLOB_DESTROY = synth((s) => EcrAccountSetting.blobMounting(s, 'BlobMounting', { removalPolicy: RemovalPolicy.DESTROY }));
const BLOB_DISABLED = synth((s) => EcrAccountSetting.blobMounting(s, 'BlobMounting', { enabled: false }));
/** The construct moved (new id, so a new logical id). */
const BLOB_MOVED = synth((s) => EcrAccountSetting.blobMounting(s, 'LayerSharing', { removalPolicy: RemovalPolicy.DESTROY }));
/** The same construct id with another setting name. */
const NAMED_BLOB = synth((s) => new EcrAccountSetting(s, 'Setting', { name: 'BLOB_MOUNTING', value: 'ENABLED', removalPolicy: RemovalPolicy.DESTROY }));
const NAMED_SCOPE = synth((s) => new EcrAccountSetting(s, 'Setting', { name: 'REGISTRY_POLICY_SCOPE', value: 'V2' }));
/** Two settings, then one of them removed. */
const TWO_SETTINGS = synth((s) => {
  EcrAccountSetting.blobMounting(s, 'BlobMounting', { removalPolicy: RemovalPolicy.DESTROY });
  EcrAccountSetting.registryPolicyScopeV2(s, 'PolicyScope');
});
const SCOPE_LEFT = synth((s) => EcrAccountSetting.registryPolicyScopeV2(s, 'PolicyScope'));
/** A SharedLayerRegistry (blob mounting on, RETAIN), as another app or a StackSet instance declares it. */
const REGISTRY = synth((s) => new SharedLayerRegistry(s, 'Registry'));
/** The same with accountSettingsRemovalPolicy DESTROY. */
const REGISTRY_DESTROY = synth((s) => new SharedLayerRegistry(s, 'Registry', { accountSettingsRemovalPolicy: RemovalPolicy.DESTROY } ));

// ---- CloudFormation, played -----------------------------------------------------------------

/** What one event got. */
interface Answer {
  readonly stack: string;
  readonly request: string;
  readonly logicalId: string;
  readonly status?: 'SUCCESS' | 'FAILED';
  readonly physicalId?: string;
  readonly reason?: string;
  readonly invocation: Invocation;
  readonly deliveries: FakeResponseUrl['deliveries'];
  /** Milliseconds from the handler's start to the accepted answer. */
  readonly answeredAfterMs?: number;
}

interface StepOptions {
  /** How the ResponseURL answers this event's PUTs. */
  readonly url?: UrlBehaviour[];
  readonly sdk?: RuntimeSdk;
  /** The function's timeout for this event (default TIMEOUT_MS). */
  readonly timeoutMs?: number;
}

/** One registry (account and region): its ECR account settings and its SSM Parameter Store. */
class Registry {
  public readonly answers: Answer[] = [];
  /** Where the handler reaches SSM: moto, or the failing endpoint after `failSsm()`. */
  public ssmEndpoint: string;

  constructor(public readonly task: LambdaTask, public readonly ecr: FakeEcr, moto: string, private readonly failingSsm: string) {
    this.ssmEndpoint = moto;
  }

  /** From now on, every SSM call fails (the row's ssmFault). */
  public failSsm(): void {
    this.ssmEndpoint = this.failingSsm;
  }

  /** A stack of this registry, served by its own copy of the handler. */
  public stack(stackId: string): PlayedStack {
    return new PlayedStack(this, stackId);
  }
}

/** A CloudFormation stack whose custom resources are served by the handler. */
class PlayedStack {
  private readonly physicalIds = new Map<string, string>();
  private readonly properties = new Map<string, Record<string, unknown>>();
  private readonly cleanups: Array<{ logicalId: string; physicalId: string; props: Record<string, unknown> }> = [];
  /** The access key of the stack's function (its role, for the fake ECR). */
  public readonly accessKey: string;
  private allowed: string[] = [];
  private next?: string[];

  constructor(private readonly registry: Registry, public readonly stackId: string) {
    this.accessKey = `local-test-key-${stackId.split('/')[1]}`;
    this.usePolicyOf(BLOB_DESTROY);
  }

  public get name(): string {
    return this.stackId.split('/')[1];
  }

  /**
   * Deploys a version: its role policies first (as CloudFormation updates them before the resources).
   * A setting's policy that the version drops is deleted in the cleanup phase, after the Deletes of
   * the resources that depend on it.
   */
  public usePolicyOf(version: Version): void {
    this.next = version.allowed;
    this.allowed = [...new Set([...this.allowed, ...version.allowed])].sort();
    this.registry.ecr.allowed.set(this.accessKey, this.allowed);
  }

  public async create(logicalId: string, props: Record<string, unknown>, options: StepOptions = {}): Promise<Answer> {
    const answer = await this.send({ RequestType: 'Create', LogicalResourceId: logicalId, ResourceProperties: props }, options);
    this.physicalIds.set(logicalId, answer.physicalId ?? '');
    this.properties.set(logicalId, props);
    return answer;
  }

  public async update(logicalId: string, props: Record<string, unknown>, options: StepOptions = {}): Promise<Answer> {
    const physicalId = this.physicalIds.get(logicalId)!;
    const oldProps = this.properties.get(logicalId)!;
    const answer = await this.send({
      RequestType: 'Update',
      LogicalResourceId: logicalId,
      PhysicalResourceId: physicalId,
      ResourceProperties: props,
      OldResourceProperties: oldProps,
    }, options);
    // A failed Update's rollback is another Update whose old properties are the failed ones.
    this.properties.set(logicalId, props);
    if (answer.status === 'SUCCESS') {
      if (answer.physicalId !== physicalId) {
        // A new physical id: CloudFormation deletes the old one in the cleanup phase, with the old properties.
        this.cleanups.push({ logicalId, physicalId, props: oldProps });
        this.physicalIds.set(logicalId, answer.physicalId!);
      }
    }
    return answer;
  }

  /** Removes the resource (removed from the template, in the cleanup phase; or the stack is deleted). */
  public async delete(logicalId: string, options: StepOptions = {}): Promise<Answer> {
    return this.send({
      RequestType: 'Delete',
      LogicalResourceId: logicalId,
      PhysicalResourceId: this.physicalIds.get(logicalId),
      ResourceProperties: this.properties.get(logicalId)!,
    }, options);
  }

  /** The cleanup phase's Deletes of replaced physical ids; then the dropped policies go. */
  public async cleanup(): Promise<void> {
    for (const { logicalId, physicalId, props } of this.cleanups.splice(0)) {
      await this.send({ RequestType: 'Delete', LogicalResourceId: logicalId, PhysicalResourceId: physicalId, ResourceProperties: props }, {});
    }
    this.allowed = this.next ?? this.allowed;
    this.registry.ecr.allowed.set(this.accessKey, this.allowed);
  }

  /** The settings this stack's role may touch now. */
  public get rights(): readonly string[] {
    return this.allowed;
  }

  /** Sends an event as anyone allowed to invoke the function could (fields override the usual ones). */
  public async send(fields: Record<string, unknown>, options: StepOptions): Promise<Answer> {
    const url = new FakeResponseUrl();
    await url.start();
    url.script(...(options.url ?? []));
    const { ecr } = this.registry;
    const callsBefore = ecr.calls.length;
    try {
      const event = {
        ResourceType: 'Custom::EcrAccountSetting',
        StackId: this.stackId,
        ...fields,
        ResponseURL: `${url.url}/cloudformation-response?X-Amz-Signature=secret-signature`,
        RequestId: `request-${this.registry.answers.length + 1}`,
      };
      const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
      const invocation = await this.registry.task.invoke(event, {
        timeoutMs,
        sdk: options.sdk,
        env: {
          AWS_ENDPOINT_URL_ECR: ecr.url,
          AWS_ENDPOINT_URL_SSM: this.registry.ssmEndpoint,
          AWS_ACCESS_KEY_ID: this.accessKey,
          OWNING_STACK_ID: this.stackId,
        },
      });
      const calls = ecr.calls.slice(callsBefore);
      const accepted = url.accepted[0];
      const body = accepted ? JSON.parse(accepted.body) : undefined;
      const answer: Answer = {
        stack: this.name,
        request: String(fields.RequestType),
        logicalId: String(fields.LogicalResourceId),
        status: body?.Status,
        physicalId: body?.PhysicalResourceId,
        reason: body?.Reason,
        invocation,
        deliveries: [...url.deliveries],
        answeredAfterMs: accepted ? accepted.at - invocation.startedAt : undefined,
      };
      // Every event: the process was not killed, and returned before the deadline.
      expect({ killed: invocation.killed, returned: invocation.returnedAt !== undefined }).toEqual({ killed: false, returned: true });
      expect(invocation.returnedAt!).toBeLessThanOrEqual(invocation.deadline);
      // Every body is within CloudFormation's limit, and every attempt carried the same answer.
      for (const delivery of url.deliveries) {
        expect(delivery.bytes).toBeLessThanOrEqual(MAX_BODY_BYTES);
        expect(delivery.body).toBe(url.deliveries[0].body);
      }
      // At most one accepted answer, before the deadline; no ECR call of this event after it (calls
      // of events running at the same time are not this event's).
      expect(url.accepted.length).toBeLessThanOrEqual(1);
      if (accepted) {
        expect(accepted.at).toBeLessThanOrEqual(invocation.deadline);
        for (const call of calls.filter((c) => c.caller === this.accessKey)) {
          expect(call.at).toBeLessThanOrEqual(accepted.at);
        }
      }
      this.registry.answers.push(answer);
      return answer;
    } finally {
      await url.stop();
    }
  }
}

// ---- the rows -------------------------------------------------------------------------------

type Expected = string | RegExp | undefined;

interface Row {
  readonly name: string;
  /** What the row expects, in words (for the report). */
  readonly expected: string;
  /** The account setting values before the row. */
  readonly before?: Record<string, string>;
  /** Owner records made by something else before the row (parameter name under the setting's path -> value). */
  readonly records?: Record<string, string>;
  /** ECR misbehaviour, by operation. */
  readonly ecr?: {
    readonly get?: EcrBehaviour[];
    readonly put?: EcrBehaviour[];
    readonly getAlways?: EcrBehaviour;
    readonly putAlways?: EcrBehaviour;
  };
  /** SSM answers every call so (instead of moto). */
  readonly ssmFault?: Extract<EcrBehaviour, { kind: 'error' }>;
  readonly play: (stack: PlayedStack, registry: Registry) => Promise<void>;
  /** The answers, in order: status, physical id and a piece of the reason (a RegExp or the exact id; a piece or a RegExp). */
  readonly answers: ReadonlyArray<readonly [status: string | undefined, physicalId: Expected, reason?: string | RegExp]>;
  /** Every ECR call of the row, in order; or a RegExp over them joined with ', '. */
  readonly ecrCalls: readonly string[] | RegExp;
  /** The settings after the row. */
  readonly after?: Record<string, string>;
  /** The owners of BLOB_MOUNTING recorded after the row (`<stack name> <logical id>`, or the parameter name for others). */
  readonly owners?: readonly string[];
  /** Extra assertions. */
  readonly then?: (stack: PlayedStack, registry: Registry) => void;
}

const [BLOB_ID, BLOB_RETAIN_PROPS] = only(BLOB_RETAIN);
const BLOB_DESTROY_PROPS = BLOB_DESTROY.settings[BLOB_ID];
const BLOB_DISABLED_PROPS = BLOB_DISABLED.settings[BLOB_ID];
const [MOVED_ID, MOVED_PROPS] = only(BLOB_MOVED);
const [NAMED_ID, NAMED_BLOB_PROPS] = only(NAMED_BLOB);
const NAMED_SCOPE_PROPS = NAMED_SCOPE.settings[NAMED_ID];
const registryBlob = (version: Version): [string, Record<string, unknown>] =>
  Object.entries(version.settings).find(([, props]) => props.SettingName === 'BLOB_MOUNTING')!;
const [REGISTRY_ID, REGISTRY_PROPS] = registryBlob(REGISTRY);
const [, REGISTRY_DESTROY_PROPS] = registryBlob(REGISTRY_DESTROY);

const CREATED_FROM_DISABLED = 'EcrAccountSetting:BLOB_MOUNTING:found=DISABLED';
const CREATED_FROM_ENABLED = 'EcrAccountSetting:BLOB_MOUNTING:found=ENABLED';
const FAILED_CREATE = 'EcrAccountSetting:BLOB_MOUNTING:create-failed';
const denied = (message = 'User is not authorized to perform: ecr:PutAccountSetting'): EcrBehaviour =>
  ({ kind: 'error', status: 400, type: 'AccessDeniedException', message });
/** A gate: ECR holds a request until `open()`. */
function gate(): { readonly until: Promise<void>; open(): void } {
  let open = () => undefined as void;
  const until = new Promise<void>((resolve) => { open = resolve; });
  return { until, open };
}
/** Resolves once ECR has received `count` calls. */
async function ecrReceived(registry: Registry, count: number): Promise<void> {
  for (let waited = 0; registry.ecr.calls.length < count; waited += 20) {
    if (waited > 20_000) {
      throw new Error(`ECR received ${registry.ecr.calls.length} calls, not ${count}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
/** Longer functions for the rows that hold a request while another stack's event runs. */
const LONG: StepOptions = { timeoutMs: 60_000 };

const ROWS: Row[] = [
  // -- CloudFormation sequences --
  {
    name: 'create: the setting was off',
    expected: 'SUCCESS; read, then write ENABLED; the id records DISABLED',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED, 'BLOB_MOUNTING is ENABLED.']],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    after: { BLOB_MOUNTING: 'ENABLED' },
  },
  {
    name: 'create: the setting was already on',
    expected: 'SUCCESS; read only; the id records ENABLED',
    before: { BLOB_MOUNTING: 'ENABLED' },
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['SUCCESS', CREATED_FROM_ENABLED]],
    ecrCalls: ['Get BLOB_MOUNTING'],
    after: { BLOB_MOUNTING: 'ENABLED' },
  },
  {
    name: 'no-op update',
    expected: 'SUCCESS; read only; same physical id',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); await s.update(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['SUCCESS', CREATED_FROM_DISABLED]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING'],
  },
  {
    name: 'value change ENABLED -> DISABLED',
    expected: 'SUCCESS; write DISABLED; same physical id (no Delete follows)',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); await s.update(BLOB_ID, BLOB_DISABLED_PROPS); await s.cleanup(); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['SUCCESS', CREATED_FROM_DISABLED, 'BLOB_MOUNTING is DISABLED.']],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=DISABLED'],
    after: { BLOB_MOUNTING: 'DISABLED' },
  },
  {
    name: 'name change BLOB_MOUNTING (DESTROY) -> REGISTRY_POLICY_SCOPE, then cleanup',
    expected: 'new id; the cleanup Delete of the old id resets BLOB_MOUNTING (the new policy still allows it)',
    play: async (s) => {
      s.usePolicyOf(NAMED_BLOB);
      await s.create(NAMED_ID, NAMED_BLOB_PROPS);
      s.usePolicyOf(NAMED_SCOPE);
      await s.update(NAMED_ID, NAMED_SCOPE_PROPS);
      await s.cleanup();
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', 'EcrAccountSetting:REGISTRY_POLICY_SCOPE:found=-', 'REGISTRY_POLICY_SCOPE is V2.'],
      ['SUCCESS', CREATED_FROM_DISABLED, 'BLOB_MOUNTING reset to DISABLED.'],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get REGISTRY_POLICY_SCOPE', 'Put REGISTRY_POLICY_SCOPE=V2', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=DISABLED'],
    after: { BLOB_MOUNTING: 'DISABLED', REGISTRY_POLICY_SCOPE: 'V2' },
  },
  {
    name: 'rename (new logical id, DESTROY): create new, then delete old',
    expected: 'the old Delete finds the new resource recorded as an owner and leaves ENABLED',
    play: async (s) => {
      await s.create(BLOB_ID, BLOB_DESTROY_PROPS);
      s.usePolicyOf(BLOB_MOVED);
      await s.create(MOVED_ID, MOVED_PROPS);
      await s.delete(BLOB_ID);
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', CREATED_FROM_ENABLED],
      ['SUCCESS', CREATED_FROM_DISABLED, `BLOB_MOUNTING left as it is: 1 other owner(s) ask for ENABLED: ${STACK_ID} ${MOVED_ID}.`],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING'],
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [`Baseline ${MOVED_ID}`],
  },
  {
    name: 'removal of one of two settings (DESTROY), policies updated first',
    expected: 'the cleanup Delete runs before its setting\'s policy goes, and resets BLOB_MOUNTING; then the stack has no BLOB_MOUNTING right',
    play: async (s) => {
      s.usePolicyOf(TWO_SETTINGS);
      for (const [id, props] of Object.entries(TWO_SETTINGS.settings)) {
        await s.create(id, props);
      }
      s.usePolicyOf(SCOPE_LEFT);
      await s.delete(BLOB_ID);
      await s.cleanup();
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', 'EcrAccountSetting:REGISTRY_POLICY_SCOPE:found=-'],
      ['SUCCESS', CREATED_FROM_DISABLED, 'BLOB_MOUNTING reset to DISABLED.'],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get REGISTRY_POLICY_SCOPE', 'Put REGISTRY_POLICY_SCOPE=V2', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=DISABLED'],
    after: { BLOB_MOUNTING: 'DISABLED', REGISTRY_POLICY_SCOPE: 'V2' },
    owners: [],
    then: (s) => {
      expect(SCOPE_LEFT.allowed).toEqual(['REGISTRY_POLICY_SCOPE']);
      expect(s.rights).toEqual(['REGISTRY_POLICY_SCOPE']);
    },
  },
  {
    name: 'rollback after a failed create (Put denied)',
    expected: 'FAILED with restore=DISABLED; the rollback Delete reads and writes nothing',
    ecr: { put: [denied()] },
    play: async (s) => { await s.create(BLOB_ID, BLOB_DESTROY_PROPS); await s.delete(BLOB_ID); },
    answers: [
      ['FAILED', `${FAILED_CREATE}:restore=DISABLED`, 'AccessDeniedException'],
      ['SUCCESS', `${FAILED_CREATE}:restore=DISABLED`, 'Nothing to delete: the Create failed and BLOB_MOUNTING is DISABLED'],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING'],
    after: { BLOB_MOUNTING: 'DISABLED' },
  },
  {
    name: 'first deployment rolled back where blob mounting was already on (DESTROY)',
    expected: 'the Delete leaves ENABLED: the id says it was ENABLED before',
    before: { BLOB_MOUNTING: 'ENABLED' },
    play: async (s) => { await s.create(BLOB_ID, BLOB_DESTROY_PROPS); await s.delete(BLOB_ID); },
    answers: [
      ['SUCCESS', CREATED_FROM_ENABLED],
      ['SUCCESS', CREATED_FROM_ENABLED, 'it was already ENABLED before this resource applied ENABLED'],
    ],
    ecrCalls: ['Get BLOB_MOUNTING'],
    after: { BLOB_MOUNTING: 'ENABLED' },
  },
  {
    name: 'rollback after a failed update',
    expected: 'FAILED keeps the id; the rollback Update re-asserts ENABLED',
    play: async (s) => {
      await s.create(BLOB_ID, BLOB_RETAIN_PROPS);
      await s.update(BLOB_ID, BLOB_DISABLED_PROPS, {});
      await s.update(BLOB_ID, BLOB_RETAIN_PROPS);
    },
    ecr: { put: [{ kind: 'ok' }, { kind: 'error', status: 400, type: 'ValidationException', message: 'value rejected' }] },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['FAILED', CREATED_FROM_DISABLED, 'Update failed: ValidationException: value rejected'],
      ['SUCCESS', CREATED_FROM_DISABLED, 'BLOB_MOUNTING is ENABLED.'],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=DISABLED', 'Get BLOB_MOUNTING'],
    after: { BLOB_MOUNTING: 'ENABLED' },
  },
  {
    name: 'stack delete (DESTROY) of a resource whose physical id records no value found',
    expected: 'SUCCESS; the setting is left (it may have been on before)',
    before: { BLOB_MOUNTING: 'ENABLED' },
    play: async (s) => {
      await s.send({ RequestType: 'Delete', LogicalResourceId: BLOB_ID, PhysicalResourceId: 'EcrAccountSetting:BLOB_MOUNTING', ResourceProperties: BLOB_DESTROY_PROPS }, {});
    },
    answers: [['SUCCESS', 'EcrAccountSetting:BLOB_MOUNTING', 'its physical id records no value found']],
    ecrCalls: [],
    after: { BLOB_MOUNTING: 'ENABLED' },
  },
  {
    name: 'stack delete, RETAIN',
    expected: 'SUCCESS; no call',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); await s.delete(BLOB_ID); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['SUCCESS', CREATED_FROM_DISABLED, 'BLOB_MOUNTING left as it is (RETAIN).']],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    after: { BLOB_MOUNTING: 'ENABLED' },
  },
  {
    name: 'stack delete, DESTROY',
    expected: 'SUCCESS; reset to DISABLED',
    play: async (s) => { await s.create(BLOB_ID, BLOB_DESTROY_PROPS); await s.delete(BLOB_ID); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['SUCCESS', CREATED_FROM_DISABLED, 'BLOB_MOUNTING reset to DISABLED.']],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=DISABLED'],
    after: { BLOB_MOUNTING: 'DISABLED' },
  },
  {
    name: 'stack delete, DESTROY, SSM fails on every call',
    expected: 'SUCCESS; the setting is left (the owners cannot be read)',
    ssmFault: SERVER_ERROR,
    play: async (s, r) => { await s.create(BLOB_ID, BLOB_DESTROY_PROPS); r.failSsm(); await s.delete(BLOB_ID); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['SUCCESS', CREATED_FROM_DISABLED, 'left as it is']],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [`Baseline ${BLOB_ID}`],
  },
  {
    name: 'create, SSM denies the owner record',
    expected: 'FAILED before any ECR call (an unrecorded owner could be reset by another stack)',
    ssmFault: { kind: 'error', status: 400, type: 'AccessDeniedException', message: 'not authorized to perform: ssm:PutParameter' },
    play: async (s, r) => { r.failSsm(); await s.create(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['FAILED', FAILED_CREATE, 'AccessDeniedException: not authorized to perform: ssm:PutParameter']],
    ecrCalls: [],
    after: { BLOB_MOUNTING: 'DISABLED' },
  },
  // -- Owners in other stacks, apps and StackSet instances of the same registry --
  {
    name: 'two apps: A (DESTROY) where off, then app B\'s registry; A deleted, then B',
    expected: 'A\'s Delete finds B recorded and leaves ENABLED; B (RETAIN) leaves it; no record left',
    play: async (s, r) => {
      const b = r.stack(APP_STACK_ID);
      b.usePolicyOf(REGISTRY);
      await s.create(BLOB_ID, BLOB_DESTROY_PROPS);
      await b.create(REGISTRY_ID, REGISTRY_PROPS);
      await s.delete(BLOB_ID);
      await b.delete(REGISTRY_ID);
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', CREATED_FROM_ENABLED],
      ['SUCCESS', CREATED_FROM_DISABLED, `BLOB_MOUNTING left as it is: 1 other owner(s) ask for ENABLED: ${APP_STACK_ID} ${REGISTRY_ID}.`],
      ['SUCCESS', CREATED_FROM_ENABLED, 'BLOB_MOUNTING left as it is (RETAIN).'],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING'],
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [],
  },
  {
    name: 'app stack (DESTROY) first, then the baseline StackSet instance; app stack deleted',
    expected: 'the app\'s Delete finds the instance recorded: ENABLED stays for the baseline',
    play: async (s, r) => {
      const app = r.stack(APP_STACK_ID);
      const instance = r.stack(INSTANCE_STACK_ID);
      instance.usePolicyOf(REGISTRY);
      await app.create(BLOB_ID, BLOB_DESTROY_PROPS);
      await instance.create(REGISTRY_ID, REGISTRY_PROPS);
      await app.delete(BLOB_ID);
      void s;
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', CREATED_FROM_ENABLED],
      ['SUCCESS', CREATED_FROM_DISABLED, `1 other owner(s) ask for ENABLED: ${INSTANCE_STACK_ID} ${REGISTRY_ID}.`],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING'],
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [`${INSTANCE_STACK_ID.split('/')[1]} ${REGISTRY_ID}`],
  },
  {
    name: 'StackSet instance (accountSettingsRemovalPolicy DESTROY) first, then an app registry; the account leaves the OU',
    expected: 'the instance\'s Delete finds the app recorded: the app keeps sharing',
    play: async (s, r) => {
      const instance = r.stack(INSTANCE_STACK_ID);
      const app = r.stack(APP_STACK_ID);
      instance.usePolicyOf(REGISTRY_DESTROY);
      app.usePolicyOf(REGISTRY);
      await instance.create(REGISTRY_ID, REGISTRY_DESTROY_PROPS);
      await app.create(REGISTRY_ID, REGISTRY_PROPS);
      // The account leaves the target OU: StackSets deletes the stack instance (its stack).
      await instance.delete(REGISTRY_ID);
      void s;
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', CREATED_FROM_ENABLED],
      ['SUCCESS', CREATED_FROM_DISABLED, `1 other owner(s) ask for ENABLED: ${APP_STACK_ID} ${REGISTRY_ID}.`],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING'],
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [`TeamApp ${REGISTRY_ID}`],
  },
  {
    name: 'reverse order: app registry (RETAIN) first, then A (DESTROY); A deleted',
    expected: 'A found ENABLED: its Delete leaves it without a call',
    play: async (s, r) => {
      const app = r.stack(APP_STACK_ID);
      app.usePolicyOf(REGISTRY);
      await app.create(REGISTRY_ID, REGISTRY_PROPS);
      await s.create(BLOB_ID, BLOB_DESTROY_PROPS);
      await s.delete(BLOB_ID);
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', CREATED_FROM_ENABLED],
      ['SUCCESS', CREATED_FROM_ENABLED, 'it was already ENABLED before this resource applied ENABLED'],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING'],
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [`TeamApp ${REGISTRY_ID}`],
  },
  {
    name: 'two DESTROY owners: A then B created; A deleted, then B',
    expected: 'A leaves (B recorded); B leaves (it found ENABLED): the setting stays on, no record left',
    play: async (s, r) => {
      const b = r.stack(APP_STACK_ID);
      await s.create(BLOB_ID, BLOB_DESTROY_PROPS);
      await b.create(BLOB_ID, BLOB_DESTROY_PROPS);
      await s.delete(BLOB_ID);
      await b.delete(BLOB_ID);
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', CREATED_FROM_ENABLED],
      ['SUCCESS', CREATED_FROM_DISABLED, `1 other owner(s) ask for ENABLED: ${APP_STACK_ID} ${BLOB_ID}.`],
      ['SUCCESS', CREATED_FROM_ENABLED, 'it was already ENABLED'],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING'],
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [],
  },
  {
    name: 'two DESTROY owners: A then B created; B deleted, then A',
    expected: 'B leaves (it found ENABLED); A, the last owner, found DISABLED: reset',
    play: async (s, r) => {
      const b = r.stack(APP_STACK_ID);
      await s.create(BLOB_ID, BLOB_DESTROY_PROPS);
      await b.create(BLOB_ID, BLOB_DESTROY_PROPS);
      await b.delete(BLOB_ID);
      await s.delete(BLOB_ID);
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', CREATED_FROM_ENABLED],
      ['SUCCESS', CREATED_FROM_ENABLED, 'it was already ENABLED'],
      ['SUCCESS', CREATED_FROM_DISABLED, 'BLOB_MOUNTING reset to DISABLED.'],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=DISABLED'],
    after: { BLOB_MOUNTING: 'DISABLED' },
    owners: [],
  },
  {
    name: 'A (DESTROY) deleted and reset, then B created',
    expected: 'B finds DISABLED and turns it on again',
    play: async (s, r) => {
      const b = r.stack(APP_STACK_ID);
      b.usePolicyOf(REGISTRY);
      await s.create(BLOB_ID, BLOB_DESTROY_PROPS);
      await s.delete(BLOB_ID);
      await b.create(REGISTRY_ID, REGISTRY_PROPS);
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', CREATED_FROM_DISABLED, 'BLOB_MOUNTING reset to DISABLED.'],
      ['SUCCESS', CREATED_FROM_DISABLED],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=DISABLED', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [`TeamApp ${REGISTRY_ID}`],
  },
  {
    name: 'interleaved: B\'s Create records itself after A\'s Delete (DESTROY) looked, before A writes',
    expected: 'A resets, looks again, finds B and puts ENABLED back (function timeout 60 s, as deployed)',
    play: async (s, r) => {
      const b = r.stack(APP_STACK_ID);
      b.usePolicyOf(REGISTRY);
      await s.create(BLOB_ID, BLOB_DESTROY_PROPS);
      const held = gate();
      // A's ECR calls (after it removed its record and saw no other owner) wait until B's Create is done.
      r.ecr.held.set(s.accessKey, held.until);
      const deleting = s.delete(BLOB_ID, LONG);
      try {
        await ecrReceived(r, 3);
        await b.create(REGISTRY_ID, REGISTRY_PROPS);
      } finally {
        r.ecr.held.delete(s.accessKey);
        held.open();
      }
      await deleting;
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', CREATED_FROM_ENABLED],
      ['SUCCESS', CREATED_FROM_DISABLED, `BLOB_MOUNTING reset to DISABLED, then put back to ENABLED: ${APP_STACK_ID} ${REGISTRY_ID} recorded itself meanwhile.`],
    ],
    // A's held read may time out and be retried by the SDK (each attempt held too).
    ecrCalls: /^Get BLOB_MOUNTING, Put BLOB_MOUNTING=ENABLED, Get BLOB_MOUNTING(, Get BLOB_MOUNTING){1,5}, Put BLOB_MOUNTING=DISABLED, Get BLOB_MOUNTING, Put BLOB_MOUNTING=ENABLED$/,
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [`TeamApp ${REGISTRY_ID}`],
  },
  {
    name: 'concurrent: A\'s Delete (DESTROY) and B\'s Create at the same time',
    expected: 'whatever the interleaving, ENABLED at the end, B recorded',
    play: async (s, r) => {
      const b = r.stack(APP_STACK_ID);
      b.usePolicyOf(REGISTRY);
      await s.create(BLOB_ID, BLOB_DESTROY_PROPS);
      await Promise.all([s.delete(BLOB_ID), b.create(REGISTRY_ID, REGISTRY_PROPS)]);
    },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['SUCCESS', /^EcrAccountSetting:BLOB_MOUNTING:/], ['SUCCESS', /^EcrAccountSetting:BLOB_MOUNTING:/]],
    ecrCalls: /^Get BLOB_MOUNTING, Put BLOB_MOUNTING=ENABLED(, (Get BLOB_MOUNTING|Put BLOB_MOUNTING=(ENABLED|DISABLED)))*$/,
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [`TeamApp ${REGISTRY_ID}`],
  },
  {
    name: 'concurrent: A and B (both DESTROY) created at the same time',
    expected: 'both SUCCESS, ENABLED, both recorded',
    play: async (s, r) => {
      const b = r.stack(APP_STACK_ID);
      await Promise.all([s.create(BLOB_ID, BLOB_DESTROY_PROPS), b.create(BLOB_ID, BLOB_DESTROY_PROPS)]);
    },
    answers: [['SUCCESS', /^EcrAccountSetting:BLOB_MOUNTING:found=/], ['SUCCESS', /^EcrAccountSetting:BLOB_MOUNTING:found=/]],
    ecrCalls: /^(Get BLOB_MOUNTING|Put BLOB_MOUNTING=ENABLED)(, (Get BLOB_MOUNTING|Put BLOB_MOUNTING=ENABLED)){2,3}$/,
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [`Baseline ${BLOB_ID}`, `TeamApp ${BLOB_ID}`],
  },
  {
    name: 'concurrent: A and B (both DESTROY, both found it off) deleted at the same time',
    expected: 'each removes its record before it looks: the later one sees no owner and resets; no record left',
    play: async (s, r) => {
      const b = r.stack(APP_STACK_ID);
      await s.create(BLOB_ID, BLOB_DESTROY_PROPS);
      // Turned off by hand in between: B finds it off too.
      r.ecr.settings.set('BLOB_MOUNTING', 'DISABLED');
      await b.create(BLOB_ID, BLOB_DESTROY_PROPS);
      await Promise.all([s.delete(BLOB_ID), b.delete(BLOB_ID)]);
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', CREATED_FROM_DISABLED, /^BLOB_MOUNTING (reset to DISABLED\.|left as it is: 1 other owner)/],
      ['SUCCESS', CREATED_FROM_DISABLED, 'BLOB_MOUNTING reset to DISABLED.'],
    ],
    ecrCalls: /^Get BLOB_MOUNTING, Put BLOB_MOUNTING=ENABLED, Get BLOB_MOUNTING, Put BLOB_MOUNTING=ENABLED(, (Get BLOB_MOUNTING|Put BLOB_MOUNTING=DISABLED))+$/,
    after: { BLOB_MOUNTING: 'DISABLED' },
    owners: [],
  },
  {
    name: 'A\'s failed Create (its write landed late) rolled back after B recorded itself',
    expected: 'the rollback does not put DISABLED back while B asks for ENABLED',
    ecr: { put: Array.from({ length: 5 }, () => ({ kind: 'late', delayMs: 30_000 }) as EcrBehaviour) },
    play: async (s, r) => {
      const b = r.stack(APP_STACK_ID);
      b.usePolicyOf(REGISTRY);
      await s.create(BLOB_ID, BLOB_DESTROY_PROPS);
      await b.create(REGISTRY_ID, REGISTRY_PROPS);
      await s.delete(BLOB_ID);
    },
    answers: [
      ['FAILED', `${FAILED_CREATE}:restore=DISABLED`],
      ['SUCCESS', CREATED_FROM_ENABLED],
      ['SUCCESS', `${FAILED_CREATE}:restore=DISABLED`, `1 other owner(s) ask for ENABLED: ${APP_STACK_ID} ${REGISTRY_ID}.`],
    ],
    ecrCalls: /^Get BLOB_MOUNTING(, Put BLOB_MOUNTING=ENABLED){1,5}, Get BLOB_MOUNTING$/,
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [`TeamApp ${REGISTRY_ID}`],
  },
  {
    name: 'an owner recorded by hand or by Terraform (plain value ENABLED); A (DESTROY) deleted',
    expected: 'A leaves ENABLED, naming the record',
    records: { terraform: 'ENABLED' },
    play: async (s) => { await s.create(BLOB_ID, BLOB_DESTROY_PROPS); await s.delete(BLOB_ID); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['SUCCESS', CREATED_FROM_DISABLED, `1 other owner(s) ask for ENABLED: ${OWNERS_PATH}/terraform.`]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [`${OWNERS_PATH}/terraform`],
  },
  {
    name: 'failed name change REGISTRY_POLICY_SCOPE -> BLOB_MOUNTING, rolled back',
    expected: 'the failed Update keeps its id; the rollback Update removes the BLOB_MOUNTING record that no Delete will remove',
    ecr: { put: [{ kind: 'ok' }, denied()] },
    play: async (s) => {
      s.usePolicyOf(NAMED_SCOPE);
      await s.create(NAMED_ID, NAMED_SCOPE_PROPS);
      s.usePolicyOf(NAMED_BLOB);
      await s.update(NAMED_ID, NAMED_BLOB_PROPS);
      await s.update(NAMED_ID, NAMED_SCOPE_PROPS);
    },
    answers: [
      ['SUCCESS', 'EcrAccountSetting:REGISTRY_POLICY_SCOPE:found=-'],
      ['FAILED', 'EcrAccountSetting:REGISTRY_POLICY_SCOPE:found=-', 'AccessDeniedException'],
      ['SUCCESS', 'EcrAccountSetting:REGISTRY_POLICY_SCOPE:found=-', 'REGISTRY_POLICY_SCOPE is V2.'],
    ],
    ecrCalls: ['Get REGISTRY_POLICY_SCOPE', 'Put REGISTRY_POLICY_SCOPE=V2', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get REGISTRY_POLICY_SCOPE'],
    after: { BLOB_MOUNTING: 'DISABLED', REGISTRY_POLICY_SCOPE: 'V2' },
    owners: [],
  },
  // -- Events from elsewhere --
  {
    name: 'a made-up Create (DISABLED) with another stack\'s StackId',
    expected: 'FAILED "Refused"; no call to ECR; nothing recorded',
    before: { BLOB_MOUNTING: 'ENABLED' },
    play: async (s) => {
      await s.send({ RequestType: 'Create', StackId: APP_STACK_ID, LogicalResourceId: 'Forged', ResourceProperties: BLOB_DISABLED_PROPS }, {});
    },
    answers: [['FAILED', FAILED_CREATE, 'Refused: the event\'s StackId']],
    ecrCalls: [],
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [],
  },
  {
    name: 'a made-up Delete (DESTROY) of another resource type, in the function\'s own stack',
    expected: 'FAILED "Refused"; the setting and the owner records are untouched',
    play: async (s) => {
      await s.create(BLOB_ID, BLOB_DESTROY_PROPS);
      await s.send({
        RequestType: 'Delete',
        ResourceType: 'Custom::Other',
        LogicalResourceId: BLOB_ID,
        PhysicalResourceId: CREATED_FROM_DISABLED,
        ResourceProperties: BLOB_DESTROY_PROPS,
      }, {});
    },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['FAILED', CREATED_FROM_DISABLED, 'Refused: ResourceType "Custom::Other"']],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    after: { BLOB_MOUNTING: 'ENABLED' },
    owners: [`Baseline ${BLOB_ID}`],
  },
  // -- ECR faults --
  {
    name: 'ECR AccessDenied on read (create)',
    expected: 'FAILED; no write; the id marks the failed create without restore',
    ecr: { getAlways: denied('User is not authorized to perform: ecr:GetAccountSetting') },
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['FAILED', FAILED_CREATE, 'Create failed: AccessDeniedException: User is not authorized to perform: ecr:GetAccountSetting']],
    ecrCalls: ['Get BLOB_MOUNTING'],
  },
  {
    name: 'ECR throttling twice, then ok',
    expected: 'SUCCESS after the SDK retried the read twice',
    ecr: { get: [THROTTLED, THROTTLED] },
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Get BLOB_MOUNTING', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
  },
  {
    name: 'ECR 500 once on write, then ok',
    expected: 'SUCCESS after one retry of the write',
    ecr: { put: [SERVER_ERROR] },
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Put BLOB_MOUNTING=ENABLED'],
    after: { BLOB_MOUNTING: 'ENABLED' },
  },
  {
    name: 'ECR 500 on every read',
    expected: 'FAILED after the SDK\'s 5 attempts',
    ecr: { getAlways: SERVER_ERROR },
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['FAILED', FAILED_CREATE, 'ServerException: Internal error']],
    ecrCalls: Array.from({ length: 5 }, () => 'Get BLOB_MOUNTING'),
  },
  {
    name: 'ECR hangs on every read',
    expected: 'FAILED before the deadline; the per-request timeout lets the SDK retry',
    ecr: { getAlways: HANG },
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['FAILED', FAILED_CREATE, 'Time']],
    ecrCalls: /^Get BLOB_MOUNTING(, Get BLOB_MOUNTING){2,4}$/,
  },
  {
    name: 'ECR late success: the write lands, its answer comes after the request timeout',
    expected: 'SUCCESS: the SDK retries the (idempotent) write',
    ecr: { put: [{ kind: 'late', delayMs: 3000 }] },
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Put BLOB_MOUNTING=ENABLED'],
    after: { BLOB_MOUNTING: 'ENABLED' },
  },
  {
    name: 'ECR late success past the answer: writes land, never answered in time; then rollback',
    expected: 'FAILED with restore=DISABLED; no call after the answer; the rollback Delete puts DISABLED back',
    ecr: { put: Array.from({ length: 5 }, () => ({ kind: 'late', delayMs: 30_000 }) as EcrBehaviour) },
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); await s.delete(BLOB_ID); },
    answers: [
      ['FAILED', `${FAILED_CREATE}:restore=DISABLED`],
      ['SUCCESS', `${FAILED_CREATE}:restore=DISABLED`, 'The Create failed after writing: BLOB_MOUNTING put back to DISABLED'],
    ],
    ecrCalls: /^Get BLOB_MOUNTING(, Put BLOB_MOUNTING=ENABLED){1,5}, Get BLOB_MOUNTING(, Put BLOB_MOUNTING=DISABLED){1,5}$/,
    after: { BLOB_MOUNTING: 'DISABLED' },
  },
  {
    name: 'ECR AccessDenied on the reset (stack delete, DESTROY)',
    expected: 'SUCCESS: a Delete never fails; the setting is left',
    ecr: { put: [{ kind: 'ok' }, denied()] },
    play: async (s) => { await s.create(BLOB_ID, BLOB_DESTROY_PROPS); await s.delete(BLOB_ID); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['SUCCESS', CREATED_FROM_DISABLED, 'Setting left as it is: AccessDeniedException']],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=DISABLED'],
    after: { BLOB_MOUNTING: 'ENABLED' },
  },
  {
    name: 'ECR hangs during a Delete (DESTROY)',
    expected: 'SUCCESS before the deadline; the setting is left',
    ecr: { get: [{ kind: 'ok' }, ...Array.from({ length: 5 }, () => HANG)] },
    play: async (s) => { await s.create(BLOB_ID, BLOB_DESTROY_PROPS); await s.delete(BLOB_ID); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['SUCCESS', CREATED_FROM_DISABLED, 'left as it is']],
    ecrCalls: /^Get BLOB_MOUNTING, Put BLOB_MOUNTING=ENABLED(, Get BLOB_MOUNTING){2,5}$/,
    after: { BLOB_MOUNTING: 'ENABLED' },
  },
  // -- ResponseURL faults --
  {
    name: 'ResponseURL 403',
    expected: 'one attempt, not retried (a 4xx is final); the handler returns at once',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { url: [403] }); },
    answers: [[undefined, undefined]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    then: (_s, r) => expect(r.answers[0].deliveries.map((d) => d.status)).toEqual([403]),
  },
  {
    name: 'ResponseURL 500, then 200',
    expected: 'delivered on the second attempt',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { url: [500] }); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    then: (_s, r) => expect(r.answers[0].deliveries.map((d) => d.status)).toEqual([500, 200]),
  },
  {
    name: 'ResponseURL 429 and a dropped connection, then 200',
    expected: 'delivered on the third attempt',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { url: [429, 'reset'] }); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    then: (_s, r) => expect(r.answers[0].deliveries.map((d) => d.status)).toEqual([429, undefined, 200]),
  },
  {
    name: 'ResponseURL slow (answers after 1.5 s)',
    expected: 'delivered on the first attempt; the handler waits for it',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { url: [{ delayMs: 1500, status: 200 }] }); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    then: (_s, r) => {
      expect(r.answers[0].deliveries).toHaveLength(1);
      expect(r.answers[0].invocation.returnedAt!).toBeGreaterThanOrEqual(r.answers[0].deliveries[0].at);
    },
  },
  {
    name: 'ResponseURL never answers',
    expected: 'attempts time out and are retried until just before the deadline; the handler still returns in time',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { url: Array.from({ length: 50 }, () => 'never' as const) }); },
    answers: [[undefined, undefined]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    then: (_s, r) => {
      expect(r.answers[0].deliveries.length).toBeGreaterThanOrEqual(2);
      expect(r.answers[0].invocation.output).toContain('Could not answer CloudFormation: gave up');
    },
  },
  // -- Body size --
  {
    name: 'oversize reason (10 KB error message with quotes)',
    expected: 'FAILED; body cut to at most 4,096 bytes',
    ecr: { getAlways: { kind: 'error', status: 400, type: 'InvalidParameterException', message: '"quoted" \\ '.repeat(1000) } },
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['FAILED', FAILED_CREATE, '[truncated: see the function logs]']],
    ecrCalls: ['Get BLOB_MOUNTING'],
    then: (_s, r) => expect(r.answers[0].deliveries[0].bytes).toBeGreaterThan(3900),
  },
  {
    name: 'non-ASCII and control characters in the reason',
    expected: 'FAILED; body at most 4,096 bytes of UTF-8, still valid JSON',
    ecr: { getAlways: { kind: 'error', status: 400, type: 'InvalidParameterException', message: 'Überschreitung ✓ 🚀 \u0001\u0002\t'.repeat(400) } },
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['FAILED', FAILED_CREATE, 'Überschreitung ✓ 🚀']],
    ecrCalls: ['Get BLOB_MOUNTING'],
    then: (_s, r) => expect(r.answers[0].reason).not.toMatch(/\uFFFD/),
  },
  // -- Runtime SDK and properties --
  {
    name: 'runtime without @aws-sdk/client-ecr (create)',
    expected: 'FAILED at once, naming the version needed',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { sdk: 'missing' }); },
    answers: [['FAILED', FAILED_CREATE, 'The Lambda runtime has no @aws-sdk/client-ecr']],
    ecrCalls: [],
    then: (_s, r) => expect(r.answers[0].reason).toContain('needs 3.624.0 or later'),
  },
  {
    name: `runtime with @aws-sdk/client-ecr ${OLD_CLIENT_ECR_VERSION} (create)`,
    expected: 'FAILED at once, naming the version found and the version needed',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { sdk: 'old' }); },
    answers: [['FAILED', FAILED_CREATE, `@aws-sdk/client-ecr ${OLD_CLIENT_ECR_VERSION} has no GetAccountSettingCommand`]],
    ecrCalls: [],
    then: (_s, r) => expect(r.answers[0].reason).toContain('needs 3.624.0 or later'),
  },
  {
    name: 'runtime without @aws-sdk/client-ecr (stack delete, DESTROY)',
    expected: 'SUCCESS; the setting is left',
    play: async (s) => { await s.create(BLOB_ID, BLOB_DESTROY_PROPS); await s.delete(BLOB_ID, { sdk: 'missing' }); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['SUCCESS', CREATED_FROM_DISABLED, 'Setting left as it is: The Lambda runtime has no @aws-sdk/client-ssm (Cannot find module']],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    after: { BLOB_MOUNTING: 'ENABLED' },
  },
  {
    name: 'properties from a future library version',
    expected: 'FAILED; no call; the reason says to deploy the current version',
    play: async (s) => { await s.create(BLOB_ID, { ...BLOB_RETAIN_PROPS, PropertiesVersion: '9' }); },
    answers: [['FAILED', FAILED_CREATE, 'Unsupported PropertiesVersion "9"']],
    ecrCalls: [],
  },
];

// ---- the run --------------------------------------------------------------------------------

/** moto servers, one per row running at a time; a row gets one with nothing in it. */
class MotoPool {
  private readonly idle: Moto[] = [];
  private readonly all: Moto[] = [];

  public async acquire(): Promise<Moto> {
    const moto = this.idle.pop() ?? await this.start();
    const reset = await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    return moto;
  }

  public release(moto: Moto): void {
    this.idle.push(moto);
  }

  public async stop(): Promise<void> {
    await Promise.all(this.all.map((m) => m.stop()));
  }

  private async start(): Promise<Moto> {
    const moto = await startMoto();
    this.all.push(moto);
    // moto loads a service's backend on its first call (seconds): not inside a row's budget.
    await recordedOwners(moto.endpoint);
    return moto;
  }
}

/** The recorded owners of BLOB_MOUNTING, as `<stack name> <logical id>` (or the parameter name for others). */
async function recordedOwners(endpoint: string): Promise<string[]> {
  const ssm = new SSMClient({ endpoint, region: REGION, credentials: { accessKeyId: 'local-test-key', secretAccessKey: 'local-test-secret' } });
  const result = await ssm.send(new GetParametersByPathCommand({ Path: OWNERS_PATH, Recursive: true }));
  return (result.Parameters ?? []).map((p) => {
    const [stackName, , logicalId] = p.Name!.slice(OWNERS_PATH.length + 1).split('/');
    return logicalId ? `${stackName} ${logicalId}` : p.Name!;
  }).sort();
}

const report: string[] = [];
let task: LambdaTask;
const motos = new MotoPool();

beforeAll(() => {
  // The code every row runs is the template's Code.ZipFile, which is the bundled handler.
  expect(BLOB_RETAIN.code).toBe(ACCOUNT_SETTING_HANDLER_CODE);
  // SSM is moto's (TOOLCHAIN.md): without it the matrix cannot run.
  expect(motoUnavailable()).toBeUndefined();
  task = new LambdaTask(BLOB_RETAIN.code);
});

afterAll(async () => {
  task.remove();
  await motos.stop();
  if (process.env.FAULT_MATRIX_REPORT) {
    writeFileSync(process.env.FAULT_MATRIX_REPORT, [
      `| row | expected | observed | time to answer (ms; deadline ${TIMEOUT_MS}, 60000 for the interleaved row) |`,
      '|---|---|---|---|',
      ...report,
      '',
    ].join('\n'));
  }
}, 30_000);

test('the matrix has at least 50 rows', () => {
  expect(ROWS.length).toBeGreaterThanOrEqual(50);
});

test.concurrent.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
  // GIVEN
  const ecr = new FakeEcr();
  const failingSsm = new FailingEndpoint(row.ssmFault ?? SERVER_ERROR);
  await Promise.all([ecr.start(), failingSsm.start()]);
  const moto = await motos.acquire();
  try {
    for (const [name, value] of Object.entries({ BLOB_MOUNTING: 'DISABLED', ...row.before })) {
      ecr.settings.set(name, value);
    }
    if (row.records) {
      const ssm = new SSMClient({ endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'local-test-key', secretAccessKey: 'local-test-secret' } });
      for (const [name, value] of Object.entries(row.records)) {
        await ssm.send(new PutParameterCommand({ Name: `${OWNERS_PATH}/${name}`, Value: value, Type: 'String' }));
      }
    }
    ecr.script('GetAccountSetting', ...(row.ecr?.get ?? []));
    ecr.script('PutAccountSetting', ...(row.ecr?.put ?? []));
    if (row.ecr?.getAlways) {
      ecr.always('GetAccountSetting', row.ecr.getAlways);
    }
    if (row.ecr?.putAlways) {
      ecr.always('PutAccountSetting', row.ecr.putAlways);
    }
    const registry = new Registry(task, ecr, moto.endpoint, failingSsm.url);
    const stack = registry.stack(STACK_ID);

    // WHEN
    await row.play(stack, registry);

    // THEN
    const answers = registry.answers;
    const owners = await recordedOwners(moto.endpoint);
    const observed = answers.map((a) => `${a.stack} ${a.request}: ${a.status ?? 'no answer accepted'}${a.reason ? ` (${a.reason.slice(0, 110)})` : ''}`);
    report.push(`| ${row.name} | ${row.expected} | ${observed.join('; ')}; ECR: ${ecr.calls.map((c) => c.call).join(', ') || 'none'}; after: ${ecr.settings.get('BLOB_MOUNTING')}, owners: ${owners.join(', ') || 'none'} | ${answers.map((a) => a.answeredAfterMs ?? `returned at ${a.invocation.returnedAt! - a.invocation.startedAt}`).join(', ')} |`);
    expect(answers.map((a) => a.status)).toEqual(row.answers.map(([status]) => status));
    row.answers.forEach(([, physicalId, reason], i) => {
      const answer = answers[i];
      if (physicalId instanceof RegExp) {
        expect(answer.physicalId).toMatch(physicalId);
      } else if (physicalId !== undefined || answer.status === undefined) {
        expect(answer.physicalId).toBe(physicalId);
      }
      if (reason instanceof RegExp) {
        expect(answer.reason).toMatch(reason);
      } else if (reason) {
        expect(answer.reason).toContain(reason);
      }
    });
    const calls = ecr.calls.map((c) => c.call);
    if (row.ecrCalls instanceof RegExp) {
      expect(calls.join(', ')).toMatch(row.ecrCalls);
    } else {
      expect(calls).toEqual(row.ecrCalls);
    }
    for (const [name, value] of Object.entries(row.after ?? {})) {
      expect(`${name}=${ecr.settings.get(name)}`).toBe(`${name}=${value}`);
    }
    if (row.owners) {
      expect(owners).toEqual([...row.owners].sort());
    }
    row.then?.(stack, registry);
  } finally {
    motos.release(moto);
    await Promise.all([ecr.stop(), failingSsm.stop()]);
  }
}, 120_000);
