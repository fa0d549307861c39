/**
 * Local stand-ins, over real HTTP, for what the account-setting handler talks to when it runs in
 * Lambda: Amazon ECR (JSON 1.1, reached through AWS_ENDPOINT_URL_ECR), CloudFormation's
 * ListStackResources (query protocol, through AWS_ENDPOINT_URL_CLOUDFORMATION), and the pre-signed
 * ResponseURL. Each records what it received and can be told to misbehave.
 */
import http from 'http';
import { LocalServer } from '../../support/local-server';

/** How one request is answered. */
export type EcrBehaviour =
  | { readonly kind: 'ok' }
  /** An error answer: HTTP status, `__type` and message. */
  | { readonly kind: 'error'; readonly status: number; readonly type: string; readonly message?: string }
  /** Never answers (the connection stays open until the client gives up). */
  | { readonly kind: 'hang' }
  /** Applies the call at once, answers after `delayMs`. */
  | { readonly kind: 'late'; readonly delayMs: number };

export const THROTTLED: EcrBehaviour = { kind: 'error', status: 400, type: 'ThrottlingException', message: 'Rate exceeded' };
export const SERVER_ERROR: EcrBehaviour = { kind: 'error', status: 500, type: 'ServerException', message: 'Internal error' };
export const HANG: EcrBehaviour = { kind: 'hang' };

/** One call ECR received, as `Get BLOB_MOUNTING` or `Put BLOB_MOUNTING=ENABLED`. */
export interface EcrCall {
  readonly call: string;
  readonly at: number;
}

/**
 * Amazon ECR's GetAccountSetting and PutAccountSetting. `allowedSettings` plays the IAM policy of
 * the function's role (its `ecr:AccountSetting` condition): other names get AccessDeniedException.
 */
export class FakeEcr extends LocalServer {
  public readonly calls: EcrCall[] = [];
  public readonly settings = new Map<string, string>();
  public allowedSettings?: readonly string[];
  private readonly scripts = new Map<string, EcrBehaviour[]>();

  /** The next requests of `operation` ('GetAccountSetting' | 'PutAccountSetting') behave so, in order; then ok. */
  public script(operation: string, ...behaviours: EcrBehaviour[]): void {
    this.scripts.set(operation, [...(this.scripts.get(operation) ?? []), ...behaviours]);
  }

  /** Every request of `operation` behaves so. */
  public always(operation: string, behaviour: EcrBehaviour): void {
    this.script(operation, ...Array.from({ length: 1000 }, () => behaviour));
  }

  protected handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    const input = JSON.parse(body || '{}') as { name?: string; value?: string };
    this.calls.push({ call: operation === 'PutAccountSetting' ? `Put ${input.name}=${input.value}` : `Get ${input.name}`, at: Date.now() });
    const behaviour = this.scripts.get(operation)?.shift() ?? { kind: 'ok' };
    const send = (status: number, payload: object) => {
      if (!res.destroyed) {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      }
    };
    if (this.allowedSettings && !this.allowedSettings.includes(input.name ?? '')) {
      return send(400, { __type: 'AccessDeniedException', message: `not authorized to perform: ecr:${operation} (ecr:AccountSetting ${input.name})` });
    }
    if (behaviour.kind === 'error') {
      return send(behaviour.status, { __type: behaviour.type, message: behaviour.message ?? behaviour.type });
    }
    if (behaviour.kind === 'hang') {
      return;
    }
    if (operation === 'PutAccountSetting') {
      this.settings.set(input.name!, input.value!);
    }
    const payload = { name: input.name, value: this.settings.get(input.name!) };
    if (behaviour.kind === 'late') {
      setTimeout(() => send(200, payload), behaviour.delayMs);
    } else {
      send(200, payload);
    }
  }
}

/** A resource of the stack, as ListStackResources returns it. */
export interface StackResource {
  readonly logicalId: string;
  readonly physicalId: string;
  readonly type: string;
  status: string;
}

/** CloudFormation's ListStackResources (query protocol, XML), from the resources the test keeps. */
export class FakeCloudFormation extends LocalServer {
  public readonly resources: StackResource[] = [];
  public readonly calls: string[] = [];
  /** When set, every call is denied. */
  public denied = false;

  protected handle(_req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const form = new URLSearchParams(body);
    this.calls.push(`${form.get('Action')} ${form.get('StackName')}`);
    res.setHeader('content-type', 'text/xml');
    if (this.denied) {
      res.writeHead(403);
      res.end('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: cloudformation:ListStackResources</Message></Error><RequestId>1</RequestId></ErrorResponse>');
      return;
    }
    const members = this.resources.map((r) => [
      '<member>',
      `<LogicalResourceId>${r.logicalId}</LogicalResourceId>`,
      `<PhysicalResourceId>${escapeXml(r.physicalId)}</PhysicalResourceId>`,
      `<ResourceType>${r.type}</ResourceType>`,
      `<ResourceStatus>${r.status}</ResourceStatus>`,
      '<LastUpdatedTimestamp>2026-11-25T00:00:00Z</LastUpdatedTimestamp>',
      '</member>',
    ].join('')).join('');
    res.writeHead(200);
    res.end(`<ListStackResourcesResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><ListStackResourcesResult><StackResourceSummaries>${members}</StackResourceSummaries></ListStackResourcesResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListStackResourcesResponse>`);
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** How the ResponseURL answers one PUT. */
export type UrlBehaviour =
  | number
  /** Answers `status` after `delayMs`. */
  | { readonly delayMs: number; readonly status: number }
  /** Reads the body, then never answers. */
  | 'never'
  /** Drops the connection without an answer (a network error). */
  | 'reset';

/** One PUT the ResponseURL received. */
export interface Delivery {
  readonly at: number;
  readonly bytes: number;
  readonly body: string;
  /** The status it answered; undefined when it never did. */
  readonly status?: number;
}

/** CloudFormation's pre-signed ResponseURL. */
export class FakeResponseUrl extends LocalServer {
  public readonly deliveries: Delivery[] = [];
  private readonly scripts: UrlBehaviour[] = [];

  /** The next PUTs behave so, in order; then 200. */
  public script(...behaviours: UrlBehaviour[]): void {
    this.scripts.push(...behaviours);
  }

  /** Every PUT behaves so. */
  public always(behaviour: UrlBehaviour): void {
    this.script(...Array.from({ length: 1000 }, () => behaviour));
  }

  /** The PUTs it answered with 2xx. */
  public get accepted(): Delivery[] {
    return this.deliveries.filter((d) => d.status !== undefined && d.status < 300);
  }

  protected handle(_req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const behaviour = this.scripts.shift() ?? 200;
    const record = (status?: number) => this.deliveries.push({ at: Date.now(), bytes: Buffer.byteLength(body), body, status });
    if (behaviour === 'never') {
      record();
      return;
    }
    if (behaviour === 'reset') {
      record();
      res.socket?.destroy();
      return;
    }
    const { delayMs, status } = typeof behaviour === 'number' ? { delayMs: 0, status: behaviour } : behaviour;
    setTimeout(() => {
      if (!res.destroyed && !res.socket?.destroyed) {
        res.writeHead(status);
        res.end();
        record(status);
      } else {
        record();
      }
    }, delayMs);
  }
}
