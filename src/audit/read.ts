/**
 * Reads one registry (one account in one region) into the plain model, through Describe/Get/List
 * calls only, with the SDK's own paginators. Every HTTP request counts toward `apiCalls`, the SDK's
 * retries included (each response and each error says how many attempts it took). A call that fails
 * after the SDK's retries makes that part of the model UNKNOWN with the reason; nothing throws
 * except a programming error.
 */
import {
  BatchGetImageCommand,
  DescribeRegistryCommand,
  ECRClient,
  GetAccountSettingCommand,
  paginateDescribeImages,
  paginateDescribePullThroughCacheRules,
  paginateDescribeRepositories,
  paginateDescribeRepositoryCreationTemplates,
} from '@aws-sdk/client-ecr';
import { Limit, limiter } from './limit';
import {
  CreationTemplate, Encryption, Known, known, PullThroughCacheRule, RegistryModel,
  ReplicationDestination, RepositoryModel, unknown,
} from './model';

/** Every manifest type the audit understands; ECR returns each manifest as pushed. */
export const ACCEPTED_MEDIA_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
];

/** BatchGetImage takes at most 100 image ids a call. */
export const BATCH_GET_IMAGE_MAX = 100;
/** DescribeRepositories / DescribeImages return at most 1,000 items a page. */
const PAGE_SIZE = 1000;

export interface ReadRegistryOptions {
  readonly client: ECRClient;
  readonly region: string;
  /** The account, when known (fleet mode); otherwise read from DescribeRegistry. */
  readonly account?: string;
  /** Repositories read at once within this registry (ignored when `limit` is given). @default 4 */
  readonly repositoryConcurrency?: number;
  /** A limiter shared with other registries: bounds the repositories read at once across all of them. */
  readonly limit?: Limit;
  /** Called after each repository is read, with how many of the registry's repositories are read. */
  readonly onRepository?: (done: number, total: number) => void;
}

