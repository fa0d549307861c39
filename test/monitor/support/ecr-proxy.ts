/**
 * A local stand-in for Amazon ECR in front of moto's server: every request goes on to moto unless
 * the test scripted a fault for its operation (an error answer, a delay). moto has no
 * GetAccountSetting (HTTP 500): the proxy answers it from `blobMounting` when that is set, as ECR
 * does. moto returns every repository in one DescribeRepositories page; ECR returns at most
 * `maxResults` (1-1,000): the proxy pages moto's answer the same way, with its own nextToken.
 * Records the operations it received.
 */
import http from 'http';
import { LocalServer } from '../../support/local-server';

export type Fault =
  | { readonly kind: 'error'; readonly status: number; readonly type: string; readonly message?: string }
  | { readonly kind: 'delay'; readonly ms: number };

export const THROTTLED: Fault = { kind: 'error', status: 400, type: 'ThrottlingException', message: 'Rate exceeded' };
export const denied = (operation: string): Fault => ({
  kind: 'error',
  status: 400,
  type: 'AccessDeniedException',
  message: `User: arn:aws:sts::123456789012:assumed-role/monitor/fn is not authorized to perform: ecr:${operation}`,
});

export class EcrProxy extends LocalServer {
  /** Operations received, in order (`DescribeRepositories`, `BatchGetImage`...). */
  public readonly operations: string[] = [];
  /** The BLOB_MOUNTING value GetAccountSetting answers; undefined: forwarded to moto (HTTP 500 there). */
  public blobMounting?: 'ENABLED' | 'DISABLED';
  private readonly faults = new Map<string, Fault[]>();
  private readonly permanent = new Map<string, Fault>();

  constructor(private readonly target: string) {
    super();
  }

  /** The next requests of `operation` behave so, in order; then they go to moto. */
  public script(operation: string, ...faults: Fault[]): void {
    this.faults.set(operation, [...(this.faults.get(operation) ?? []), ...faults]);
  }

  /** Every request of `operation` behaves so, until `reset()`. */
  public always(operation: string, fault: Fault): void {
    this.permanent.set(operation, fault);
  }

  public reset(): void {
    this.faults.clear();
    this.permanent.clear();
    this.operations.length = 0;
    this.blobMounting = undefined;
  }

  protected handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    this.operations.push(operation);
    const fault = this.faults.get(operation)?.shift() ?? this.permanent.get(operation);
    const answer = (status: number, payload: object) => {
      if (!res.destroyed) {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      }
    };
    if (fault?.kind === 'error') {
      answer(fault.status, { __type: fault.type, message: fault.message ?? fault.type });
      return;
    }
    if (operation === 'GetAccountSetting' && this.blobMounting) {
      answer(200, { name: 'BLOB_MOUNTING', value: this.blobMounting });
      return;
    }
    const forward = async () => {
      if (fault?.kind === 'delay') {
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) {
          headers[name] = value;
        }
      }
      const paged = operation === 'DescribeRepositories' ? pageRequest(body) : undefined;
      const response = await fetch(`${this.target}${req.url ?? '/'}`, {
        method: req.method, headers, body: paged ? paged.forwarded : body,
      });
      let text = await response.text();
      if (paged && response.ok) {
        text = pageResponse(text, paged.start, paged.size);
      }
      if (!res.destroyed) {
        res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/x-amz-json-1.1' });
        res.end(text);
      }
    };
    forward().catch((error: Error) => answer(500, { __type: 'ProxyError', message: error.message }));
  }
}

const PROXY_TOKEN = 'proxy-page:';

/** The request as moto gets it (no paging), and the page the client asked for. */
function pageRequest(body: string): { forwarded: string; start: number; size: number } {
  const input = JSON.parse(body || '{}') as { maxResults?: number; nextToken?: string };
  const start = input.nextToken?.startsWith(PROXY_TOKEN) ? Number(input.nextToken.slice(PROXY_TOKEN.length)) : 0;
  const { maxResults, nextToken: _token, ...rest } = input;
  return { forwarded: JSON.stringify(rest), start, size: Math.min(maxResults ?? 100, 1000) };
}

function pageResponse(text: string, start: number, size: number): string {
  const output = JSON.parse(text) as { repositories?: unknown[]; nextToken?: string };
  const all = output.repositories ?? [];
  const page = all.slice(start, start + size);
  const next = start + size < all.length ? `${PROXY_TOKEN}${start + size}` : undefined;
  return JSON.stringify({ repositories: page, ...(next ? { nextToken: next } : {}) });
}
