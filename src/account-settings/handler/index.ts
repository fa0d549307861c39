/* eslint-disable no-console */
/**
 * Custom resource handler for `Custom::EcrAccountSetting`.
 *
 * Runs as INLINE Lambda code (CloudFormation writes it to index.js, CommonJS), so it answers
 * CloudFormation itself over the pre-signed ResponseURL: no cfn-response module, no provider
 * framework, no file asset. Every event gets exactly one answer before the Lambda's deadline:
 * success, error, bad properties, a missing or too old runtime SDK, a hung ECR (a timer answers
 * shortly before the deadline and stops every further call), and a slow or failing ResponseURL
 * (delivery is retried with backoff and a per-attempt timeout, bounded by the remaining time).
 *
 * Every resource records itself as an owner of its setting in SSM Parameter Store (see contract.ts),
 * where the owners in other stacks, apps and StackSet instances of the same account and region see
 * it. Delete with `OnDelete: RESET` writes the off value only when the setting was off before this
 * resource first applied its value and no other owner is recorded (see `remove`).
 *
 * It acts only on `Custom::EcrAccountSetting` events of its own stack (OWNING_STACK_ID, set from
 * AWS::StackId); anything else is answered FAILED without a call to ECR or SSM.
 */
import { request as httpRequest } from 'http';
import { request as httpsRequest } from 'https';
import type * as EcrSdk from '@aws-sdk/client-ecr';
import type * as SsmSdk from '@aws-sdk/client-ssm';
import {
  ACCOUNT_SETTING_RESOURCE_TYPE, createdPhysicalId, failedCreatePhysicalId, MINIMUM_CLIENT_ECR_VERSION,
  ownerLabel, ownerParameterName, ownerRecordValue, ownersPath, parseOwnerRecord, parsePhysicalId, SettingOwner,
  STACK_ID_VARIABLE, SUPPORTED_PROPERTIES_VERSIONS,
} from '../contract';

export interface CloudFormationEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export interface CloudFormationResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho: boolean;
  readonly Data?: Record<string, string>;
}

/** CloudFormation rejects a response body larger than this, in bytes of the JSON sent. */
export const MAX_RESPONSE_BYTES = 4096;

/** Attempts per ECR or SSM call (the SDK's standard retry: throttling, 5xx, timeouts). */
const SDK_MAX_ATTEMPTS = 5;
/** Longest wait for one ECR or SSM request; shorter when the Lambda has less time. */
const MAX_SDK_REQUEST_MS = 5000;
/** Time kept back at the end for the answer: 15 % of the Lambda's time, between these bounds. */
const MIN_ANSWER_RESERVE_MS = 1000;
const MAX_ANSWER_RESERVE_MS = 5000;
/** Delivery of the answer stops this long before the Lambda's deadline. */
const DELIVERY_SAFETY_MS = 250;
/** Longest wait for one PUT to the ResponseURL. */
const MAX_DELIVERY_ATTEMPT_MS = 4000;

/** The time plan of one invocation, from the Lambda's remaining time. */
interface Budget {
  /** The Lambda's deadline (Date.now() scale). */
  readonly deadline: number;
  /** When the timer answers if the work has not. */
  readonly answerBy: number;
  /** Per-request timeout of SDK calls, so that the SDK's retries happen inside the budget. */
  readonly requestTimeoutMs: number;
}

function planBudget(remainingMs: number): Budget {
  const now = Date.now();
  const reserve = Math.min(MAX_ANSWER_RESERVE_MS, Math.max(MIN_ANSWER_RESERVE_MS, remainingMs * 0.15));
  const working = Math.max(0, remainingMs - reserve);
  return {
    deadline: now + remainingMs,
    answerBy: now + working,
    requestTimeoutMs: Math.max(250, Math.min(MAX_SDK_REQUEST_MS, Math.floor(working / (SDK_MAX_ATTEMPTS + 1)))),
  };
}

