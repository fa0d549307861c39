/**
 * Runs the inline handler code as AWS Lambda runs it: the exact `Code.ZipFile` string written to
 * `index.js` in a task directory, loaded as CommonJS by its own Node.js process
 * (lambda-bootstrap.js), with a real `getRemainingTimeInMillis`, killed at the function's timeout,
 * and the AWS SDK found through NODE_PATH as the runtime provides it. AWS is reached over real HTTP
 * through the SDK's service endpoint variables.
 */
import { spawn } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** Which AWS SDK the simulated runtime provides. */
export type RuntimeSdk = 'runtime' | 'missing' | 'old';

/** The version the 'old' runtime's stand-in for @aws-sdk/client-ecr claims: before GetAccountSettingCommand. */
export const OLD_CLIENT_ECR_VERSION = '3.600.0';

const PROJECT_MODULES = join(__dirname, '..', '..', '..', 'node_modules');
const BOOTSTRAP = join(__dirname, 'lambda-bootstrap.js');

export interface Invocation {
  /** When the process started the handler (Date.now() scale). */
  readonly startedAt: number;
  /** The Lambda's deadline. */
  readonly deadline: number;
  /** When the handler returned; undefined when it was killed at the deadline or threw. */
  readonly returnedAt?: number;
  readonly killed: boolean;
  /** What the process printed (the handler's logs). */
  readonly output: string;
}

/** A task directory with index.js and the module folders the runtimes need; remove() deletes it all. */
export class LambdaTask {
  private readonly dir: string;

  constructor(code: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'ecr-account-setting-lambda-'));
    mkdirSync(join(this.dir, 'task'));
    writeFileSync(join(this.dir, 'task', 'index.js'), code);
    // An SDK from before GetAccountSettingCommand: ECRClient and other commands, not the account-setting ones.
    const old = join(this.dir, 'old-runtime', '@aws-sdk', 'client-ecr');
    mkdirSync(old, { recursive: true });
    writeFileSync(join(old, 'package.json'), JSON.stringify({ name: '@aws-sdk/client-ecr', version: OLD_CLIENT_ECR_VERSION, main: 'index.js' }));
    writeFileSync(join(old, 'index.js'), [
      'class ECRClient { send() { return Promise.reject(new Error("not used")); } }',
      'class DescribeRepositoriesCommand {}',
      'module.exports = { ECRClient, DescribeRepositoriesCommand };',
    ].join('\n'));
    mkdirSync(join(this.dir, 'empty-runtime'));
  }

  /** Invokes the handler with `event`; resolves when the process ended. */
  public invoke(event: object, options: { timeoutMs: number; sdk?: RuntimeSdk; env: Record<string, string> }): Promise<Invocation> {
    const nodePath = {
      runtime: PROJECT_MODULES,
      missing: join(this.dir, 'empty-runtime'),
      old: [join(this.dir, 'old-runtime'), PROJECT_MODULES].join(':'),
    }[options.sdk ?? 'runtime'];
    const child = spawn(process.execPath, [BOOTSTRAP, join(this.dir, 'task'), String(options.timeoutMs)], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_PATH: nodePath,
        LAMBDA_EVENT: JSON.stringify(event),
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'local-test-key',
        AWS_SECRET_ACCESS_KEY: 'local-test-secret',
        AWS_EC2_METADATA_DISABLED: 'true',
        // The SDK's notice that Node.js 20 support ends: the runtime here is the test machine's Node.js.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
    // A backstop: the bootstrap kills itself at the deadline.
    const backstop = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs + 10_000);
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(backstop);
        const mark = (name: string) => {
          const match = new RegExp(`@@${name} (\\d+)`).exec(output);
          return match ? Number(match[1]) : undefined;
        };
        const startedAt = mark('START');
        if (startedAt === undefined) {
          reject(new Error(`The Lambda process did not start:\n${output}`));
          return;
        }
        resolve({
          startedAt,
          deadline: startedAt + options.timeoutMs,
          returnedAt: mark('RETURNED'),
          killed: mark('KILLED') !== undefined,
          output,
        });
      });
    });
  }

  public remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
