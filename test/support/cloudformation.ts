/**
 * Test support for the account-setting handler: a local stand-in for CloudFormation's pre-signed
 * response URL, the events CloudFormation sends, and the bundled inline code loaded the way Lambda
 * loads index.js. Used by the handler tests and by the benchmark.
 */
import http from 'http';
import { LocalServer } from './local-server';
import type { CloudFormationEvent, CloudFormationResponse, LambdaContext } from '../../src/account-settings/handler';

export type Handler = (event: CloudFormationEvent, context: LambdaContext) => Promise<void>;

export const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Baseline/2f3c4d5e-0000-1111-2222-333344445555';
export const REQUEST_ID = 'a1b2c3d4-5678-90ab-cdef-1234567890ab';
export const LOGICAL_ID = 'BlobMounting1A2B3C4D';
/** The physical id of BLOB_MOUNTING created where it was DISABLED. */
export const PHYSICAL_ID = 'EcrAccountSetting:BLOB_MOUNTING:found=DISABLED';
export const SERVICE_TOKEN = 'arn:aws:lambda:eu-west-1:123456789012:function:Baseline-EcrAccountSettingProvider';
/** The properties EcrAccountSetting writes for BLOB_MOUNTING = ENABLED, RemovalPolicy.RETAIN. */
export const RETAIN_PROPS = {
  ServiceToken: SERVICE_TOKEN,
  SettingName: 'BLOB_MOUNTING',
  SettingValue: 'ENABLED',
  OnDelete: 'RETAIN',
  PropertiesVersion: '1',
};
/** The same with RemovalPolicy.DESTROY. */
export const RESET_PROPS = { ...RETAIN_PROPS, OnDelete: 'RESET', ResetValue: 'DISABLED' };
/** The fields every response echoes from the event. */
export const ECHOED = { StackId: STACK_ID, RequestId: REQUEST_ID, LogicalResourceId: LOGICAL_ID, NoEcho: false };
/** Plenty of time: the timer never fires in the tests that do not test it. */
export const CONTEXT: LambdaContext = { getRemainingTimeInMillis: () => 300_000 };
/** The timer fires after 3100 - 3000 = 100 ms. */
export const SHORT_CONTEXT: LambdaContext = { getRemainingTimeInMillis: () => 3100 };

/** One request the response URL received. */
export interface ReceivedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly contentType?: string;
  readonly body: CloudFormationResponse;
}

/** A local HTTP server standing in for CloudFormation's pre-signed response URL: records every request. */
export class ResponseServer extends LocalServer {
  public readonly received: ReceivedRequest[] = [];
  /** The HTTP status the response URL answers. */
  public status = 200;
  /** How long it takes to answer. */
  public delayMs = 0;
  /** When it finished answering the last request (Date.now()). */
  public answeredAt: number | undefined;

  protected handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    this.received.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], body: JSON.parse(body) });
    setTimeout(() => {
      res.writeHead(this.status);
      res.end();
      this.answeredAt = Date.now();
    }, this.delayMs);
  }

  /** Forgets what it received and answers 200 at once again. */
  public reset(): void {
    this.received.length = 0;
    this.status = 200;
    this.delayMs = 0;
    this.answeredAt = undefined;
  }

  /** The pre-signed URL of a request, as CloudFormation would give it. */
  public responseUrl(): string {
    return `${this.url}${RESPONSE_PATH}`;
  }

  // ---- the events CloudFormation sends, answering to this server ----

  public createEvent(props: Record<string, unknown> = RETAIN_PROPS): CloudFormationEvent {
    return {
      RequestType: 'Create',
      ResponseURL: this.responseUrl(),
      StackId: STACK_ID,
      RequestId: REQUEST_ID,
      LogicalResourceId: LOGICAL_ID,
      ResourceType: 'Custom::EcrAccountSetting',
      ResourceProperties: props,
    };
  }

  public updateEvent(props: Record<string, unknown>, oldProps: Record<string, unknown>, physicalId = PHYSICAL_ID): CloudFormationEvent {
    return { ...this.createEvent(props), RequestType: 'Update', PhysicalResourceId: physicalId, OldResourceProperties: oldProps };
  }

  public deleteEvent(props: Record<string, unknown>, physicalId = PHYSICAL_ID): CloudFormationEvent {
    return { ...this.createEvent(props), RequestType: 'Delete', PhysicalResourceId: physicalId };
  }
}

/** The path and query of the pre-signed response URL. */
export const RESPONSE_PATH = `/cloudformation-response/${REQUEST_ID}?X-Amz-Signature=secret-signature`;

/**
 * Evaluates inline handler code as Lambda's index.js (CommonJS), with the given `require`, so that
 * its `require('@aws-sdk/client-ecr')` gets the caller's (mocked) client.
 */
export function loadInlineHandler(code: string, requireFn: NodeRequire): Handler {
  const module: { exports: { handler?: Handler } } = { exports: {} };
  const evaluate = new Function('exports', 'require', 'module', '__filename', '__dirname', code);
  evaluate(module.exports, requireFn, module, '/var/task/index.js', '/var/task');
  if (typeof module.exports.handler !== 'function') {
    throw new Error('The inline code does not export a handler function');
  }
  return module.exports.handler;
}