/**
 * The configuration of every SDK client: the standard retry, and per-request timeouts. Newer SDKs only warn when a request exceeds `requestTimeout`
 * unless `throwOnRequestTimeout` is set (older ones throw and ignore the flag); a thrown
 * TimeoutError is then retried by the SDK's standard retry strategy, inside the budget.
 */
function sdkClientConfig(budget: Budget) {
  return {
    maxAttempts: SDK_MAX_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: { requestTimeout: budget.requestTimeoutMs, connectionTimeout: budget.requestTimeoutMs, throwOnRequestTimeout: true },
  };
}

/** A fault the properties or the runtime cause: its message is the whole reason. */
class ReasonError extends Error {}

/** The setting as the handler uses it, read from the resource properties. */
interface Setting {
  readonly name: string;
  readonly value: string;
  /** The value a Delete writes; undefined = leave the setting (RETAIN). */
  readonly resetTo?: string;
}

/** Reads and checks the properties written by the construct; throws a ReasonError saying what to do. */
function parseProperties(props: Record<string, unknown> = {}): Setting {
  const { PropertiesVersion: version, SettingName: name, SettingValue: value, OnDelete: onDelete, ResetValue: resetTo } = props;
  if (typeof version !== 'string' || !SUPPORTED_PROPERTIES_VERSIONS.includes(version)) {
    throw new ReasonError(
      `Unsupported PropertiesVersion ${JSON.stringify(version)} (expected one of ${SUPPORTED_PROPERTIES_VERSIONS.map((v) => `"${v}"`).join(', ')}): the event was written by another version of cdk-ecr-shared-layers. Deploy the stack with the current version.`,
    );
  }
  if (!name || !value || typeof name !== 'string' || typeof value !== 'string') {
    throw new ReasonError('SettingName and SettingValue must be non-empty strings. Define the setting with the EcrAccountSetting construct.');
  }
  if (onDelete === 'RETAIN') {
    return { name, value };
  }
  if (onDelete === 'RESET' && resetTo && typeof resetTo === 'string') {
    return { name, value, resetTo };
  }
  throw new ReasonError(`OnDelete must be "RETAIN", or "RESET" with a ResetValue; got ${JSON.stringify(onDelete)}.`);
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    // The first line only: a module-not-found message goes on with the require stack.
    const message = e.message.split('\n')[0];
    return e.name && e.name !== 'Error' ? `${e.name}: ${message}` : message;
  }
  return String(e);
}

/** The runtime's `@aws-sdk/client-ecr`, checked for the commands this handler needs. */
function loadEcrSdk(): typeof EcrSdk {
  let sdk: typeof EcrSdk;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sdk = require('@aws-sdk/client-ecr');
  } catch (e) {
    throw new ReasonError(
      `The Lambda runtime has no @aws-sdk/client-ecr (${errorText(e)}); this handler needs ${MINIMUM_CLIENT_ECR_VERSION} or later. Use a Node.js runtime that includes the AWS SDK for JavaScript v3 (the construct deploys nodejs24.x).`,
    );
  }
  if (typeof sdk.GetAccountSettingCommand !== 'function' || typeof sdk.PutAccountSettingCommand !== 'function') {
    let version = 'of unknown version';
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      version = require('@aws-sdk/client-ecr/package.json').version;
    } catch {
      // the version is only for the message
    }
    throw new ReasonError(
      `The Lambda runtime's @aws-sdk/client-ecr ${version} has no GetAccountSettingCommand or PutAccountSettingCommand; this handler needs ${MINIMUM_CLIENT_ECR_VERSION} or later. Use a newer Node.js runtime (the construct deploys nodejs24.x).`,
    );
  }
  return sdk;
}

/** What the work did so far, read by the answer of a failed Create. */
interface Progress {
  /** The value found before a write; undefined until read. */
  found?: string;
  /** A PutAccountSetting was started: it may land even if the answer is FAILED. */
  wrote: boolean;
}

/** ECR calls of one invocation: per-request timeouts, the SDK's retry, and no call after the answer. */
class Ecr {
  private readonly client: EcrSdk.ECRClient;

