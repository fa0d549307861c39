/* eslint-disable no-console */
/**
 * Custom resource handler for `Custom::EcrAccountSetting`.
 *
 * Runs as INLINE Lambda code (CloudFormation writes it to index.js, CommonJS), so it answers
 * CloudFormation itself over the pre-signed ResponseURL: no cfn-response module, no provider
 * framework, no file asset. It must always answer: success, error, bad properties, and a timer
 * that sends FAILED shortly before the Lambda itself times out.
 */
import { request as httpRequest } from 'http';
import { request as httpsRequest } from 'https';
import { ECRClient, GetAccountSettingCommand, PutAccountSettingCommand } from '@aws-sdk/client-ecr';

/** The version of the resource properties this handler understands. */
const PROPERTIES_VERSION = '1';

/** What the handler does with the setting when the resource is deleted. */
export type OnDelete = 'RETAIN' | 'RESET';

/** The resource properties, as written by the `EcrAccountSetting` construct (all strings). */
export interface AccountSettingProperties {
  readonly SettingName: string;
  readonly SettingValue: string;
  readonly OnDelete: OnDelete;
  /** The value a Delete writes when OnDelete is RESET. */
  readonly ResetValue?: string;
  readonly PropertiesVersion: string;
}

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

/** Milliseconds before the Lambda timeout at which the timer answers FAILED. */
const TIMEOUT_MARGIN_MS = 3000;

/** Physical id marker of a Create that failed: the Delete that follows it must do nothing. */
const CREATE_FAILED_SUFFIX = ':create-failed';

const ecr = new ECRClient({
  // Throttling and 5xx (ServerException) are retried by the SDK's standard retry strategy.
  maxAttempts: 5,
  retryMode: 'standard',
});

/** The physical id: stable per setting name, never containing the value. */
function physicalIdFor(settingName: string): string {
  return `EcrAccountSetting:${settingName}`;
}

class PropertiesError extends Error {}

/** The setting as the handler uses it, read from the resource properties. */
interface Setting {
  readonly name: string;
  readonly value: string;
  /** The value a Delete writes; undefined = leave the setting (RETAIN). */
  readonly resetTo?: string;
}

/** Reads and checks the properties written by the construct; throws a PropertiesError saying what to do. */
function parseProperties(props: Record<string, unknown> = {}): Setting {
  const { PropertiesVersion: version, SettingName: name, SettingValue: value, OnDelete: onDelete, ResetValue: resetTo } = props;
  if (version !== PROPERTIES_VERSION) {
    throw new PropertiesError(
      `Unsupported PropertiesVersion ${JSON.stringify(version)} (expected "${PROPERTIES_VERSION}"): the event was written by another version of cdk-ecr-shared-layers. Deploy the stack with the current version.`,
    );
  }
  if (!name || !value || typeof name !== 'string' || typeof value !== 'string') {
    throw new PropertiesError('SettingName and SettingValue must be non-empty strings. Define the setting with the EcrAccountSetting construct.');
  }
  if (onDelete === 'RETAIN') {
    return { name, value };
  }
  if (onDelete === 'RESET' && resetTo && typeof resetTo === 'string') {
    return { name, value, resetTo };
  }
  throw new PropertiesError(`OnDelete must be "RETAIN", or "RESET" with a ResetValue; got ${JSON.stringify(onDelete)}.`);
}

async function getSetting(name: string): Promise<string | undefined> {
  return (await ecr.send(new GetAccountSettingCommand({ name }))).value;
}

/** Writes `value` unless the setting already has it; returns the value it had. */
async function ensureSetting(name: string, value: string): Promise<string | undefined> {
  const previous = await getSetting(name);
  console.log(`${name}: ${previous} -> ${value}`);
  if (previous !== value) {
    await ecr.send(new PutAccountSettingCommand({ name, value }));
  }
  return previous;
}

