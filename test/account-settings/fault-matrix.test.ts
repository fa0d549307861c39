/**
 * The fault matrix of the account-setting custom resource.
 *
 * Every row runs the BUNDLED INLINE STRING (the exact Code.ZipFile of a synthesized template) as
 * Lambda runs it: index.js in its own Node.js process, a real getRemainingTimeInMillis, killed at
 * the function's timeout (lambda-runtime.ts). ECR, CloudFormation's ListStackResources and the
 * ResponseURL are local HTTP servers (fake-aws.ts); ECR enforces the settings the synthesized role
 * policy allows. The resource properties are those the construct synthesizes. A row plays
 * CloudFormation's sequence of events (with the physical ids the handler answered, and the cleanup
 * phase's Deletes after the updates), with faults, and asserts:
 * - what ECR received, and that no call reached it after the event's answer;
 * - what CloudFormation received: status, physical id, reason, exactly one accepted answer per
 *   event, every body at most 4,096 bytes;
 * - that the handler answered and returned before the Lambda's deadline.
 *
 * Set FAULT_MATRIX_REPORT to a file name to write the matrix (row, expected, observed, time to answer).
 */
import { writeFileSync } from 'fs';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EcrAccountSetting } from '../../src';
import {
  EcrBehaviour, FakeCloudFormation, FakeEcr, FakeResponseUrl, HANG, SERVER_ERROR, THROTTLED, UrlBehaviour,
} from './support/fake-aws';
import { Invocation, LambdaTask, OLD_CLIENT_ECR_VERSION, RuntimeSdk } from './support/lambda-runtime';
import { ACCOUNT_SETTING_HANDLER_CODE } from '../../src/account-settings/handler-code.generated';

/** The simulated function's timeout (the construct deploys 60 s; the handler plans its time from what remains). */
const TIMEOUT_MS = 6000;
const MAX_BODY_BYTES = 4096;
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Baseline/0a1b2c3d-0000-1111-2222-333344445555';
const ENV = { account: '111111111111', region: 'eu-west-1' };

// ---- what the construct synthesizes ----------------------------------------------------------

/** One version of the user's stack, synthesized. */
interface Version {
  /** The resource properties of each Custom::EcrAccountSetting, by logical id, as CloudFormation sends them. */
  readonly settings: Record<string, Record<string, unknown>>;
  /** The settings the provider's role may read and write (its ecr:AccountSetting condition). */
  readonly allowed: string[];
  /** The Lambda function's Code.ZipFile. */
  readonly code: string;
}

function synth(build: (stack: Stack) => void): Version {
  const stack = new Stack(new App(), 'Baseline', { env: ENV });
  build(stack);
  const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties: any }> };
  const settings: Record<string, Record<string, unknown>> = {};
  let allowed: string[] = [];
  let code = '';
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'Custom::EcrAccountSetting') {
      settings[logicalId] = { ...resource.Properties, ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:Baseline-Provider' };
    } else if (resource.Type === 'AWS::Lambda::Function') {
      code = resource.Properties.Code.ZipFile;
    } else if (resource.Type === 'AWS::IAM::Policy') {
      for (const statement of resource.Properties.PolicyDocument.Statement) {
        if (statement.Sid === 'EcrAccountSettings') {
          allowed = [statement.Condition.StringEquals['ecr:AccountSetting']].flat();
        }
      }
    }
  }
  return { settings, allowed, code };
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

// ---- CloudFormation, played -----------------------------------------------------------------

/** What one event got. */
interface Answer {
  readonly request: string;
  readonly logicalId: string;
  readonly status?: 'SUCCESS' | 'FAILED';
  readonly physicalId?: string;
  readonly reason?: string;
  readonly invocation: Invocation;
  readonly deliveries: FakeResponseUrl['deliveries'];
  /** The ECR calls made during the event. */
  readonly ecrCalls: string[];
  /** Milliseconds from the handler's start to the accepted answer. */
  readonly answeredAfterMs?: number;
}

interface StepOptions {
  /** How the ResponseURL answers this event's PUTs. */
  readonly url?: UrlBehaviour[];
  readonly sdk?: RuntimeSdk;
}

/** A CloudFormation stack whose custom resources are served by the handler. */
class PlayedStack {
  public readonly answers: Answer[] = [];
  private readonly physicalIds = new Map<string, string>();
  private readonly properties = new Map<string, Record<string, unknown>>();
  private readonly cleanups: Array<{ logicalId: string; physicalId: string; props: Record<string, unknown> }> = [];

