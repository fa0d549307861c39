/**
 * The audit's benchmark (not a test): `npx projen bench:audit` writes bench/AUDIT-RESULTS.md.
 * Every AWS call goes to a stubbed ECR / STS client (aws-sdk-client-mock) that waits a fixed
 * latency before answering, so call counts and wall times are the audit's own.
 *
 *   1. API calls per registry against the floor (pages of describe calls + one BatchGetImage per 100 images).
 *   2. Memory: heap after reading, against images and against distinct blobs.
 *   3. Wall time, 1,000 repositories x 100 images, against the naive loop a user would script.
 *   4. A simulated fleet of 500 accounts x 17 regions.
 *   5. One registry of 2,000 repositories, 50 ms a call, at several --concurrency values.
 */
import { spawnSync } from 'child_process';
import { writeFileSync } from 'fs';
import * as os from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';
import {
  BatchGetImageCommand, DescribeImagesCommand, DescribePullThroughCacheRulesCommand, DescribeRegistryCommand,
  DescribeRepositoriesCommand, DescribeRepositoryCreationTemplatesCommand, ECRClient, GetAccountSettingCommand,
} from '@aws-sdk/client-ecr';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { audit, DEFAULT_CONCURRENCY } from '../src/audit';
import { limiter } from '../src/audit/limit';
import { readRegistry } from '../src/audit/read';

const QUICK = process.argv.includes('--quick');
const LATENCY_MS = 10;
const ecr = mockClient(ECRClient);
const sts = mockClient(STSClient);
let calls = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Shape {
  repositories: number;
  imagesPerRepository: number;
  /** Image variants (a config and 5 layers each) shared by every repository: 6 x this many shared blobs. */
  sharedBlobs: number;
  /** Blobs of its own per image (0 = images differ only by tag). */
  ownBlobsPerImage: number;
  latency: number;
}

const digest = (text: string) => `sha256:${text.padStart(64, '0')}`;

type Handler = (input: any) => Promise<unknown>;

/** An ECRClient whose `send` answers from the handlers (no recorded history: for the memory figures). */
function fakeClient(shape: Shape): ECRClient {
  const handlers = new Map<unknown, Handler>();
  stub(shape, (command, handler) => handlers.set(command, handler));
  const client = new ECRClient({ region: 'eu-west-1' });
  (client as { send: unknown }).send = (command: { constructor: unknown; input: unknown }) => handlers.get(command.constructor)!(command.input);
  return client;
}

function mocked(shape: Shape) {
  ecr.reset();
  stub(shape, (command, handler) => ecr.on(command as typeof GetAccountSettingCommand).callsFake(handler));
}

function stub(shape: Shape, on: (command: unknown, handler: Handler) => void) {
  calls = 0;
  const answer = async <T>(value: T): Promise<T> => {
    calls++;
    if (shape.latency > 0) {
      await sleep(shape.latency);
    }
    return value;
  };
  on(GetAccountSettingCommand, () => answer({ name: 'BLOB_MOUNTING', value: 'ENABLED' }));
  on(DescribeRegistryCommand, () => answer({ registryId: '111111111111' }));
  on(DescribePullThroughCacheRulesCommand, () => answer({ pullThroughCacheRules: [] }));
  on(DescribeRepositoryCreationTemplatesCommand, () => answer({ repositoryCreationTemplates: [] }));
  on(DescribeRepositoriesCommand, (input: { nextToken?: string; maxResults?: number }) => {
    const start = Number(input.nextToken ?? 0);
    const end = Math.min(shape.repositories, start + (input.maxResults ?? 100));
    const repositories = Array.from({ length: end - start }, (_, i) => ({ repositoryName: `repo-${start + i}` }));
    return answer({ repositories, nextToken: end < shape.repositories ? String(end) : undefined });
  });
  on(DescribeImagesCommand, (input: { repositoryName: string; nextToken?: string; maxResults?: number; imageIds?: unknown[] }) => {
    if (input.imageIds) {
      return answer({ imageDetails: [{ imageDigest: digest('x') }] });
    }
    const start = Number(input.nextToken ?? 0);
    const end = Math.min(shape.imagesPerRepository, start + (input.maxResults ?? 100));
    const imageDetails = Array.from({ length: end - start }, (_, i) => ({ imageDigest: digest(`${input.repositoryName}-${start + i}`) }));
    return answer({ imageDetails, nextToken: end < shape.imagesPerRepository ? String(end) : undefined });
  });
  on(BatchGetImageCommand, (input: { imageIds: Array<{ imageDigest: string }> }) => answer({
    images: input.imageIds.map((id) => {
      // Image i of a repository is variant i % sharedBlobs: its config and 5 layers are that variant's,
      // shared by every repository (a base image and its versions), whatever the number of images.
      const n = Number(id.imageDigest.split('-').pop()) % shape.sharedBlobs;
      const layers = Array.from({ length: 5 }, (_, l) => ({ digest: digest(`base${n * 5 + l}`), size: 10_000_000 + l }));
      for (let o = 0; o < shape.ownBlobsPerImage; o++) {
        layers.push({ digest: digest(`own-${id.imageDigest.slice(7)}-${o}`), size: 1000 });
      }
      return { imageId: id, imageManifest: JSON.stringify({ schemaVersion: 2, config: { digest: digest(`cfg${n}`), size: 1000 }, layers }) };
    }),
  }));
}