  constructor(private readonly sdk: typeof EcrSdk, budget: Budget, private readonly signal: AbortSignal) {
    this.client = new sdk.ECRClient(sdkClientConfig(budget));
  }

  public async get(name: string): Promise<string | undefined> {
    this.checkTime();
    return (await this.client.send(new this.sdk.GetAccountSettingCommand({ name }), { abortSignal: this.signal })).value;
  }

  public async put(name: string, value: string): Promise<void> {
    this.checkTime();
    await this.client.send(new this.sdk.PutAccountSettingCommand({ name, value }), { abortSignal: this.signal });
  }

  /** Writes `value` unless the setting already has it; returns the value it had. */
  public async ensure(name: string, value: string, progress?: Progress): Promise<string | undefined> {
    const found = await this.get(name);
    if (progress) {
      progress.found = found;
    }
    console.log(`${name}: ${found} -> ${value}`);
    if (found !== value) {
      if (progress) {
        progress.wrote = true;
      }
      await this.put(name, value);
    }
    return found;
  }

  private checkTime(): void {
    if (this.signal.aborted) {
      throw new ReasonError('The answer was already sent; no further call is made.');
    }
  }
}

/** The owner records of the setting (SSM Parameter Store of the function's account and region). */
class Owners {
  private readonly client: SsmSdk.SSMClient;

  constructor(private readonly sdk: typeof SsmSdk, budget: Budget, private readonly signal: AbortSignal, private readonly stackId: string) {
    this.client = new sdk.SSMClient(sdkClientConfig(budget));
  }

  /** Records (or re-records) the resource as an owner asking for `value`. */
  public async record(name: string, logicalId: string, value: string): Promise<void> {
    this.checkTime();
    await this.client.send(new this.sdk.PutParameterCommand({
      Name: ownerParameterName(name, this.stackId, logicalId),
      Value: ownerRecordValue(value, this.stackId, logicalId),
      Type: 'String',
      Overwrite: true,
    }), { abortSignal: this.signal });
  }

  /** Removes the resource's record (none there is fine). */
  public async forget(name: string, logicalId: string): Promise<void> {
    this.checkTime();
    try {
      const command = new this.sdk.DeleteParameterCommand({ Name: ownerParameterName(name, this.stackId, logicalId) });
      await this.client.send(command, { abortSignal: this.signal });
    } catch (e) {
      if ((e as Error).name !== 'ParameterNotFound') {
        throw e;
      }
    }
  }

  /** Every recorded owner of the setting other than this resource. */
  public async others(name: string, logicalId: string): Promise<SettingOwner[]> {
    const own = ownerParameterName(name, this.stackId, logicalId);
    const owners: SettingOwner[] = [];
    this.checkTime();
    const input = { Path: ownersPath(name), Recursive: true };
    const pages = this.sdk.paginateGetParametersByPath({ client: this.client }, input, { abortSignal: this.signal });
    for await (const page of pages) {
      for (const parameter of page.Parameters ?? []) {
        if (parameter.Name && parameter.Name !== own) {
          owners.push(parseOwnerRecord(parameter.Name, parameter.Value));
        }
      }
    }
    return owners;
  }

  private checkTime(): void {
    if (this.signal.aborted) {
      throw new ReasonError('The answer was already sent; no further call is made.');
    }
  }
}

/** The runtime's `@aws-sdk/client-ssm`. */
function loadSsmSdk(): typeof SsmSdk {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@aws-sdk/client-ssm');
  } catch (e) {
    throw new ReasonError(`The Lambda runtime has no @aws-sdk/client-ssm (${errorText(e)}); this handler records the setting's owners with it. Use a Node.js runtime that includes the AWS SDK for JavaScript v3 (the construct deploys nodejs24.x).`);
  }
}

/** The function's own stack: the only stack whose events it acts on. */
function owningStackId(): string {
  return process.env[STACK_ID_VARIABLE] ?? '';
}

