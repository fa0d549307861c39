/**
 * The monitor's function AS SHIPPED: the exact inline string of the template's Code.ZipFile, run as
 * Lambda runs it (its own process, the AWS SDK through NODE_PATH only, a real deadline; see
 * test/account-settings/support/lambda-runtime.ts) against moto's ECR server, filled here with
 * registries of known figures. A proxy in front of moto answers GetAccountSetting (moto has none)
 * and injects the faults. The EMF lines the function prints are parsed and every metric checked
 * against figures computed here from the pushed manifests, independently of src/audit/.
 * With CI=true a missing moto fails the run; elsewhere the suite is skipped and says why.
 */
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RegistryMonitor, SharedLayerRegistry } from '../../src';
import { ISLAND_CHECK_INPUT } from '../../src/monitor/contract';
import { REGISTRY_MONITOR_HANDLER_CODE } from '../../src/monitor/handler-code.generated';
import { LambdaTask } from '../account-settings/support/lambda-runtime';
import { buildFixture, FIXTURE_KMS_KEY, FixtureRepository, loadFixture } from '../audit/fixture';
import { Moto, motoUnavailable, startMoto } from '../support/moto';
import { denied, EcrProxy, THROTTLED } from './support/ecr-proxy';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ACCOUNT = '123456789012';
const dummy = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const unavailable = motoUnavailable();
const ci = process.env.CI === 'true';

if (unavailable && ci) {
  test('moto is installed (required with CI=true)', () => {
    expect(unavailable).toBeUndefined();
  });
}
const suite = unavailable ? describe.skip : describe;
const title = unavailable ? `the monitor's inline function against moto (skipped: ${unavailable})` : 'the monitor\'s inline function against moto';

/** One EMF document the function printed. */
interface Emf {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }>;
  };
  readonly [key: string]: unknown;
}

interface Run {
  readonly lines: Emf[];
  /** The metrics of every EMF line, by name (a later line wins). */
  readonly metrics: Record<string, number>;
  readonly output: string;
  readonly returned: boolean;
  readonly killed: boolean;
  readonly returnedBeforeDeadlineMs: number;
}

/** The EMF lines: whole stdout lines of JSON with an `_aws` member, as CloudWatch Logs reads them. */
function parse(output: string): Emf[] {
  return output.split('\n').filter((line) => line.startsWith('{"_aws"')).map((line) => JSON.parse(line) as Emf);
}

test('the inline code requires nothing but the AWS SDK\'s ECR client, which the Lambda runtime provides', () => {
  const required = [...REGISTRY_MONITOR_HANDLER_CODE.matchAll(/\brequire\s*\(([^)]*)\)/g)].map((m) => m[1].trim());

  expect(new Set(required)).toEqual(new Set(['"@aws-sdk/client-ecr"']));
  expect(REGISTRY_MONITOR_HANDLER_CODE).not.toMatch(/^\s*(import|export)\s/m);
});

