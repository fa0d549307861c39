/**
 * The registry monitor's benchmark (not a test): `npx projen bench:monitor` writes
 * bench/MONITOR-RESULTS.md. The function's inline code (the template's Code.ZipFile) runs as Lambda
 * runs it (test/account-settings/support/lambda-runtime.ts) against moto's ECR server, through the
 * tests' proxy, which adds a fixed latency to every ECR call (moto on loopback answers in about a
 * millisecond; ECR does not). For 100 and 2,000 repositories it measures the island check and the
 * figures run (wall time of the handler, ECR calls, bytes printed), and from those the monthly cost
 * of one registry's monitor at the default schedule (island check every 5 minutes, figures daily).
 *
 *   npx projen bench:monitor            # 100 and 2,000 repositories
 *   npx projen bench:monitor -- --quick # 20 and 200 (a smoke run; results not written)
 */
import { createHash } from 'crypto';
import { writeFileSync } from 'fs';
import * as os from 'os';
import { join } from 'path';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { ISLAND_CHECK_INPUT } from '../src/monitor/contract';
import { REGISTRY_MONITOR_HANDLER_CODE } from '../src/monitor/handler-code.generated';
import { LambdaTask } from '../test/account-settings/support/lambda-runtime';
import { EcrProxy } from '../test/monitor/support/ecr-proxy';
import { startMoto } from '../test/support/moto';

const QUICK = process.argv.includes('--quick');
const SIZES = QUICK ? [20, 200] : [100, 2_000];
/** Added to every ECR call: a typical in-region API round trip. */
const LATENCY_MS = 30;
const IMAGES_PER_REPOSITORY = 3;
const ISLAND_RUNS = 5;
const FIGURES_RUNS = QUICK ? 1 : 2;
const MEMORY_MB = 256;
const ACCOUNT = '123456789012';
const OPERATIONS = ['DescribeRepositories', 'DescribeImages', 'BatchGetImage', 'GetAccountSetting', 'DescribeRegistry',
  'DescribePullThroughCacheRules', 'DescribeRepositoryCreationTemplates'];

// Prices, us-east-1, on-demand, checked 2026-12 (https://aws.amazon.com/lambda/pricing/,
// https://aws.amazon.com/cloudwatch/pricing/). EventBridge delivers scheduled events (rules) at no
// charge; ECR API calls are free.
const PRICE = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.20 / 1_000_000,
  customMetricMonth: 0.30,
  logsIngestGb: 0.50,
  dashboardMonth: 3.00,
  alarmMonth: 0.10,
};
/** The metrics the monitor publishes (src/monitor/contract.ts): 3 every run, 5 more daily. */
const METRICS = 8;
/** Lambda's START, END and REPORT lines per invocation, bytes (about). */
const PLATFORM_LOG_BYTES = 350;

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

function manifest(repo: number, image: number): string {
  // Every image: one of 3 shared base layers, one of 10 shared runtime layers, and a layer of its own.
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 1500, digest: sha(`config ${repo} ${image}`) },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 30_000_000, digest: sha(`base ${repo % 3}`) },
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 12_000_000, digest: sha(`runtime ${repo % 10}`) },
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 4_000_000, digest: sha(`app ${repo} ${image}`) },
    ],
  });
}

async function load(client: ECRClient, repositories: number): Promise<void> {
  const jobs = Array.from({ length: repositories }, (_, r) => r);
  for (let i = 0; i < jobs.length; i += 25) {
    await Promise.all(jobs.slice(i, i + 25).map(async (r) => {
      const repositoryName = `bench/svc-${String(r).padStart(4, '0')}`;
      await client.send(new CreateRepositoryCommand({ repositoryName }));
      for (let image = 0; image < IMAGES_PER_REPOSITORY; image++) {
        await client.send(new PutImageCommand({ repositoryName, imageTag: `v${image}`, imageManifest: manifest(r, image) }));
      }
    }));
  }
}