/** Why the event is refused (not for this function), or undefined. */
function refusal(event: CloudFormationEvent): string | undefined {
  const own = owningStackId();
  if (!own) {
    return `Refused: the function has no ${STACK_ID_VARIABLE} (its own stack id). Deploy it with the EcrAccountSetting construct.`;
  }
  if (event.StackId !== own) {
    return `Refused: the event's StackId ${JSON.stringify(event.StackId)} is not this function's stack; it only acts on its own stack's Custom::EcrAccountSetting resources.`;
  }
  if (event.ResourceType !== ACCOUNT_SETTING_RESOURCE_TYPE) {
    return `Refused: ResourceType ${JSON.stringify(event.ResourceType)} is not ${ACCOUNT_SETTING_RESOURCE_TYPE}.`;
  }
  return undefined;
}

function listOwners(owners: readonly SettingOwner[]): string {
  const shown = owners.slice(0, 3).map(ownerLabel).join('; ');
  return owners.length > 3 ? `${shown}; and ${owners.length - 3} more` : shown;
}

/**
 * Delete. Never fails: a setting that cannot be reset is left as it is, and the reason says why.
 * First removes the resource's owner record (so that a concurrent Delete of another owner sees it
 * gone). Then the value to write, if any:
 * - after a failed Create that had started a write: the value the Create found;
 * - RETAIN: none;
 * - RESET: the off value, only when the setting was off (or unset) before this resource first applied
 *   its value.
 * It writes only when no other owner asking for another value is recorded; after the write it looks
 * again, and puts back the value of an owner that recorded itself in between.
 */
async function remove(event: CloudFormationEvent, budget: Budget, signal: AbortSignal): Promise<string> {
  const id = parsePhysicalId(event.PhysicalResourceId);
  const named = event.ResourceProperties?.SettingName;
  const name = id.settingName ?? (typeof named === 'string' && /^[A-Z0-9_]{1,64}$/.test(named) ? named : undefined);
  if (!name) {
    return 'Nothing to delete: the Create failed before writing.';
  }
  const owners = new Owners(loadSsmSdk(), budget, signal, owningStackId());
  await owners.forget(name, event.LogicalResourceId);

  let target: string;
  if (id.createFailed) {
    if (!id.restore) {
      return 'Nothing to delete: the Create failed before writing.';
    }
    // The failed Create had started a write, which may have landed after its FAILED answer.
    target = id.restore;
  } else {
    let setting: Setting;
    try {
      setting = parseProperties(event.ResourceProperties);
    } catch (e) {
      return `Setting left as it is: ${(e as Error).message}`;
    }
    if (!setting.resetTo) {
      return `${name} left as it is (RETAIN).`;
    }
    if (id.found !== '' && id.found !== setting.resetTo) {
      const before = id.found === undefined ? 'its physical id records no value found' : `it was already ${id.found}`;
      return `${name} left as it is: ${before} before this resource applied ${setting.value}, so something else may rely on it.`;
    }
    target = setting.resetTo;
  }

  const asking = (list: SettingOwner[]) => list.filter((o) => o.value !== target);
  const others = asking(await owners.others(name, event.LogicalResourceId));
  if (others.length > 0) {
    return `${name} left as it is: ${others.length} other owner(s) ask for ${others[0].value}: ${listOwners(others)}.`;
  }
  const ecr = new Ecr(loadEcrSdk(), budget, signal);
  const found = await ecr.ensure(name, target);
  // An owner that recorded itself after the first look may have read the setting before the write.
  const late = asking(await owners.others(name, event.LogicalResourceId));
  if (late.length > 0) {
    await ecr.ensure(name, late[0].value);
    return `${name} reset to ${target}, then put back to ${late[0].value}: ${listOwners(late)} recorded itself meanwhile.`;
  }
  if (id.createFailed) {
    return found === target
      ? `Nothing to delete: the Create failed and ${name} is ${target}, as the Create found it.`
      : `The Create failed after writing: ${name} put back to ${target}, as the Create found it.`;
  }
  return `${name} reset to ${target}.`;
}

interface Result {
  readonly physicalId: string;
  readonly reason: string;
  readonly data?: Record<string, string>;
}

