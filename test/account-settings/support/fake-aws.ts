/**
 * Local stand-ins, over real HTTP, for what the account-setting handler talks to when it runs in
 * Lambda and moto cannot play: Amazon ECR's account settings (JSON 1.1, reached through
 * AWS_ENDPOINT_URL_ECR; moto lacks them), an AWS endpoint that only fails (for SSM faults; SSM itself
 * is moto's), and the pre-signed ResponseURL. Each records what it received and can be told to misbehave.
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
  | { readonly kind: 'late'; readonly delayMs: number }
  /** Waits until `until` resolves, then applies the call and answers (to play an interleaving). */
  | { readonly kind: 'hold'; readonly until: Promise<void> };

export type ErrorBehaviour = Extract<EcrBehaviour, { kind: 'error' }>;

export const THROTTLED: ErrorBehaviour = { kind: 'error', status: 400, type: 'ThrottlingException', message: 'Rate exceeded' };
export const SERVER_ERROR: ErrorBehaviour = { kind: 'error', status: 500, type: 'ServerException', message: 'Internal error' };
export const HANG: EcrBehaviour = { kind: 'hang' };

/** One call ECR received, as `Get BLOB_MOUNTING` or `Put BLOB_MOUNTING=ENABLED`. */
export interface EcrCall {
  readonly call: string;
  readonly at: number;
  /** The caller's access key. */
  readonly caller: string;
}

/**
 * Amazon ECR's GetAccountSetting and PutAccountSetting of one registry. `allowed` plays the IAM
 * policy of each caller's role (its `ecr:AccountSetting` conditions), by the caller's access key:
 * other names get AccessDeniedException.
 */
export class FakeEcr extends LocalServer {
  public readonly calls: EcrCall[] = [];
  public readonly settings = new Map<string, string>();
  /** The settings each access key may read and write; a key not listed may touch every setting. */
  public readonly allowed = new Map<string, readonly string[]>();
  /** Requests of these access keys wait until the promise resolves (to play an interleaving of two stacks). */
  public readonly held = new Map<string, Promise<void>>();
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
    const accessKey = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    this.calls.push({ call: operation === 'PutAccountSetting' ? `Put ${input.name}=${input.value}` : `Get ${input.name}`, at: Date.now(), caller: accessKey });
    const hold = this.held.get(accessKey);
    const behaviour: EcrBehaviour = hold ? { kind: 'hold', until: hold } : this.scripts.get(operation)?.shift() ?? { kind: 'ok' };
    const allowed = this.allowed.get(accessKey);
    const send = (status: number, payload: object) => {
      if (!res.destroyed) {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      }
    };
    if (allowed && !allowed.includes(input.name ?? '')) {
      return send(400, { __type: 'AccessDeniedException', message: `not authorized to perform: ecr:${operation} (ecr:AccountSetting ${input.name})` });
    }
    if (behaviour.kind === 'error') {
      return send(behaviour.status, { __type: behaviour.type, message: behaviour.message ?? behaviour.type });
    }
    if (behaviour.kind === 'hang') {
      return;
    }
    const apply = () => {
      if (operation === 'PutAccountSetting') {
        this.settings.set(input.name!, input.value!);
      }
      return { name: input.name, value: this.settings.get(input.name!) };
    };
    if (behaviour.kind === 'hold') {
      void behaviour.until.then(() => send(200, apply()));
      return;
    }
    const payload = apply();
    if (behaviour.kind === 'late') {
      setTimeout(() => send(200, payload), behaviour.delayMs);
    } else {
      send(200, payload);
    }
  }
}

/** An AWS JSON endpoint whose every request fails so (for SSM faults; moto plays SSM otherwise). */
export class FailingEndpoint extends LocalServer {
  public readonly calls: string[] = [];

  constructor(private readonly behaviour: ErrorBehaviour) {
    super();
  }

  protected handle(req: http.IncomingMessage, _body: string, res: http.ServerResponse): void {
    this.calls.push(String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '');
    res.writeHead(this.behaviour.status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ __type: this.behaviour.type, message: this.behaviour.message ?? this.behaviour.type }));
  }
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
        // Recorded before the answer leaves, so that whatever the handler does on receiving it comes later.
        record(status);
        res.writeHead(status);
        res.end();
      } else {
        record();
      }
    }, delayMs);
  }
}
