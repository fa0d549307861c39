/**
 * A local HTTP server on a free loopback port that reads each request's body and hands it to
 * `handle`: the base of the tests' stand-ins for AWS endpoints and CloudFormation's ResponseURL.
 */
import http from 'http';
import { AddressInfo } from 'net';

export abstract class LocalServer {
  private server?: http.Server;
  private base = '';

  /** `http://127.0.0.1:<port>`, once started. */
  public get url(): string {
    return this.base;
  }

  public async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => { body += chunk; });
      req.on('end', () => this.handle(req, body, res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    const server = this.server!;
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  }

  protected abstract handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void;
}