/**
 * Create and Update: record the owner (before the write, so that a concurrent Delete elsewhere sees
 * it), then read, and write only when the value differs.
 */
async function apply(event: CloudFormationEvent, budget: Budget, signal: AbortSignal, progress: Progress): Promise<Result> {
  const { name, value } = parseProperties(event.ResourceProperties);
  const ecr = new Ecr(loadEcrSdk(), budget, signal);
  const owners = new Owners(loadSsmSdk(), budget, signal, owningStackId());
  await owners.record(name, event.LogicalResourceId, value);
  const found = await ecr.ensure(name, value, progress);
  const current = parsePhysicalId(event.PhysicalResourceId);
  // An Update that keeps the name keeps the physical id (with the value found at Create): a new
  // physical id would make CloudFormation delete the old one (with the old properties, whose Delete
  // removes the old name's record).
  const keep = event.RequestType === 'Update' && current.settingName === name && !current.createFailed;
  const oldName = event.OldResourceProperties?.SettingName;
  if (keep && typeof oldName === 'string' && /^[A-Z0-9_]{1,64}$/.test(oldName) && oldName !== name) {
    // The rollback of a failed name change: no Delete will come for the other name's record.
    await owners.forget(oldName, event.LogicalResourceId).catch((e) => console.error(`Could not remove the ${oldName} owner record: ${errorText(e)}`));
  }
  const physicalId = keep ? event.PhysicalResourceId! : createdPhysicalId(name, found);
  return { physicalId, reason: `${name} is ${value}.`, data: { PreviousValue: found ?? '', Value: value } };
}

async function processEvent(event: CloudFormationEvent, budget: Budget, signal: AbortSignal, progress: Progress): Promise<Result> {
  switch (event.RequestType) {
    case 'Delete':
      try {
        return { physicalId: event.PhysicalResourceId!, reason: await remove(event, budget, signal) };
      } catch (e) {
        // Never block a stack operation on a Delete: leaving the setting is the safe default.
        const reason = `Setting left as it is: ${e instanceof ReasonError ? e.message : errorText(e)}.`;
        console.error(reason);
        return { physicalId: event.PhysicalResourceId!, reason };
      }
    case 'Create':
    case 'Update':
      return apply(event, budget, signal, progress);
    default:
      throw new ReasonError(`Unknown RequestType ${JSON.stringify(event.RequestType)}.`);
  }
}

/** The physical id of a FAILED answer. */
function failedPhysicalId(event: CloudFormationEvent, progress: Progress): string {
  if (event.RequestType !== 'Create') {
    // A failed Update keeps its id (it is then rolled back by another Update, not deleted).
    return event.PhysicalResourceId ?? failedCreatePhysicalId(undefined, event.LogicalResourceId);
  }
  const name = event.ResourceProperties?.SettingName;
  const settingName = typeof name === 'string' && /^[A-Z0-9_]{1,64}$/.test(name) ? name : undefined;
  return failedCreatePhysicalId(settingName, event.LogicalResourceId, progress.wrote ? progress.found ?? '' : undefined);
}

/**
 * The JSON body of a response, at most MAX_RESPONSE_BYTES bytes: the Reason is shortened (by
 * whole characters, measured in bytes of the JSON as sent) when the whole would be larger.
 */
export function responseBody(response: CloudFormationResponse): string {
  const whole = JSON.stringify(response);
  if (Buffer.byteLength(whole) <= MAX_RESPONSE_BYTES) {
    return whole;
  }
  const suffix = ' [truncated: see the function logs]';
  const characters = Array.from(response.Reason);
  const fits = (n: number) => Buffer.byteLength(JSON.stringify({ ...response, Reason: characters.slice(0, n).join('') + suffix })) <= MAX_RESPONSE_BYTES;
  if (!fits(0)) {
    return JSON.stringify({ ...response, Reason: 'Reason too long: see the function logs.', Data: undefined });
  }
  let low = 0;
  let high = characters.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return JSON.stringify({ ...response, Reason: characters.slice(0, low).join('') + suffix });
}