const floorCalls = (s: Shape) => 4 + Math.ceil(s.repositories / 1000)
  + s.repositories * (Math.ceil(s.imagesPerRepository / 1000) + Math.ceil(s.imagesPerRepository / 100));

const lines: string[] = [];
const log = (line = '') => {
  lines.push(line);
  console.log(line);
};

/** One memory case in a fresh process: `--memory R,I,O` prints the heap the model holds, in bytes. */
async function memoryCase(spec: string) {
  const [repositories, imagesPerRepository, ownBlobsPerImage] = spec.split(',').map(Number);
  const shape = { repositories, imagesPerRepository, sharedBlobs: 100, ownBlobsPerImage, latency: 0 };
  const gc = (global as { gc?: () => void }).gc!;
  const client = fakeClient(shape);
  // Warm up the SDK's lazy modules on a one-repository registry, then measure.
  await readRegistry({ client: fakeClient({ ...shape, repositories: 1, imagesPerRepository: 1 }), region: 'eu-west-1' });
  gc();
  const before = process.memoryUsage().heapUsed;
  const model = await readRegistry({ client, region: 'eu-west-1' });
  gc();
  const held = process.memoryUsage().heapUsed - before;
  console.log(JSON.stringify({ held, distinct: model.blobSizes.size }));
}