suite(title, () => {
  let moto: Moto;
  let proxy: EcrProxy;
  let task: LambdaTask;

  const ecr = (region: string) => new ECRClient({ region, endpoint: moto.endpoint, credentials: dummy });

  interface InvokeOptions {
    readonly event?: object;
    readonly timeoutMs?: number;
    readonly island?: { type: string; kmsKey?: string };
    readonly env?: Record<string, string>;
  }

  async function invoke(region: string, options: InvokeOptions = {}): Promise<Run> {
    const island = options.island ?? { type: 'AES256' };
    const invocation = await task.invoke(options.event ?? scheduledEvent(region), {
      timeoutMs: options.timeoutMs ?? 60_000,
      env: {
        AWS_REGION: region,
        AWS_ENDPOINT_URL_ECR: proxy.url,
        // One attempt per call unless a test says otherwise: moto's and the proxy's errors are final.
        AWS_MAX_ATTEMPTS: '1',
        REGISTRY_ID: ACCOUNT,
        ISLAND_ENCRYPTION_TYPE: island.type,
        ...(island.kmsKey ? { ISLAND_KMS_KEY: island.kmsKey } : {}),
        ...options.env,
      },
    });
    const lines = parse(invocation.output);
    const metrics: Record<string, number> = {};
    for (const line of lines) {
      for (const metric of line._aws.CloudWatchMetrics.flatMap((m) => m.Metrics)) {
        metrics[metric.Name] = line[metric.Name] as number;
      }
    }
    return {
      lines,
      metrics,
      output: invocation.output,
      returned: invocation.returnedAt !== undefined,
      killed: invocation.killed,
      returnedBeforeDeadlineMs: invocation.returnedAt === undefined ? -1 : invocation.deadline - invocation.returnedAt,
    };
  }

  beforeAll(async () => {
    moto = await startMoto();
    proxy = new EcrProxy(moto.endpoint);
    await proxy.start();
    task = new LambdaTask(REGISTRY_MONITOR_HANDLER_CODE);
  }, 60_000);
  afterAll(async () => {
    task?.remove();
    await proxy?.stop();
    await moto?.stop();
  });
  afterEach(() => proxy.reset());

  describe('the fixture registry (20 services on 3 base images: 17 AES256, 3 with a KMS key)', () => {
    const region = 'eu-west-1';
    const fixture = buildFixture();
    const expected = expectedFigures(fixture);

    beforeAll(async () => {
      const client = ecr(region);
      await loadFixture(client, fixture);
      client.destroy();
    }, 120_000);

    test('a Scheduled Event publishes every metric, equal to the figures of the pushed manifests', async () => {
      // GIVEN
      proxy.blobMounting = 'ENABLED';

      // WHEN
      const run = await invoke(region);

      // THEN
      expect(run.returned).toBe(true);
      expect(run.lines).toHaveLength(2);
      for (const line of run.lines) {
        expect(line._aws.CloudWatchMetrics).toHaveLength(1);
        expect(line._aws.CloudWatchMetrics[0].Namespace).toBe('EcrSharedLayers');
        expect(line._aws.CloudWatchMetrics[0].Dimensions).toEqual([['RegistryId']]);
        expect(line.RegistryId).toBe(ACCOUNT);
        expect(Math.abs(line._aws.Timestamp - Date.now())).toBeLessThan(120_000);
      }
      expect(run.metrics).toEqual({
        RepositoriesOutsideIsland: 3,
        Islands: 2,
        IslandCheckComplete: 1,
        BytesWithoutSharing: expected.withoutSharing,
        BytesWithSharing: expected.withSharing,
        BytesSavedBySharing: expected.withoutSharing - expected.withSharing,
        BlobMountingEnabled: 1,
        FiguresComplete: 1,
      });
      expect(expected.withoutSharing - expected.withSharing).toBeGreaterThan(0);
      // Figures that are not metrics (no custom-metric charge): properties of the same lines.
      expect(run.lines[0]).toMatchObject({ check: 'island', repositories: 20 });
      expect(run.lines[1]).toMatchObject({ check: 'figures', repositories: 20, images: 120, imagesNotRead: 0 });
      // 120 images: 20 services x 4 tags, and the 2 child manifests of each of the 5 multi-arch services' 4 indexes.
      const units = Object.fromEntries(run.lines.flatMap((l) => l._aws.CloudWatchMetrics[0].Metrics.map((m) => [m.Name, m.Unit])));
      expect(units).toMatchObject({ BytesWithSharing: 'Bytes', RepositoriesOutsideIsland: 'Count', Islands: 'Count' });
      // The repositories outside the island, by name, with their encryption.
      for (const name of ['services/svc-18', 'services/svc-19', 'services/svc-20']) {
        expect(run.output).toContain(`${name} (KMS ${FIXTURE_KMS_KEY})`);
      }
      expect(run.output).toContain('3 repositories outside the registry\'s island (AES256)');
    }, 120_000);

    test('the island is the registry\'s own encryption, not the largest group: a KMS registry has 17 outside', async () => {
      const run = await invoke(region, { event: ISLAND_CHECK_INPUT, island: { type: 'KMS', kmsKey: FIXTURE_KMS_KEY } });

      expect(run.metrics).toEqual({ RepositoriesOutsideIsland: 17, Islands: 2, IslandCheckComplete: 1 });
      expect(run.output).toContain('services/svc-01 (AES256)');
    }, 60_000);

    test('keys are compared as ECR compares them: the same key id in another region is another key', async () => {
      const replica = FIXTURE_KMS_KEY.replace('eu-west-1', 'eu-central-1');

      const run = await invoke(region, { event: ISLAND_CHECK_INPUT, island: { type: 'KMS', kmsKey: replica } });

      expect(run.metrics.RepositoriesOutsideIsland).toBe(20);
    }, 60_000);

    test('the island check lists repositories only: DescribeRepositories, one page, no image read', async () => {
      const run = await invoke(region, { event: ISLAND_CHECK_INPUT });

      expect(run.metrics).toEqual({ RepositoriesOutsideIsland: 3, Islands: 2, IslandCheckComplete: 1 });
      expect(proxy.operations).toEqual(['DescribeRepositories']);
    }, 60_000);

    test('BlobMountingEnabled is 0 when the setting is DISABLED, and absent when it cannot be read (moto has no GetAccountSetting)', async () => {
      proxy.blobMounting = 'DISABLED';
      const disabled = await invoke(region);
      proxy.blobMounting = undefined;
      const unreadable = await invoke(region);

      expect(disabled.metrics.BlobMountingEnabled).toBe(0);
      expect(unreadable.metrics).not.toHaveProperty('BlobMountingEnabled');
      expect(unreadable.metrics).toMatchObject({ FiguresComplete: 1, BytesWithSharing: expected.withSharing });
      expect(unreadable.lines[1].unknown).toEqual(expect.arrayContaining([expect.stringMatching(/^blobMounting: .*HTTP 500/)]));
    }, 120_000);

    test('a throttled call is retried by the SDK: the figures are complete and right', async () => {
      proxy.blobMounting = 'ENABLED';
      proxy.script('DescribeRepositories', THROTTLED, THROTTLED);
      proxy.script('BatchGetImage', THROTTLED);

      const run = await invoke(region, { env: { AWS_MAX_ATTEMPTS: '3' } });

      expect(proxy.operations.filter((o) => o === 'DescribeRepositories').length).toBeGreaterThanOrEqual(3);
      expect(run.metrics).toMatchObject({ RepositoriesOutsideIsland: 3, FiguresComplete: 1, BytesWithSharing: expected.withSharing });
    }, 120_000);

    test('throttled past the retries: the check says incomplete and publishes no count', async () => {
      proxy.always('DescribeRepositories', THROTTLED);

      const run = await invoke(region, { event: ISLAND_CHECK_INPUT, env: { AWS_MAX_ATTEMPTS: '2' } });

      expect(run.returned).toBe(true);
      expect(run.metrics).toEqual({ IslandCheckComplete: 0 });
      expect(run.lines[0].reason).toMatch(/^ThrottlingException: Rate exceeded/);
      expect(run.output).toContain('Island check incomplete');
    }, 60_000);

    const island = { RepositoriesOutsideIsland: 3, Islands: 2, IslandCheckComplete: 1 };
    const bytes = {
      BytesWithoutSharing: expected.withoutSharing,
      BytesWithSharing: expected.withSharing,
      BytesSavedBySharing: expected.withoutSharing - expected.withSharing,
    };
    test.each<[string, Record<string, number>]>([
      ['DescribeRepositories', { IslandCheckComplete: 0, BlobMountingEnabled: 1, FiguresComplete: 0 }],
      ['DescribeImages', { ...island, BlobMountingEnabled: 1, FiguresComplete: 0 }],
      ['BatchGetImage', { ...island, BlobMountingEnabled: 1, FiguresComplete: 0 }],
      ['GetAccountSetting', { ...island, ...bytes, FiguresComplete: 1 }],
      ...['DescribeRegistry', 'DescribePullThroughCacheRules', 'DescribeRepositoryCreationTemplates']
        .map((operation): [string, Record<string, number>] => [operation, { ...island, ...bytes, BlobMountingEnabled: 1, FiguresComplete: 1 }]),
    ])('AccessDenied on %s: publishes what it knows, never a wrong total', async (operation, metrics) => {
      proxy.blobMounting = 'ENABLED';
      proxy.always(operation, denied(operation));

      const run = await invoke(region);

      expect(run.returned).toBe(true);
      expect(run.metrics).toEqual(metrics);
      expect(run.output).toContain(`AccessDeniedException: User: arn:aws:sts::${ACCOUNT}:assumed-role/monitor/fn is not authorized to perform: ecr:${operation}`);
    }, 120_000);

    test('the deadline reached mid-read: the island check is published, the figures are marked incomplete, and the function returns in time', async () => {
      proxy.blobMounting = 'ENABLED';
      // Each DescribeImages takes 2 s: 20 repositories, 8 at once, cannot be read in a 4 s run.
      proxy.always('DescribeImages', { kind: 'delay', ms: 2_000 });

      const run = await invoke(region, { timeoutMs: 4_000 });

      expect(run.killed).toBe(false);
      expect(run.returned).toBe(true);
      expect(run.returnedBeforeDeadlineMs).toBeGreaterThan(0);
      expect(run.metrics).toMatchObject({ RepositoriesOutsideIsland: 3, Islands: 2, IslandCheckComplete: 1, FiguresComplete: 0 });
      expect(Object.keys(run.metrics).filter((name) => name.startsWith('Bytes'))).toEqual([]);
      // Stopped by the clock (the read's next call, or the timer, whichever came first), and said so.
      expect(JSON.stringify(run.lines[1])).toContain('the function\'s time ran out before the read finished');
    }, 60_000);
  });

  test('as the maintainers check it: every monitor function of a synthesized stack, invoked with a Scheduled Event, prints the known figures', async () => {
    // GIVEN an AES256 registry of account 123456789012 in us-east-1 with a RegistryMonitor, synthesized
    const region = 'us-east-1';
    const stack = new Stack(new App(), 'Registry', { env: { account: ACCOUNT, region } });
    new RegistryMonitor(stack, 'Monitor', { registry: new SharedLayerRegistry(stack, 'Registry') });
    const template = Template.fromStack(stack);
    type FunctionResource = { Properties: { Code: { ZipFile?: string }; Environment?: { Variables?: Record<string, string> } } };
    const functions = Object.values(template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>)
      .filter((f) => f.Properties.Environment?.Variables?.ISLAND_ENCRYPTION_TYPE);
    expect(functions).toHaveLength(1);
    // AND a moto registry of known figures
    const fixture = buildFixture(7);
    const expected = expectedFigures(fixture);
    const client = ecr(region);
    await loadFixture(client, fixture);
    client.destroy();

    for (const fn of functions) {
      // WHEN the template's own code and environment run
      const shipped = new LambdaTask(fn.Properties.Code.ZipFile!);
      try {
        const invocation = await shipped.invoke(scheduledEvent(region), {
          timeoutMs: 60_000,
          env: { AWS_REGION: region, AWS_ENDPOINT_URL_ECR: moto.endpoint, AWS_MAX_ATTEMPTS: '1', ...fn.Properties.Environment!.Variables },
        });

        // THEN
        const metrics = Object.assign({}, ...parse(invocation.output).map((line) => Object.fromEntries(
          line._aws.CloudWatchMetrics[0].Metrics.map((m) => [m.Name, line[m.Name]]))));
        expect(metrics).toEqual({
          RepositoriesOutsideIsland: 3,
          Islands: 2,
          IslandCheckComplete: 1,
          BytesWithoutSharing: expected.withoutSharing,
          BytesWithSharing: expected.withSharing,
          BytesSavedBySharing: expected.withoutSharing - expected.withSharing,
          FiguresComplete: 1,
        });
      } finally {
        shipped.remove();
      }
    }
  }, 180_000);

  test('an empty registry: zero everywhere, complete', async () => {
    proxy.blobMounting = 'ENABLED';

    const run = await invoke('ap-south-1');

    expect(run.metrics).toEqual({
      RepositoriesOutsideIsland: 0,
      Islands: 0,
      IslandCheckComplete: 1,
      BytesWithoutSharing: 0,
      BytesWithSharing: 0,
      BytesSavedBySharing: 0,
      BlobMountingEnabled: 1,
      FiguresComplete: 1,
    });
  }, 60_000);

  test('more than 1,000 repositories: every page is read (DescribeRepositories returns at most 1,000)', async () => {
    // GIVEN 1,001 AES256 repositories and 2 outside the island
    const region = 'eu-central-1';
    const client = ecr(region);
    const names = Array.from({ length: 1_001 }, (_, i) => `fleet/app-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((repositoryName) => client.send(new CreateRepositoryCommand({ repositoryName }))));
    }
    await client.send(new CreateRepositoryCommand({ repositoryName: 'zz/kms-a', encryptionConfiguration: { encryptionType: 'KMS' } }));
    await client.send(new CreateRepositoryCommand({ repositoryName: 'zz/kms-b', encryptionConfiguration: { encryptionType: 'KMS', kmsKey: FIXTURE_KMS_KEY.replace('eu-west-1', region) } }));
    client.destroy();

    // WHEN
    const run = await invoke(region, { event: ISLAND_CHECK_INPUT });

    // THEN
    expect(run.metrics).toEqual({ RepositoriesOutsideIsland: 2, Islands: 3, IslandCheckComplete: 1 });
    expect(run.lines[0].repositories).toBe(1_003);
    expect(proxy.operations).toEqual(['DescribeRepositories', 'DescribeRepositories']);
    expect(run.output).toMatch(/zz\/kms-a \(KMS arn:aws:kms:eu-central-1:123456789012:key\/[-0-9a-f]+\)/);
  }, 180_000);

  test('a repository created between two runs is counted and named by the next run', async () => {
    // GIVEN a registry in its island
    const region = 'us-west-2';
    const client = ecr(region);
    await client.send(new CreateRepositoryCommand({ repositoryName: 'team/api' }));
    const first = await invoke(region, { event: ISLAND_CHECK_INPUT });

    // WHEN someone creates a repository with another key, outside CDK
    await client.send(new CreateRepositoryCommand({ repositoryName: 'team/console-made', encryptionConfiguration: { encryptionType: 'KMS' } }));
    await client.send(new PutImageCommand({ repositoryName: 'team/console-made', imageTag: 'v1', imageManifest: JSON.stringify(minimalManifest()) }));
    client.destroy();
    const second = await invoke(region, { event: ISLAND_CHECK_INPUT });

    // THEN
    expect(first.metrics).toEqual({ RepositoriesOutsideIsland: 0, Islands: 1, IslandCheckComplete: 1 });
    expect(first.output).not.toContain('outside the registry\'s island');
    expect(second.metrics).toEqual({ RepositoriesOutsideIsland: 1, Islands: 2, IslandCheckComplete: 1 });
    expect(second.output).toMatch(/team\/console-made \(KMS arn:aws:kms:us-west-2:123456789012:key\/[-0-9a-f]+\)/);

    // AND with the AWS managed key aws/ecr as the island (RegistryEncryption.kms()), the type decides:
    // ECR names the managed key by its ARN, which the registry's template does not know.
    const managed = await invoke(region, { event: ISLAND_CHECK_INPUT, island: { type: 'KMS' } });
    expect(managed.metrics).toMatchObject({ RepositoriesOutsideIsland: 1 });
    expect(managed.output).toContain('team/api (AES256)');
  }, 60_000);
});

function scheduledEvent(region: string): object {
  return {
    'version': '0',
    'id': '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    'source': 'aws.events',
    'account': ACCOUNT,
    'time': new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region,
    'resources': [`arn:aws:events:${region}:${ACCOUNT}:rule/monitor-figures`],
    'detail': {},
  };
}

function minimalManifest(): object {
  return {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 100, digest: `sha256:${'1'.repeat(64)}` },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 1000, digest: `sha256:${'2'.repeat(64)}` }],
  };
}

/** The figures, computed here from the fixture's own manifests (not by src/audit/). */
function expectedFigures(fixture: readonly FixtureRepository[]): { withoutSharing: number; withSharing: number } {
  const blobsOf = (repo: FixtureRepository) => {
    const blobs = new Map<string, number>();
    for (const image of repo.images) {
      for (const text of image.children.length > 0 ? image.children : [image.manifest]) {
        const m = JSON.parse(text) as { config: { digest: string; size: number }; layers: Array<{ digest: string; size: number }> };
        [m.config, ...m.layers].forEach((b) => blobs.set(b.digest, b.size));
      }
    }
    return blobs;
  };
  const sum = (maps: Array<Map<string, number>>) => {
    const all = new Map<string, number>();
    maps.forEach((m) => m.forEach((size, digest) => all.set(digest, size)));
    return [...all.values()].reduce((a, b) => a + b, 0);
  };
  const byIsland = new Map<string, Array<Map<string, number>>>();
  let withoutSharing = 0;
  for (const repo of fixture) {
    const blobs = blobsOf(repo);
    withoutSharing += sum([blobs]);
    const key = repo.encryption.type === 'KMS' ? repo.encryption.kmsKey : 'AES256';
    byIsland.set(key, [...(byIsland.get(key) ?? []), blobs]);
  }
  const withSharing = [...byIsland.values()].reduce((total, maps) => total + sum(maps), 0);
  return { withoutSharing, withSharing };
}