/** HTTP requests a response or an error took: the SDK's `$metadata.attempts` (1 when absent). */
export function attemptsOf(result: unknown): number {
  const attempts = (result as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
}

/** One line, no stack: `AccessDeniedException: User ... is not authorized (HTTP 400)`. */
export function describeFault(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (/Deserialization error/.test(error.message)) {
    // An HTML or empty page instead of an API answer: a proxy, a firewall, or an endpoint without the operation.
    const why = status === 403 ? 'access denied before the service (a proxy or a firewall?)'
      : status === 404 || status === 500 || status === 501 ? 'the operation is not supported there (or the service failed)'
        : 'not an answer of the service';
    return `the endpoint answered without an API response${status ? ` (HTTP ${status})` : ''}: ${why}`;
  }
  const name = error.name && error.name !== 'Error' ? error.name : 'Error';
  const message = (error.message || '(no message)').replace(/\s+/g, ' ').trim().slice(0, 300);
  return `${name}: ${message}${status ? ` (HTTP ${status})` : ''}`;
}

interface Counter { calls: number }

async function attempt<T>(counter: Counter, read: () => Promise<T>): Promise<Known<T>> {
  try {
    return known(await read());
  } catch (error) {
    counter.calls += attemptsOf(error);
    return unknown(describeFault(error));
  }
}

/** Sends a command and counts its requests (a failed one is counted by `attempt`). */
async function counted<T>(counter: Counter, send: () => Promise<T>): Promise<T> {
  const response = await send();
  counter.calls += attemptsOf(response);
  return response;
}

function encryptionOf(config: { encryptionType?: string; kmsKey?: string } | undefined): Encryption {
  const type = config?.encryptionType ?? 'AES256';
  return config?.kmsKey ? { type, kmsKey: config.kmsKey } : { type };
}

interface Descriptor { digest?: string; size?: number }
interface ParsedManifest {
  readonly blobs: Descriptor[];
  readonly children: string[];
  readonly sized: boolean;
}

/** The blobs (config and layers) of an image manifest, or the child manifests of an index / manifest list. */
export function parseManifest(text: string): ParsedManifest {
  const manifest = JSON.parse(text) as {
    schemaVersion?: number;
    config?: Descriptor;
    layers?: Descriptor[];
    manifests?: Descriptor[];
    fsLayers?: Array<{ blobSum?: string }>;
  };
  if (Array.isArray(manifest.manifests)) {
    return { blobs: [], children: manifest.manifests.map((m) => m.digest).filter((d): d is string => !!d), sized: true };
  }
  if (manifest.schemaVersion === 1) {
    // Docker schema 1 lists layers without sizes.
    return { blobs: [], children: [], sized: false };
  }
  const blobs = [...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? [])];
  return { blobs, children: [], sized: true };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

async function readRepository(
  client: ECRClient, name: string, encryption: Encryption, pullThroughCache: boolean,
  blobSizes: Map<string, number>, interned: Map<string, string>, counter: Counter,
): Promise<RepositoryModel> {
  const digests = new Set<string>();
  let images = 0;
  let archivedImages = 0;
  const pages = paginateDescribeImages({ client, pageSize: PAGE_SIZE }, {
    repositoryName: name,
    filter: { imageStatus: 'ANY' },
  });
  for await (const page of pages) {
    counter.calls += attemptsOf(page);
    for (const image of page.imageDetails ?? []) {
      images++;
      if (image.imageStatus === 'ARCHIVED') {
        archivedImages++;
      }
      if (image.imageDigest) {
        digests.add(image.imageDigest);
      }
    }
  }

  const blobs = new Set<string>();
  const fetched = new Set<string>();
  let missingManifests = 0;
  let pending = [...digests];
  while (pending.length > 0) {
    const children: string[] = [];
    for (const batch of chunks(pending, BATCH_GET_IMAGE_MAX)) {
      batch.forEach((digest) => fetched.add(digest));
      const response = await counted(counter, () => client.send(new BatchGetImageCommand({
        repositoryName: name,
        imageIds: batch.map((imageDigest) => ({ imageDigest })),
        acceptedMediaTypes: ACCEPTED_MEDIA_TYPES,
      })));
      const seen = new Set<string>();
      for (const image of response.images ?? []) {
        const digest = image.imageId?.imageDigest;
        if (!image.imageManifest || (digest && seen.has(digest))) {
          continue;
        }
        if (digest) {
          seen.add(digest);
        }
        let parsed: ParsedManifest;
        try {
          parsed = parseManifest(image.imageManifest);
        } catch {
          missingManifests++;
          continue;
        }
        if (!parsed.sized) {
          missingManifests++;
        }
        for (const blob of parsed.blobs) {
          if (!blob.digest || typeof blob.size !== 'number') {
            continue;
          }
          // One string per distinct digest in the registry: repositories' sets share it.
          let canonical = interned.get(blob.digest);
          if (canonical === undefined) {
            canonical = blob.digest;
            interned.set(canonical, canonical);
            blobSizes.set(canonical, blob.size);
          }
          blobs.add(canonical);
        }
        for (const child of parsed.children) {
          if (!fetched.has(child) && !children.includes(child)) {
            children.push(child);
          }
        }
      }
      const failed = new Set((response.failures ?? []).map((f) => f.imageId?.imageDigest).filter((d) => d && !seen.has(d)));
      missingManifests += failed.size;
    }
    pending = children;
  }
  return { name, encryption, pullThroughCache, images, archivedImages, blobs, missingManifests };
}

/** Reads a registry. Never throws for a service fault: the part becomes UNKNOWN with the reason. */
export async function readRegistry(options: ReadRegistryOptions): Promise<RegistryModel> {
  const { client, region } = options;
  const counter: Counter = { calls: 0 };

  const blobMounting = await attempt(counter, async () => {
    const response = await counted(counter, () => client.send(new GetAccountSettingCommand({ name: 'BLOB_MOUNTING' })));
    const value = response.value;
    if (value !== 'ENABLED' && value !== 'DISABLED') {
      throw new Error(`GetAccountSetting returned ${JSON.stringify(value)} for BLOB_MOUNTING, expected ENABLED or DISABLED`);
    }
    return value;
  });

  let registryId: string | undefined;
  const replication = await attempt(counter, async () => {
    const response = await counted(counter, () => client.send(new DescribeRegistryCommand({})));
    registryId = response.registryId;
    const destinations: ReplicationDestination[] = [];
    for (const rule of response.replicationConfiguration?.rules ?? []) {
      for (const d of rule.destinations ?? []) {
        destinations.push({ region: d.region ?? '', registryId: d.registryId ?? '' });
      }
    }
    return destinations;
  });

  const pullThroughCacheRules = await attempt(counter, async () => {
    const rules: PullThroughCacheRule[] = [];
    for await (const page of paginateDescribePullThroughCacheRules({ client }, {})) {
      counter.calls += attemptsOf(page);
      for (const rule of page.pullThroughCacheRules ?? []) {
        rules.push({ prefix: rule.ecrRepositoryPrefix ?? '', upstream: rule.upstreamRegistryUrl });
      }
    }
    return rules;
  });

  const creationTemplates = await attempt(counter, async () => {
    const templates: CreationTemplate[] = [];
    for await (const page of paginateDescribeRepositoryCreationTemplates({ client }, {})) {
      counter.calls += attemptsOf(page);
      for (const t of page.repositoryCreationTemplates ?? []) {
        templates.push({ prefix: t.prefix ?? '', appliedFor: t.appliedFor ?? [], encryption: encryptionOf(t.encryptionConfiguration) });
      }
    }
    return templates;
  });

  const blobSizes = new Map<string, number>();
  const interned = new Map<string, string>();
  const prefixes = pullThroughCacheRules.state === 'KNOWN' ? pullThroughCacheRules.value.map((r) => r.prefix) : [];
  const repositories = await attempt(counter, async () => {
    const listed: Array<{ name: string; encryption: Encryption }> = [];
    for await (const page of paginateDescribeRepositories({ client, pageSize: PAGE_SIZE }, {})) {
      counter.calls += attemptsOf(page);
      for (const repo of page.repositories ?? []) {
        registryId ??= repo.registryId;
        if (repo.repositoryName) {
          listed.push({ name: repo.repositoryName, encryption: encryptionOf(repo.encryptionConfiguration) });
        }
      }
    }
    const limit = options.limit ?? limiter(options.repositoryConcurrency ?? 4);
    let done = 0;
    options.onRepository?.(0, listed.length);
    return Promise.all(listed.map((repo) => limit(async () => {
      const read = await readRepository(
        client, repo.name, repo.encryption,
        prefixes.some((prefix) => prefix !== '' && (repo.name === prefix || repo.name.startsWith(`${prefix}/`))),
        blobSizes, interned, counter,
      );
      options.onRepository?.(++done, listed.length);
      return read;
    })));
  });

  return {
    account: options.account ?? registryId ?? 'UNKNOWN',
    region,
    blobMounting,
    repositories,
    blobSizes,
    pullThroughCacheRules,
    creationTemplates,
    replication,
    apiCalls: counter.calls,
  };
}