/** Delete: RETAIN leaves the setting; RESET writes the off value best-effort and never fails. */
async function remove(event: CloudFormationEvent): Promise<string> {
  if (event.PhysicalResourceId?.endsWith(CREATE_FAILED_SUFFIX)) {
    return 'Nothing to delete: the Create failed.';
  }
  let setting: Setting;
  try {
    setting = parseProperties(event.ResourceProperties);
  } catch (e) {
    // Never block a stack deletion: leaving the setting is the safe default.
    return `Setting left as it is: ${(e as Error).message}`;
  }
  const { name, resetTo } = setting;
  if (!resetTo) {
    return `${name} left as it is (RETAIN).`;
  }
  try {
    await ensureSetting(name, resetTo);
    return `${name} reset to ${resetTo}.`;
  } catch (e) {
    const message = `Could not reset ${name} to ${resetTo} (${errorText(e)}); left as it is.`;
    console.error(message);
    return message;
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
  }
  return String(e);
}

/** Sends the response to CloudFormation's pre-signed URL (https in AWS, http in local tests). */
function sendResponse(responseUrl: string, response: CloudFormationResponse): Promise<void> {
  const body = JSON.stringify(response);
  const url = new URL(responseUrl);
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== undefined && res.statusCode >= 300) {
          reject(new Error(`CloudFormation response URL answered HTTP ${res.statusCode}`));
        } else {
          resolve();
        }
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function processEvent(event: CloudFormationEvent): Promise<{ physicalId: string; reason: string; data?: Record<string, string> }> {
  if (event.RequestType === 'Delete') {
    return { physicalId: event.PhysicalResourceId!, reason: await remove(event) };
  }
  if (event.RequestType !== 'Create' && event.RequestType !== 'Update') {
    throw new PropertiesError(`Unknown RequestType ${JSON.stringify(event.RequestType)}.`);
  }
  const { name, value } = parseProperties(event.ResourceProperties);
  const previous = await ensureSetting(name, value);
  return { physicalId: physicalIdFor(name), reason: `${name} is ${value}.`, data: { PreviousValue: previous ?? '', Value: value } };
}

function failedPhysicalId(event: CloudFormationEvent): string {
  if (event.RequestType === 'Create') {
    return `${event.LogicalResourceId}${CREATE_FAILED_SUFFIX}`;
  }
  // A failed Update or Delete keeps the id it had (an Update is then rolled back, not deleted).
  return event.PhysicalResourceId ?? `${event.LogicalResourceId}${CREATE_FAILED_SUFFIX}`;
}

export async function handler(event: CloudFormationEvent, context: LambdaContext): Promise<void> {
  console.log(JSON.stringify({ ...event, ResponseURL: '(redacted)' }));
  // The one answer. A second call (the timer while the work's answer is on its way, or the other way
  // round) sends nothing and waits for the first to be delivered: Lambda freezes once the handler returns.
  // Never rejects: an answer that cannot be delivered is logged.
  let answering: Promise<void> | undefined;
  const answer = (status: 'SUCCESS' | 'FAILED', physicalId: string, reason: string, data?: Record<string, string>) =>
    answering ??= sendResponse(event.ResponseURL, {
      Status: status,
      Reason: reason.slice(0, 3000),
      PhysicalResourceId: physicalId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      NoEcho: false,
      Data: data,
    }).catch((e) => console.error(`Could not answer CloudFormation: ${errorText(e)}`));

  let timer: NodeJS.Timeout | undefined;
  const wait = Math.max(0, context.getRemainingTimeInMillis() - TIMEOUT_MARGIN_MS);
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, wait);
  }).then(() => {
    const reason = `Timed out after ${wait} ms waiting for Amazon ECR. See the function's logs`;
    // A Delete never fails: the setting is left as it is.
    return event.RequestType === 'Delete'
      ? answer('SUCCESS', event.PhysicalResourceId!, `${reason}; the setting was left as it is.`)
      : answer('FAILED', failedPhysicalId(event), `${reason}, then retry.`);
  });

  const work = (async () => {
    try {
      const result = await processEvent(event);
      await answer('SUCCESS', result.physicalId, result.reason, result.data);
    } catch (e) {
      const reason = e instanceof PropertiesError
        ? e.message
        : `${event.RequestType} failed: ${errorText(e)}. Check the function's role and logs, then retry.`;
      console.error(reason);
      await answer('FAILED', failedPhysicalId(event), reason);
    }
  })();

  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
