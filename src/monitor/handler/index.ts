/* eslint-disable no-console */
/**
 * The RegistryMonitor's function. Runs as INLINE Lambda code (CloudFormation writes it to index.js,
 * CommonJS) with the Lambda runtime's AWS SDK, invoked by EventBridge schedules:
 *
 * - the island check (the frequent rule's input `{"check":"island"}`): lists the repositories
 *   (DescribeRepositories, the SDK's paginator) and publishes `RepositoriesOutsideIsland` and
 *   `Islands`, logging the repositories outside the island by name;
 * - any other event, such as EventBridge's `Scheduled Event` of the figures rule: the island check,
 *   then the registry's figures, read and computed by the audit's own code (src/audit/read.ts and
 *   compute.ts): `BytesWithoutSharing`, `BytesWithSharing`, `BytesSavedBySharing`,
 *   `BlobMountingEnabled`, `FiguresComplete`.
 *
 * Metrics leave as CloudWatch embedded metric format (EMF) lines on stdout: CloudWatch Logs turns
 * them into metrics, so the function needs no cloudwatch:PutMetricData right.
 *
 * Honest when partial: a listing that fails (denied, throttled past the SDK's retries) publishes
 * `IslandCheckComplete` 0 and no count; figures that cannot be read completely before the deadline
 * (or with a denied or throttled call, or an unreadable manifest) publish `FiguresComplete` 0 and no
 * byte total. Nothing resumes across runs: the next run reads again from the start.
 */
import { ECRClient, paginateDescribeRepositories } from '@aws-sdk/client-ecr';
import { computeRegistry, describeEncryption, encryptionKey } from '../../audit/compute';
import { Encryption, known, RegistryModel, RepositoryModel, unknown } from '../../audit/model';
import { describeFault, readRegistry } from '../../audit/read';
import { ENV, ISLAND_CHECK_INPUT, METRIC_NAMESPACE, METRICS, REGISTRY_DIMENSION } from '../contract';

export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** One metric of an EMF line. */
type Metric = readonly [name: string, value: number, unit: 'Count' | 'Bytes' | 'None'];

/** Most repositories named in one log line (a CloudWatch Logs event holds at most 256 KB). */
const MAX_NAMES_LOGGED = 1000;
/** DescribeRepositories returns at most 1,000 repositories a page. */
const PAGE_SIZE = 1000;

/** Thrown for every ECR call once the run's time is up: the read stops instead of being killed. */
class DeadlineReached extends Error {
  constructor() {
    super('the function\'s time ran out before the read finished');
    this.name = 'DeadlineReached';
  }
}

/** Prints one EMF document as a raw stdout line (not through the runtime's console, which prefixes it). */
function publish(registryId: string, metrics: readonly Metric[], properties: Record<string, unknown>): void {
  const line = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{
        Namespace: METRIC_NAMESPACE,
        Dimensions: [[REGISTRY_DIMENSION]],
        Metrics: metrics.map(([Name, , Unit]) => ({ Name, Unit })),
      }],
    },
    [REGISTRY_DIMENSION]: registryId,
    ...properties,
    ...Object.fromEntries(metrics.map(([name, value]) => [name, value])),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function islandOf(env: NodeJS.ProcessEnv): Encryption {
  const type = env[ENV.encryptionType] || 'AES256';
  const kmsKey = env[ENV.kmsKey];
  return kmsKey ? { type, kmsKey } : { type };
}

/**
 * Whether a repository is inside the registry's island. ECR shares layers only between identical
 * encryption type AND key, and names a key by its full ARN (region included: a multi-Region replica
 * is another key). With the AWS managed key aws/ecr the island has no key ARN here: the type alone
 * is compared.
 */
export function insideIsland(island: Encryption, repository: Encryption): boolean {
  if (!island.kmsKey) {
    return repository.type === island.type;
  }
  return encryptionKey(repository) === encryptionKey(island);
}

interface Listing {
  readonly repositories: ReadonlyArray<{ readonly name: string; readonly encryption: Encryption }>;
  readonly calls: number;
}

async function listRepositories(client: ECRClient): Promise<Listing> {
  const repositories: Array<{ name: string; encryption: Encryption }> = [];
  let calls = 0;
  for await (const page of paginateDescribeRepositories({ client, pageSize: PAGE_SIZE }, {})) {
    calls++;
    for (const repo of page.repositories ?? []) {
      if (repo.repositoryName) {
        const type = repo.encryptionConfiguration?.encryptionType ?? 'AES256';
        const kmsKey = repo.encryptionConfiguration?.kmsKey;
        repositories.push({ name: repo.repositoryName, encryption: kmsKey ? { type, kmsKey } : { type } });
      }
    }
  }
  return { repositories, calls };
}