interface Measure {
  readonly ms: number;
  readonly calls: number;
  readonly bytes: number;
  readonly complete: boolean;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const moto = await startMoto();
  const proxy = new EcrProxy(moto.endpoint);
  await proxy.start();
  const task = new LambdaTask(REGISTRY_MONITOR_HANDLER_CODE);
  const rows: Array<{ repositories: number; island: Measure; figures: Measure }> = [];
  try {
    for (const [index, size] of SIZES.entries()) {
      const region = ['eu-west-1', 'eu-central-1'][index];
      const client = new ECRClient({ region, endpoint: moto.endpoint, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
      const started = Date.now();
      await load(client, size);
      client.destroy();
      console.error(`bench:monitor: loaded ${size} repositories x ${IMAGES_PER_REPOSITORY} images in ${((Date.now() - started) / 1000).toFixed(0)} s`);

      const run = async (event: object): Promise<Measure> => {
        proxy.reset();
        proxy.blobMounting = 'ENABLED';
        for (const operation of OPERATIONS) {
          proxy.always(operation, { kind: 'delay', ms: LATENCY_MS });
        }
        const invocation = await task.invoke(event, {
          timeoutMs: 600_000,
          env: {
            AWS_REGION: region, AWS_ENDPOINT_URL_ECR: proxy.url, REGISTRY_ID: ACCOUNT, ISLAND_ENCRYPTION_TYPE: 'AES256',
          },
        });
        if (invocation.returnedAt === undefined) {
          throw new Error(`the function did not return:\n${invocation.output.slice(-2000)}`);
        }
        const printed = invocation.output.split('\n').filter((line) => !line.startsWith('@@')).join('\n');
        return {
          ms: invocation.returnedAt - invocation.startedAt,
          calls: proxy.operations.length,
          bytes: Buffer.byteLength(printed),
          complete: !/"(IslandCheckComplete|FiguresComplete)":0/.test(printed),
        };
      };
      const islands: Measure[] = [];
      for (let i = 0; i < ISLAND_RUNS; i++) {
        islands.push(await run(ISLAND_CHECK_INPUT));
      }
      const figures: Measure[] = [];
      for (let i = 0; i < FIGURES_RUNS; i++) {
        figures.push(await run({ 'detail-type': 'Scheduled Event', 'source': 'aws.events', 'detail': {} }));
      }
      const pick = (measures: Measure[]): Measure => ({
        ms: median(measures.map((m) => m.ms)),
        calls: median(measures.map((m) => m.calls)),
        bytes: median(measures.map((m) => m.bytes)),
        complete: measures.every((m) => m.complete),
      });
      rows.push({ repositories: size, island: pick(islands), figures: pick(figures) });
      console.error(`bench:monitor: ${size} repositories: island check ${pick(islands).ms} ms, figures ${pick(figures).ms} ms`);
    }
  } finally {
    task.remove();
    await proxy.stop();
    await moto.stop();
  }

  const islandPerMonth = (30 * 24 * 60) / 5;
  const figuresPerMonth = 30;
  const usd = (n: number) => `$${n < 0.01 ? n.toFixed(4) : n.toFixed(2)}`;
  const lines = [
    '# Registry monitor benchmark results',
    '',
    `Generated by \`npx projen bench:monitor\` (bench/monitor.ts). Node ${process.version}, ${os.cpus().length} CPUs. The function's inline code in its own`,
    `process (as Lambda runs it) against moto's ECR server through a proxy that adds ${LATENCY_MS} ms to every ECR call; ${IMAGES_PER_REPOSITORY} images per repository`,
    `(3 layers and a config each, base and runtime layers shared). Median of ${ISLAND_RUNS} island checks and ${FIGURES_RUNS} figures runs.`,
    '',
    '## Measured',
    '',
    '| repositories | run | duration | ECR calls | bytes logged | complete |',
    '| ---: | --- | ---: | ---: | ---: | --- |',
    ...rows.flatMap((r) => [
      `| ${r.repositories.toLocaleString('en-US')} | island check | ${r.island.ms} ms | ${r.island.calls} | ${r.island.bytes} | ${r.island.complete ? 'yes' : 'NO'} |`,
      `| ${r.repositories.toLocaleString('en-US')} | figures (island check included) | ${r.figures.ms} ms | ${r.figures.calls} | ${r.figures.bytes} | ${r.figures.complete ? 'yes' : 'NO'} |`,
    ]),
    '',
    '## Monthly cost of one registry\'s monitor (us-east-1, default schedule, no free tier)',
    '',
    `Invocations a month: ${islandPerMonth.toLocaleString('en-US')} island checks (every 5 minutes) + ${figuresPerMonth} figures runs (daily). Lambda arm64,`,
    `${MEMORY_MB} MB, billed per ms at $${PRICE.lambdaGbSecondArm} per GB-second and $0.20 per million requests (cold starts not included).`,
    `Custom metrics: ${METRICS} at $${PRICE.customMetricMonth.toFixed(2)} a month each (an upper bound: CloudWatch prorates custom metrics by the hour, and`,
    'five of them are published once a day). Logs: what the function prints plus Lambda\'s START/END/REPORT lines, at $0.50 per GB ingested.',
    `Dashboard $${PRICE.dashboardMonth.toFixed(2)} (an account's first 3 are free), alarm $${PRICE.alarmMonth.toFixed(2)}. EventBridge scheduled rules and ECR API calls: no charge.`,
    '',
    '| repositories | Lambda duration | Lambda requests | metrics | logs | dashboard | alarm | total a month |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const gbSeconds = (islandPerMonth * r.island.ms + figuresPerMonth * r.figures.ms) / 1000 * (MEMORY_MB / 1024);
      const duration = gbSeconds * PRICE.lambdaGbSecondArm;
      const requests = (islandPerMonth + figuresPerMonth) * PRICE.lambdaRequest;
      const metrics = METRICS * PRICE.customMetricMonth;
      const logBytes = islandPerMonth * (r.island.bytes + PLATFORM_LOG_BYTES) + figuresPerMonth * (r.figures.bytes + PLATFORM_LOG_BYTES);
      const logs = (logBytes / 1024 ** 3) * PRICE.logsIngestGb;
      const total = duration + requests + metrics + logs + PRICE.dashboardMonth + PRICE.alarmMonth;
      return `| ${r.repositories.toLocaleString('en-US')} | ${usd(duration)} | ${usd(requests)} | ${usd(metrics)} | ${usd(logs)} | ${usd(PRICE.dashboardMonth)} | ${usd(PRICE.alarmMonth)} | **${usd(total)}** |`;
    }),
    '',
    `Without the dashboard (\`dashboard: false\`, for example in a fleet that reads the metrics centrally) subtract $${PRICE.dashboardMonth.toFixed(2)}.`,
    '',
  ];
  const text = lines.join('\n');
  if (QUICK) {
    console.log(text);
  } else {
    writeFileSync(join(__dirname, 'MONITOR-RESULTS.md'), text);
    console.log(text);
    console.error('bench:monitor: wrote bench/MONITOR-RESULTS.md');
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