/** A ResponseURL answer that retrying cannot change (a 4xx other than throttling). */
class FinalDeliveryError extends Error {}

/** One PUT of the body to the pre-signed URL (https in AWS, http in local tests); resolves with the HTTP status. */
function putOnce(url: URL, body: string, timeoutMs: number): Promise<number> {
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('close', () => clearTimeout(timer));
    request.on('error', reject);
    request.end(body);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Delivers the answer: retried on network errors, timeouts, 5xx, 408 and 429, with backoff and a
 * per-attempt timeout, until `deliverBy`. A 4xx other than those is final.
 */
async function deliver(responseUrl: string, body: string, deliverBy: number): Promise<void> {
  const url = new URL(responseUrl);
  let last = 'no attempt';
  for (let attempt = 1; ; attempt++) {
    const left = deliverBy - Date.now();
    if (left <= 0) {
      throw new Error(`gave up after ${attempt - 1} attempt(s) at the Lambda's deadline; last: ${last}`);
    }
    try {
      const status = await putOnce(url, body, Math.min(MAX_DELIVERY_ATTEMPT_MS, left));
      if (status >= 200 && status < 300) {
        return;
      }
      last = `HTTP ${status}`;
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        throw new FinalDeliveryError(`the response URL answered HTTP ${status} (not retried)`);
      }
    } catch (e) {
      if (e instanceof FinalDeliveryError) {
        throw e;
      }
      last = errorText(e);
    }
    console.error(`Answer attempt ${attempt} failed (${last}); retrying.`);
    await sleep(Math.min(2000, 200 * 2 ** (attempt - 1), Math.max(0, deliverBy - Date.now())));
  }
}

export async function handler(event: CloudFormationEvent, context: LambdaContext): Promise<void> {
  console.log(JSON.stringify({ ...event, ResponseURL: '(redacted)' }));
  const budget = planBudget(context.getRemainingTimeInMillis());
  // Aborted when the answer is sent: in-flight SDK calls stop and no further call starts.
  const stop = new AbortController();
  const progress: Progress = { wrote: false };

  // The one answer. A second call (the timer while the work's answer is on its way, or the other way
  // round) sends nothing and waits for the first to be delivered: Lambda freezes once the handler returns.
  // Never rejects: an answer that cannot be delivered is logged.
  let answering: Promise<void> | undefined;
  const answer = (status: 'SUCCESS' | 'FAILED', physicalId: string, reason: string, data?: Record<string, string>) => {
    if (!answering) {
      stop.abort();
      const body = responseBody({
        Status: status,
        Reason: reason,
        PhysicalResourceId: physicalId,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
        NoEcho: false,
        Data: data,
      });
      answering = deliver(event.ResponseURL, body, budget.deadline - DELIVERY_SAFETY_MS)
        .catch((e) => console.error(`Could not answer CloudFormation: ${errorText(e)}`));
    }
    return answering;
  };

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, budget.answerBy - Date.now()));
  }).then(() => {
    const reason = 'Timed out waiting for Amazon ECR or SSM. See the function\'s logs';
    // A Delete never fails: the setting is left as it is.
    return event.RequestType === 'Delete'
      ? answer('SUCCESS', event.PhysicalResourceId!, `${reason}; the setting was left as it is.`)
      : answer('FAILED', failedPhysicalId(event, progress), `${reason}, then retry.`);
  });

  const work = (async () => {
    try {
      const refused = refusal(event);
      if (refused) {
        throw new ReasonError(refused);
      }
      const result = await processEvent(event, budget, stop.signal, progress);
      await answer('SUCCESS', result.physicalId, result.reason, result.data);
    } catch (e) {
      const reason = e instanceof ReasonError
        ? e.message
        : `${event.RequestType} failed: ${errorText(e)}. Check the function's role and logs, then retry.`;
      console.error(reason);
      await answer('FAILED', failedPhysicalId(event, progress), reason);
    }
  })();

  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