/** The island check: the islands counted by the audit's computation, the repositories outside the registry's own. */
async function checkIsland(client: ECRClient, registryId: string, island: Encryption): Promise<void> {
  let listing: Listing;
  try {
    listing = await listRepositories(client);
  } catch (error) {
    publish(registryId, [[METRICS.islandCheckComplete, 0, 'None']], { check: 'island', reason: describeFault(error) });
    console.log(`Island check incomplete: the repositories could not be listed (${describeFault(error)}). No count published.`);
    return;
  }
  const model: RegistryModel = {
    account: registryId,
    region: process.env.AWS_REGION ?? '',
    blobMounting: unknown('not read by the island check'),
    repositories: known(listing.repositories.map((r): RepositoryModel => ({
      name: r.name, encryption: r.encryption, pullThroughCache: false, images: 0, archivedImages: 0, blobs: new Set(), missingManifests: 0,
    }))),
    blobSizes: new Map(),
    pullThroughCacheRules: known([]),
    creationTemplates: known([]),
    replication: known([]),
    apiCalls: listing.calls,
  };
  const report = computeRegistry(model);
  const outside = listing.repositories.filter((r) => !insideIsland(island, r.encryption));
  publish(registryId, [
    [METRICS.repositoriesOutsideIsland, outside.length, 'Count'],
    [METRICS.islands, report.islands.length, 'Count'],
    [METRICS.islandCheckComplete, 1, 'None'],
  ], { check: 'island', repositories: listing.repositories.length });
  if (outside.length > 0) {
    console.log(JSON.stringify({
      message: `${outside.length} repositories outside the registry's island (${describeEncryption(island)}): they cannot share layers with it`,
      island: describeEncryption(island),
      repositories: outside.slice(0, MAX_NAMES_LOGGED).map((r) => `${r.name} (${describeEncryption(r.encryption)})`),
      ...(outside.length > MAX_NAMES_LOGGED ? { more: outside.length - MAX_NAMES_LOGGED } : {}),
    }));
  }
}

/** The figures: the audit's read and computation, bounded by the deadline. */
async function publishFigures(client: ECRClient, registryId: string, stopAt: number, stop: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), Math.max(0, stopAt - Date.now()));
  });
  const concurrency = Number(process.env[ENV.repositoryConcurrency]) || 8;
  const read = readRegistry({ client, region: process.env.AWS_REGION ?? '', account: registryId, repositoryConcurrency: concurrency });
  const model = await Promise.race([read, deadline]);
  clearTimeout(timer);
  if (model === 'deadline') {
    stop();
    publish(registryId, [[METRICS.figuresComplete, 0, 'None']], { check: 'figures', reason: new DeadlineReached().message });
    console.log('Figures incomplete: the function\'s time ran out before every repository was read. No byte total published; raise the monitor\'s timeout.');
    return;
  }
  const report = computeRegistry(model);
  const metrics: Metric[] = [];
  if (report.blobMounting !== 'UNKNOWN') {
    metrics.push([METRICS.blobMountingEnabled, report.blobMounting === 'ENABLED' ? 1 : 0, 'None']);
  }
  const unknownRepositories = report.unknown.find((u) => u.part === 'repositories');
  const complete = report.bytes !== null && !unknownRepositories && report.missingManifests === 0;
  if (complete && report.bytes) {
    metrics.push(
      [METRICS.bytesWithoutSharing, report.bytes.withoutSharing, 'Bytes'],
      [METRICS.bytesWithSharing, report.bytes.withSharing, 'Bytes'],
      [METRICS.bytesSavedBySharing, report.bytes.withoutSharing - report.bytes.withSharing, 'Bytes'],
    );
  }
  metrics.push([METRICS.figuresComplete, complete ? 1 : 0, 'None']);
  publish(registryId, metrics, {
    check: 'figures',
    apiCalls: report.apiCalls,
    ...(unknownRepositories ? {} : { repositories: report.repositories, images: report.images, imagesNotRead: report.missingManifests }),
    ...(report.unknown.length > 0 ? { unknown: report.unknown.map((u) => `${u.part}: ${u.reason}`) } : {}),
  });
  if (!complete) {
    const why = unknownRepositories
      ? `the repositories could not be read (${unknownRepositories.reason})`
      : `${report.missingManifests} image manifests could not be read`;
    console.log(`Figures incomplete: ${why}. No byte total published.`);
  }
}

/** The time kept back for publishing once the reads are stopped: 10 % of the run, 1 to 10 seconds. */
function marginOf(remaining: number): number {
  return Math.min(10_000, Math.max(1_000, remaining / 10));
}

/** Lambda's longest run, for an invocation without a Lambda context (a local harness). */
const MAX_RUN_MS = 900_000;

export async function handler(event: unknown, context?: LambdaContext): Promise<void> {
  const registryId = process.env[ENV.registryId] ?? '';
  const island = islandOf(process.env);
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : MAX_RUN_MS;
  const stopAt = Date.now() + remaining - marginOf(remaining);
  let stopped = false;
  const client = new ECRClient({});
  // Every call checks the clock first: once the time is up, the read stops with a reason instead of
  // the function being killed mid-read with nothing published.
  client.middlewareStack.add((next) => async (args) => {
    if (stopped || Date.now() >= stopAt) {
      stopped = true;
      throw new DeadlineReached();
    }
    return next(args);
  }, { step: 'initialize', name: 'monitorDeadline' });
  try {
    await checkIsland(client, registryId, island);
    const islandOnly = typeof event === 'object' && event !== null && (event as { check?: unknown }).check === ISLAND_CHECK_INPUT.check;
    if (!islandOnly) {
      await publishFigures(client, registryId, stopAt, () => { stopped = true; });
    }
  } finally {
    client.destroy();
  }
}