  constructor(private readonly task: LambdaTask, private readonly ecr: FakeEcr, private readonly cloudFormation: FakeCloudFormation) {}

  /** Deploys a version: the role policy first (as CloudFormation updates it before the resources). */
  public usePolicyOf(version: Version): void {
    this.ecr.allowedSettings = version.allowed;
  }

  /** A resource an earlier library version created (its physical id and properties). */
  public existing(logicalId: string, physicalId: string, props: Record<string, unknown>): void {
    this.cloudFormation.resources.push({ logicalId, physicalId, type: 'Custom::EcrAccountSetting', status: 'CREATE_COMPLETE' });
    this.physicalIds.set(logicalId, physicalId);
    this.properties.set(logicalId, props);
  }

  public async create(logicalId: string, props: Record<string, unknown>, options: StepOptions = {}): Promise<Answer> {
    const answer = await this.send({ RequestType: 'Create', LogicalResourceId: logicalId, ResourceProperties: props }, options);
    this.cloudFormation.resources.push({
      logicalId,
      physicalId: answer.physicalId ?? '',
      type: 'Custom::EcrAccountSetting',
      status: answer.status === 'SUCCESS' ? 'CREATE_COMPLETE' : 'CREATE_FAILED',
    });
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
    const resource = this.resource(logicalId);
    if (answer.status === 'SUCCESS') {
      if (answer.physicalId !== physicalId) {
        // A new physical id: CloudFormation deletes the old one in the cleanup phase, with the old properties.
        this.cleanups.push({ logicalId, physicalId, props: oldProps });
        this.physicalIds.set(logicalId, answer.physicalId!);
        this.replaceResource(logicalId, answer.physicalId!, 'UPDATE_COMPLETE');
      } else {
        resource.status = 'UPDATE_COMPLETE';
      }
      this.properties.set(logicalId, props);
    } else {
      resource.status = 'UPDATE_FAILED';
    }
    return answer;
  }

  /** Removes the resource (removed from the template, in the cleanup phase; or the stack is deleted). */
  public async delete(logicalId: string, options: StepOptions = {}): Promise<Answer> {
    this.resource(logicalId).status = 'DELETE_IN_PROGRESS';
    const answer = await this.send({
      RequestType: 'Delete',
      LogicalResourceId: logicalId,
      PhysicalResourceId: this.physicalIds.get(logicalId),
      ResourceProperties: this.properties.get(logicalId)!,
    }, options);
    this.cloudFormation.resources.splice(this.cloudFormation.resources.indexOf(this.resource(logicalId)), 1);
    return answer;
  }

  /** The cleanup phase's Deletes of replaced physical ids. */
  public async cleanup(): Promise<void> {
    for (const { logicalId, physicalId, props } of this.cleanups.splice(0)) {
      await this.send({ RequestType: 'Delete', LogicalResourceId: logicalId, PhysicalResourceId: physicalId, ResourceProperties: props }, {});
    }
  }

  private resource(logicalId: string) {
    return this.cloudFormation.resources.find((r) => r.logicalId === logicalId)!;
  }

  private replaceResource(logicalId: string, physicalId: string, status: string): void {
    const index = this.cloudFormation.resources.indexOf(this.resource(logicalId));
    this.cloudFormation.resources[index] = { logicalId, physicalId, type: 'Custom::EcrAccountSetting', status };
  }