async function main() {
  log('# Audit benchmark results');
  log();
  log(`Generated by \`npx projen bench:audit\` (bench/audit.ts)${QUICK ? ' in --quick mode' : ''}. Node ${process.version}, ${os.cpus().length} CPUs, `
    + `stubbed clients answering after ${LATENCY_MS} ms a call. Read with bench/AUDIT-NOTES.md.`);

  // 1. calls against the floor
  log();
  log('## 1. API calls per registry against the floor');
  log();
  log('Floor = the 4 registry-wide reads + pages of DescribeRepositories + pages of DescribeImages + one BatchGetImage per 100 images of each repository. Target: at most 1.05x.');
  log();
  log('| repositories | images each | calls made | floor | ratio |');
  log('| ---: | ---: | ---: | ---: | ---: |');
  for (const [repositories, imagesPerRepository] of [[1, 1], [10, 99], [10, 101], [1500, 20], [3, 2500], [1000, 100]]) {
    const shape = { repositories, imagesPerRepository, sharedBlobs: 50, ownBlobsPerImage: 1, latency: 0 };
    const model = await readRegistry({ client: fakeClient(shape), region: 'eu-west-1' });
    const floor = floorCalls(shape);
    log(`| ${repositories} | ${imagesPerRepository} | ${model.apiCalls} (stub counted ${calls}) | ${floor} | ${(model.apiCalls / floor).toFixed(2)}x |`);
  }

  // 2. memory
  log();
  log('## 2. Memory: heap held by the model after reading (after a full GC)');
  log();
  log('| repositories | images each | distinct blobs | heap held | per distinct blob |');
  log('| ---: | ---: | ---: | ---: | ---: |');
  for (const spec of ['200,100,0', '200,400,0', '200,100,1', '200,400,1']) {
    const run = spawnSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register', __filename, '--memory', spec], { encoding: 'utf8', env: process.env });
    const { held, distinct } = JSON.parse(run.stdout.trim().split('\n').pop()!) as { held: number; distinct: number };
    const [repositories, imagesPerRepository] = spec.split(',');
    log(`| ${repositories} | ${imagesPerRepository} | ${distinct.toLocaleString('en-US')} | ${(held / 1024 / 1024).toFixed(1)} MiB | ${Math.round(held / distinct)} B |`);
  }

  // 3. wall time against the naive loop
  log();
  log(`## 3. Wall time, 1,000 repositories x 100 images, ${LATENCY_MS} ms a call`);
  log();
  const big = { repositories: QUICK ? 100 : 1000, imagesPerRepository: 100, sharedBlobs: 300, ownBlobsPerImage: 1, latency: LATENCY_MS };
  let t = performance.now();
  const model = await readRegistry({ client: fakeClient(big), region: 'eu-west-1', limit: limiter(DEFAULT_CONCURRENCY) });
  const auditMs = performance.now() - t;
  const auditCalls = model.apiCalls;
  // The naive loop a user would script: for each repository, for each image, one DescribeImages and one BatchGetImage.
  const naiveSample = 5;
  const client = fakeClient({ ...big, repositories: naiveSample });
  t = performance.now();
  let naiveCalls = 0;
  for (let r = 0; r < naiveSample; r++) {
    for (let i = 0; i < big.imagesPerRepository; i++) {
      const imageDigest = digest(`repo-${r}-${i}`);
      await client.send(new DescribeImagesCommand({ repositoryName: `repo-${r}`, imageIds: [{ imageDigest }] }));
      await client.send(new BatchGetImageCommand({ repositoryName: `repo-${r}`, imageIds: [{ imageDigest }] }));
      naiveCalls += 2;
    }
  }
  const naiveSampleMs = performance.now() - t;
  const naiveMs = naiveSampleMs * (big.repositories / naiveSample);
  log('| reader | calls | wall time |');
  log('| --- | ---: | ---: |');
  log(`| audit (paginated, 100 ids a BatchGetImage, ${DEFAULT_CONCURRENCY} repositories at once: the default --concurrency) | ${auditCalls.toLocaleString('en-US')} | ${(auditMs / 1000).toFixed(1)} s |`);
  log(`| naive loop (DescribeImages + BatchGetImage per image, sequential) | ${(naiveCalls * big.repositories / naiveSample).toLocaleString('en-US')} | `
    + `${(naiveMs / 1000).toFixed(0)} s (measured on ${naiveSample} repositories: ${(naiveSampleMs / 1000).toFixed(1)} s, x${big.repositories / naiveSample}) |`);
  log();
  log(`Ratio naive / audit: **${(naiveMs / auditMs).toFixed(0)}x** (${big.repositories} repositories x ${big.imagesPerRepository} images).`);

  // 4. fleet
  log();
  log('## 4. A simulated fleet: 500 accounts x 17 regions');
  log();
  const accounts = Array.from({ length: QUICK ? 50 : 500 }, (_, i) => String(100000000000 + i));
  const regions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1',
    'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2', 'sa-east-1', 'ap-northeast-3'];
  log(`Each registry: 3 repositories x 5 images; every call (ECR and STS AssumeRole) answers after ${LATENCY_MS} ms.`);
  log();
  log('| accounts x regions | --concurrency | calls | wall time |');
  log('| --- | ---: | ---: | ---: |');
  for (const concurrency of [16, 64]) {
    mocked({ repositories: 3, imagesPerRepository: 5, sharedBlobs: 10, ownBlobsPerImage: 1, latency: LATENCY_MS });
    sts.reset();
    sts.on(AssumeRoleCommand).callsFake(async () => {
      calls++;
      await sleep(LATENCY_MS);
      return { Credentials: { AccessKeyId: 'k', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) } };
    });
    t = performance.now();
    const report = await audit({ accounts, regions, concurrency });
    const ms = performance.now() - t;
    log(`| ${accounts.length} x ${regions.length} = ${report.registries.length.toLocaleString('en-US')} registries | ${concurrency} | ${calls.toLocaleString('en-US')} | ${(ms / 1000).toFixed(1)} s |`);
  }

  // 5. one large registry: --concurrency bounds the repositories read at once
  log();
  const slow = 50;
  const large = { repositories: QUICK ? 200 : 2000, imagesPerRepository: 5, sharedBlobs: 10, ownBlobsPerImage: 1, latency: slow };
  log(`## 5. One registry of ${large.repositories.toLocaleString('en-US')} repositories, ${slow} ms a call, by --concurrency`);
  log();
  log(`Each repository: ${large.imagesPerRepository} images (one DescribeImages page, one BatchGetImage). Through \`audit()\`, as the CLI runs it.`);
  log();
  log('| --concurrency | calls | floor | wall time | repositories a second |');
  log('| ---: | ---: | ---: | ---: | ---: |');
  for (const concurrency of [4, 16, 64]) {
    mocked(large);
    t = performance.now();
    const report = await audit({ regions: ['eu-west-1'], concurrency });
    const ms = performance.now() - t;
    log(`| ${concurrency} | ${report.registries[0].apiCalls.toLocaleString('en-US')} (stub counted ${calls.toLocaleString('en-US')}) | `
      + `${floorCalls(large).toLocaleString('en-US')} | ${(ms / 1000).toFixed(1)} s | ${Math.round(large.repositories / (ms / 1000))} |`);
  }

  if (!QUICK) {
    writeFileSync(join(__dirname, 'AUDIT-RESULTS.md'), lines.join('\n') + '\n');
    console.log('\nwrote bench/AUDIT-RESULTS.md');
  }
}

const memory = process.argv.indexOf('--memory');
void (memory > 0 ? memoryCase(process.argv[memory + 1]) : main());
