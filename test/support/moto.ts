/**
 * moto's server (an AWS API emulator, Python) on a free loopback port, for the audit's
 * integration tests and the fixture task. `startMoto()` resolves once the server answers.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { createServer } from 'net';

export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Why moto cannot run here, or undefined when it can. */
export function motoUnavailable(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import moto.server, flask'], { encoding: 'utf8' });
  if (probe.error) {
    return `python3 is not installed (${probe.error.message})`;
  }
  if (probe.status !== 0) {
    return `python3 cannot import moto's server: ${probe.stderr.trim().split('\n').pop()} (pip install 'moto[server]')`;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk) => { log = (log + String(chunk)).slice(-4000); });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`moto exited with ${child.exitCode}: ${log}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok || response.status < 500) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`moto did not answer on ${endpoint} within 30 s: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