  private async send(fields: Record<string, unknown>, options: StepOptions): Promise<Answer> {
    const url = new FakeResponseUrl();
    await url.start();
    url.script(...(options.url ?? []));
    const callsBefore = this.ecr.calls.length;
    try {
      const event = {
        ...fields,
        ResponseURL: `${url.url}/cloudformation-response?X-Amz-Signature=secret-signature`,
        StackId: STACK_ID,
        RequestId: `request-${this.answers.length + 1}`,
        ResourceType: 'Custom::EcrAccountSetting',
      };
      const invocation = await this.task.invoke(event, {
        timeoutMs: TIMEOUT_MS,
        sdk: options.sdk,
        env: { AWS_ENDPOINT_URL_ECR: this.ecr.url, AWS_ENDPOINT_URL_CLOUDFORMATION: this.cloudFormation.url },
      });
      const calls = this.ecr.calls.slice(callsBefore);
      const accepted = url.accepted[0];
      const body = accepted ? JSON.parse(accepted.body) : undefined;
      const answer: Answer = {
        request: String(fields.RequestType),
        logicalId: String(fields.LogicalResourceId),
        status: body?.Status,
        physicalId: body?.PhysicalResourceId,
        reason: body?.Reason,
        invocation,
        deliveries: [...url.deliveries],
        ecrCalls: calls.map((c) => c.call),
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
      // At most one accepted answer, before the deadline; no ECR call after it.
      expect(url.accepted.length).toBeLessThanOrEqual(1);
      if (accepted) {
        expect(accepted.at).toBeLessThanOrEqual(invocation.deadline);
        for (const call of calls) {
          expect(call.at).toBeLessThanOrEqual(accepted.at);
        }
      }
      this.answers.push(answer);
      return answer;
    } finally {
      await url.stop();
    }
  }
}

// ---- the rows -------------------------------------------------------------------------------

interface Row {
  readonly name: string;
  /** What the row expects, in words (for the report). */
  readonly expected: string;
  /** The account setting values before the row. */
  readonly before?: Record<string, string>;
  /** ECR misbehaviour, by operation. */
  readonly ecr?: {
    readonly get?: EcrBehaviour[];
    readonly put?: EcrBehaviour[];
    readonly getAlways?: EcrBehaviour;
    readonly putAlways?: EcrBehaviour;
  };
  /** ListStackResources is denied. */
  readonly listDenied?: boolean;
  readonly play: (stack: PlayedStack) => Promise<void>;
  /** The answers, in order: status and physical id (a RegExp or the exact id) and a piece of the reason. */
  readonly answers: ReadonlyArray<readonly [status: string | undefined, physicalId: string | RegExp | undefined, reason?: string]>;
  /** Every ECR call of the row, in order; or a RegExp over them joined with ', '. */
  readonly ecrCalls: readonly string[] | RegExp;
  /** The settings after the row. */
  readonly after?: Record<string, string>;
  /** Extra assertions. */
  readonly then?: (stack: PlayedStack) => void;
}

const [BLOB_ID, BLOB_RETAIN_PROPS] = only(BLOB_RETAIN);
const BLOB_DESTROY_PROPS = BLOB_DESTROY.settings[BLOB_ID];
const BLOB_DISABLED_PROPS = BLOB_DISABLED.settings[BLOB_ID];
const [MOVED_ID, MOVED_PROPS] = only(BLOB_MOVED);
const [NAMED_ID, NAMED_BLOB_PROPS] = only(NAMED_BLOB);
const NAMED_SCOPE_PROPS = NAMED_SCOPE.settings[NAMED_ID];

const CREATED_FROM_DISABLED = 'EcrAccountSetting:BLOB_MOUNTING:found=DISABLED';
const CREATED_FROM_ENABLED = 'EcrAccountSetting:BLOB_MOUNTING:found=ENABLED';
const FAILED_CREATE = 'EcrAccountSetting:BLOB_MOUNTING:create-failed';
const denied = (message = 'User is not authorized to perform: ecr:PutAccountSetting'): EcrBehaviour =>
  ({ kind: 'error', status: 400, type: 'AccessDeniedException', message });

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
    expected: 'the old Delete finds the new resource asking for BLOB_MOUNTING and leaves it ENABLED',
    play: async (s) => {
      await s.create(BLOB_ID, BLOB_DESTROY_PROPS);
      s.usePolicyOf(BLOB_MOVED);
      await s.create(MOVED_ID, MOVED_PROPS);
      await s.delete(BLOB_ID);
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', CREATED_FROM_ENABLED],
      ['SUCCESS', CREATED_FROM_DISABLED, `BLOB_MOUNTING left as it is: ${MOVED_ID} in the same stack still asks for it.`],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get BLOB_MOUNTING'],
    after: { BLOB_MOUNTING: 'ENABLED' },
  },
  {
    name: 'removal of one of two settings (DESTROY), policy updated first',
    expected: 'the cleanup Delete still has the right and resets BLOB_MOUNTING',
    play: async (s) => {
      s.usePolicyOf(TWO_SETTINGS);
      for (const [id, props] of Object.entries(TWO_SETTINGS.settings)) {
        await s.create(id, props);
      }
      s.usePolicyOf(SCOPE_LEFT);
      await s.delete(BLOB_ID);
    },
    answers: [
      ['SUCCESS', CREATED_FROM_DISABLED],
      ['SUCCESS', 'EcrAccountSetting:REGISTRY_POLICY_SCOPE:found=-'],
      ['SUCCESS', CREATED_FROM_DISABLED, 'BLOB_MOUNTING reset to DISABLED.'],
    ],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED', 'Get REGISTRY_POLICY_SCOPE', 'Put REGISTRY_POLICY_SCOPE=V2', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=DISABLED'],
    after: { BLOB_MOUNTING: 'DISABLED', REGISTRY_POLICY_SCOPE: 'V2' },
    then: () => expect(SCOPE_LEFT.allowed).toContain('BLOB_MOUNTING'),
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
    name: 'upgrade from 0.x (physical id without the value found), then stack delete (DESTROY)',
    expected: 'the Update keeps the old physical id (no Delete of it); the Delete resets as 0.x did',
    before: { BLOB_MOUNTING: 'ENABLED' },
    play: async (s) => {
      s.existing(BLOB_ID, 'EcrAccountSetting:BLOB_MOUNTING', BLOB_RETAIN_PROPS);
      await s.update(BLOB_ID, BLOB_DESTROY_PROPS);
      await s.cleanup();
      await s.delete(BLOB_ID);
    },
    answers: [['SUCCESS', 'EcrAccountSetting:BLOB_MOUNTING'], ['SUCCESS', 'EcrAccountSetting:BLOB_MOUNTING', 'BLOB_MOUNTING reset to DISABLED.']],
    ecrCalls: ['Get BLOB_MOUNTING', 'Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=DISABLED'],
    after: { BLOB_MOUNTING: 'DISABLED' },
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
    name: 'stack delete, DESTROY, ListStackResources denied',
    expected: 'SUCCESS; the setting is left (ownership cannot be checked)',
    listDenied: true,
    play: async (s) => { await s.create(BLOB_ID, BLOB_DESTROY_PROPS); await s.delete(BLOB_ID); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['SUCCESS', CREATED_FROM_DISABLED, 'Setting left as it is: AccessDenied']],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    after: { BLOB_MOUNTING: 'ENABLED' },
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
    ecrCalls: /^Get BLOB_MOUNTING(, Put BLOB_MOUNTING=ENABLED){1,5}, Get BLOB_MOUNTING, Put BLOB_MOUNTING=DISABLED$/,
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
    then: (s) => expect(s.answers[0].deliveries.map((d) => d.status)).toEqual([403]),
  },
  {
    name: 'ResponseURL 500, then 200',
    expected: 'delivered on the second attempt',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { url: [500] }); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    then: (s) => expect(s.answers[0].deliveries.map((d) => d.status)).toEqual([500, 200]),
  },
  {
    name: 'ResponseURL 429 and a dropped connection, then 200',
    expected: 'delivered on the third attempt',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { url: [429, 'reset'] }); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    then: (s) => expect(s.answers[0].deliveries.map((d) => d.status)).toEqual([429, undefined, 200]),
  },
  {
    name: 'ResponseURL slow (answers after 1.5 s)',
    expected: 'delivered on the first attempt; the handler waits for it',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { url: [{ delayMs: 1500, status: 200 }] }); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    then: (s) => {
      expect(s.answers[0].deliveries).toHaveLength(1);
      expect(s.answers[0].invocation.returnedAt!).toBeGreaterThanOrEqual(s.answers[0].deliveries[0].at);
    },
  },
  {
    name: 'ResponseURL never answers',
    expected: 'attempts time out and are retried until just before the deadline; the handler still returns in time',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { url: Array.from({ length: 50 }, () => 'never' as const) }); },
    answers: [[undefined, undefined]],
    ecrCalls: ['Get BLOB_MOUNTING', 'Put BLOB_MOUNTING=ENABLED'],
    then: (s) => {
      expect(s.answers[0].deliveries.length).toBeGreaterThanOrEqual(2);
      expect(s.answers[0].invocation.output).toContain('Could not answer CloudFormation: gave up');
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
    then: (s) => expect(s.answers[0].deliveries[0].bytes).toBeGreaterThan(3900),
  },
  {
    name: 'non-ASCII and control characters in the reason',
    expected: 'FAILED; body at most 4,096 bytes of UTF-8, still valid JSON',
    ecr: { getAlways: { kind: 'error', status: 400, type: 'InvalidParameterException', message: 'Überschreitung ✓ 🚀 \u0001\u0002\t'.repeat(400) } },
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS); },
    answers: [['FAILED', FAILED_CREATE, 'Überschreitung ✓ 🚀']],
    ecrCalls: ['Get BLOB_MOUNTING'],
    then: (s) => expect(s.answers[0].reason).not.toMatch(/\uFFFD/),
  },
  // -- Runtime SDK and properties --
  {
    name: 'runtime without @aws-sdk/client-ecr (create)',
    expected: 'FAILED at once, naming the version needed',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { sdk: 'missing' }); },
    answers: [['FAILED', FAILED_CREATE, 'The Lambda runtime has no @aws-sdk/client-ecr']],
    ecrCalls: [],
    then: (s) => expect(s.answers[0].reason).toContain('needs 3.624.0 or later'),
  },
  {
    name: `runtime with @aws-sdk/client-ecr ${OLD_CLIENT_ECR_VERSION} (create)`,
    expected: 'FAILED at once, naming the version found and the version needed',
    play: async (s) => { await s.create(BLOB_ID, BLOB_RETAIN_PROPS, { sdk: 'old' }); },
    answers: [['FAILED', FAILED_CREATE, `@aws-sdk/client-ecr ${OLD_CLIENT_ECR_VERSION} has no GetAccountSettingCommand`]],
    ecrCalls: [],
    then: (s) => expect(s.answers[0].reason).toContain('needs 3.624.0 or later'),
  },
  {
    name: 'runtime without @aws-sdk/client-ecr (stack delete, DESTROY)',
    expected: 'SUCCESS; the setting is left',
    play: async (s) => { await s.create(BLOB_ID, BLOB_DESTROY_PROPS); await s.delete(BLOB_ID, { sdk: 'missing' }); },
    answers: [['SUCCESS', CREATED_FROM_DISABLED], ['SUCCESS', CREATED_FROM_DISABLED, 'Setting left as it is: the Lambda runtime has no @aws-sdk/client-cloudformation (Cannot find module']],
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

const report: string[] = [];
let task: LambdaTask;

beforeAll(() => {
  // The code every row runs is the template's Code.ZipFile, which is the bundled handler.
  expect(BLOB_RETAIN.code).toBe(ACCOUNT_SETTING_HANDLER_CODE);
  task = new LambdaTask(BLOB_RETAIN.code);
});

afterAll(() => {
  task.remove();
  if (process.env.FAULT_MATRIX_REPORT) {
    writeFileSync(process.env.FAULT_MATRIX_REPORT, [
      '| row | expected | observed | time to answer (ms; deadline 6000) |',
      '|---|---|---|---|',
      ...report,
      '',
    ].join('\n'));
  }
});

test('the matrix has at least 30 rows', () => {
  expect(ROWS.length).toBeGreaterThanOrEqual(30);
});

test.concurrent.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
  // GIVEN
  const ecr = new FakeEcr();
  const cloudFormation = new FakeCloudFormation();
  await Promise.all([ecr.start(), cloudFormation.start()]);
  try {
    for (const [name, value] of Object.entries({ BLOB_MOUNTING: 'DISABLED', ...row.before })) {
      ecr.settings.set(name, value);
    }
    ecr.script('GetAccountSetting', ...(row.ecr?.get ?? []));
    ecr.script('PutAccountSetting', ...(row.ecr?.put ?? []));
    if (row.ecr?.getAlways) {
      ecr.always('GetAccountSetting', row.ecr.getAlways);
    }
    if (row.ecr?.putAlways) {
      ecr.always('PutAccountSetting', row.ecr.putAlways);
    }
    cloudFormation.denied = row.listDenied ?? false;
    const stack = new PlayedStack(task, ecr, cloudFormation);
    stack.usePolicyOf(BLOB_DESTROY);

    // WHEN
    await row.play(stack);

    // THEN
    const observed = stack.answers.map((a) => `${a.request}: ${a.status ?? 'no answer accepted'}${a.reason ? ` (${a.reason.slice(0, 90)})` : ''}`);
    report.push(`| ${row.name} | ${row.expected} | ${observed.join('; ')}; ECR: ${ecr.calls.map((c) => c.call).join(', ') || 'none'} | ${stack.answers.map((a) => a.answeredAfterMs ?? `returned at ${a.invocation.returnedAt! - a.invocation.startedAt}`).join(', ')} |`);
    expect(stack.answers.map((a) => a.status)).toEqual(row.answers.map(([status]) => status));
    row.answers.forEach(([, physicalId, reason], i) => {
      const answer = stack.answers[i];
      if (physicalId instanceof RegExp) {
        expect(answer.physicalId).toMatch(physicalId);
      } else {
        expect(answer.physicalId).toBe(physicalId);
      }
      if (reason) {
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
    row.then?.(stack);
  } finally {
    await Promise.all([ecr.stop(), cloudFormation.stop()]);
  }
}, 60_000);
