import { computeReport, computeRegistry } from '../../src/audit/compute';
import { known, RegistryModel, RepositoryModel, unknown } from '../../src/audit/model';

const GIB = 1024 ** 3;

function repo(name: string, blobs: string[], encryption = { type: 'AES256' } as RepositoryModel['encryption'], pullThroughCache = false): RepositoryModel {
  return { name, encryption, pullThroughCache, images: blobs.length, archivedImages: 0, blobs: new Set(blobs), missingManifests: 0 };
}

function registry(repositories: RepositoryModel[], sizes: Record<string, number>, overrides: Partial<RegistryModel> = {}): RegistryModel {
  return {
    account: '111111111111',
    region: 'eu-west-1',
    blobMounting: known('ENABLED'),
    repositories: known(repositories),
    blobSizes: new Map(Object.entries(sizes)),
    pullThroughCacheRules: known([]),
    creationTemplates: known([]),
    replication: known([]),
    apiCalls: 0,
    ...overrides,
  };
}

describe('computeRegistry', () => {
  // GIVEN two AES256 repositories sharing base layer x, one KMS repository with x, one pull-through cache repository with x
  const kms = { type: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:111111111111:key/k' };
  const model = registry([
    repo('a', ['x', 'y']),
    repo('b', ['x', 'z']),
    repo('c', ['x', 'w'], kms),
    repo('cache/p', ['x'], { type: 'AES256' }, true),
  ], { x: 100, y: 10, z: 20, w: 5 });

  test('withoutSharing, withSharing and oneIsland (hand-checked)', () => {
    const report = computeRegistry(model);

    // a 110 + b 120 + c 105 + p 100
    // islands: AES256 {x,y,z} 130 + KMS {x,w} 105; the pull-through cache repository alone: 100
    // one island: {x,y,z,w} 135 + p 100
    expect(report.bytes).toEqual({ withoutSharing: 435, withSharing: 335, oneIsland: 235 });
    // money unrounded: 100 bytes at $0.10 per 2^30 bytes
    expect(report.savings?.withSharing).toEqual({ bytes: 100, percent: 23, perMonth: 100 / GIB * 0.1 });
    expect(report.savings?.oneIsland).toEqual({ bytes: 200, percent: 46, perMonth: 200 / GIB * 0.1 });
  });

  test('islands largest first, pull-through cache repositories apart, outliers named with the fix', () => {
    const report = computeRegistry(model);

    expect(report.islands).toEqual([
      { encryption: { type: 'AES256' }, repositories: ['a', 'b'], bytes: 130 },
      { encryption: kms, repositories: ['c'], bytes: 105 },
    ]);
    expect(report.pullThroughCacheRepositories).toEqual(['cache/p']);
    expect(report.outliers).toHaveLength(1);
    expect(report.outliers[0].repository).toBe('c');
    expect(report.outliers[0].fix).toContain('c (KMS arn:aws:kms:eu-west-1:111111111111:key/k) cannot mount blobs from the largest island (AES256)');
    expect(report.outliers[0].fix).toContain('Encryption is set at creation only');
  });

  test('top shared blobs by bytes saved, with the repositories that hold them', () => {
    const report = computeRegistry(registry([repo('a', ['x', 'y']), repo('b', ['x', 'y']), repo('c', ['x'])], { x: 100, y: 120 }), { top: 1 });

    // x saves 2 x 100 = 200, y saves 1 x 120 = 120
    expect(report.topSharedBlobs).toEqual([{ digest: 'x', size: 100, repositories: ['a', 'b', 'c'], savedBytes: 200 }]);
    expect(report.distinctBlobs).toBe(2);
  });

  test('top shared blobs count only what sharing within an island saves (not across islands, not pull-through)', () => {
    // GIVEN big is held by 4 repositories in 4 places (2 islands, 1 pull-through), small by 3 in one island
    const report = computeRegistry(registry([
      repo('a', ['big', 'small']), repo('b', ['small']), repo('c', ['small']),
      repo('k', ['big'], { type: 'KMS', kmsKey: 'k' }), repo('cache/p', ['big'], { type: 'AES256' }, true),
    ], { big: 100, small: 60 }));

    // big: the AES256 island holds it once (a), KMS once (k), the cache alone: saves 0
    // small: a, b, c in one island: saves 2 x 60 = 120
    expect(report.topSharedBlobs).toEqual([{ digest: 'small', size: 60, repositories: ['a', 'b', 'c'], savedBytes: 120 }]);
  });

  test('the order of the fix: each outlier with the bytes saved if it joined the largest island, largest first (hand-checked)', () => {
    // GIVEN the largest island {a, b, c} holds base and lib; KMS island {k1, k2}; AES256 with another key: {o}
    const k = { type: 'KMS', kmsKey: 'k' };
    const o = { type: 'KMS', kmsKey: 'o' };
    const report = computeRegistry(registry([
      repo('a', ['base', 'lib']), repo('b', ['base']), repo('c', ['base']),
      repo('k1', ['base', 'own1'], k), repo('k2', ['base', 'lib', 'own2'], k),
      repo('o', ['lib', 'own3'], o),
    ], { base: 1000, lib: 300, own1: 7, own2: 11, own3: 5 }));

    // k1 joins: it alone holds own1 in its island (7 freed) ... and base is still held by k2 (not freed);
    //   the largest island gains own1 (7): saves 0.
    // k2 joins: frees lib 300 and own2 11 (base stays with k1), the largest island gains own2 11: saves 300.
    // o joins: frees lib 300 and own3 5, gains own3 5: saves 300.
    expect(report.outliers.map((x) => [x.repository, x.savingIfJoined.bytes])).toEqual([['k2', 300], ['o', 300], ['k1', 0]]);
    expect(report.outliers[0].savingIfJoined.perMonth).toBe(300 / GIB * 0.1);
  });

  test('savingIfJoined is exact: withSharing after moving the repository drops by exactly that much', () => {
    // GIVEN a generated registry: 30 repositories, 3 encryptions, blobs drawn from a small pool
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const encryptions = [{ type: 'AES256' }, { type: 'KMS', kmsKey: 'k1' }, { type: 'KMS', kmsKey: 'k2' }];
    const sizes: Record<string, number> = {};
    for (let b = 0; b < 40; b++) {
      sizes[`b${b}`] = 1 + Math.floor(next() * 1000);
    }
    const repos = Array.from({ length: 30 }, (_, i) => repo(`r${String(i).padStart(2, '0')}`,
      Object.keys(sizes).filter(() => next() < 0.2), encryptions[i < 15 ? 0 : i < 24 ? 1 : 2]));
    const before = computeRegistry(registry(repos, sizes));
    expect(before.outliers).toHaveLength(15);

    for (const outlier of before.outliers) {
      // WHEN the outlier is re-created in the largest island's encryption
      const moved = repos.map((r) => (r.name === outlier.repository ? { ...r, encryption: before.islands[0].encryption } : r));
      const after = computeRegistry(registry(moved, sizes));

      // THEN
      expect(before.bytes!.withSharing - after.bytes!.withSharing).toBe(outlier.savingIfJoined.bytes);
    }
    const savings = before.outliers.map((x) => x.savingIfJoined.bytes);
    expect(savings).toEqual([...savings].sort((x, y) => y - x));
  });

  test('money per month at the given price, GB = 2^30 bytes', () => {
    const report = computeRegistry(registry([repo('a', ['base']), repo('b', ['base'])], { base: 10 * GIB }), { pricePerGbMonth: 0.1 });

    expect(report.savings?.withSharing).toEqual({ bytes: 10 * GIB, percent: 50, perMonth: 1 });
  });

  test('unreadable parts are UNKNOWN with the reason; unreadable repositories give null bytes', () => {
    const report = computeRegistry(registry([], {}, {
      blobMounting: unknown('AccessDeniedException: denied (HTTP 400)'),
      repositories: unknown('AccessDeniedException: no ecr:DescribeRepositories (HTTP 400)'),
    }));

    expect(report.blobMounting).toBe('UNKNOWN');
    expect(report.bytes).toBeNull();
    const counts = [report.repositories, report.images, report.archivedImages, report.missingManifests, report.distinctBlobs];
    expect(counts).toEqual([null, null, null, null, null]);
    // something else was read: the registry is not unreadable
    expect(report.unreadable).toBeNull();
    expect(report.savings).toBeNull();
    expect(report.unknown).toEqual([
      { part: 'blobMounting', reason: 'AccessDeniedException: denied (HTTP 400)' },
      { part: 'repositories', reason: 'AccessDeniedException: no ecr:DescribeRepositories (HTTP 400)' },
    ]);
  });

  test('a registry of which nothing could be read says the reason once', () => {
    const cause = 'CredentialsProviderError: Could not load credentials from any providers';
    const report = computeRegistry(registry([], {}, {
      blobMounting: unknown(cause),
      repositories: unknown(cause),
      pullThroughCacheRules: unknown(cause),
      creationTemplates: unknown(cause),
      replication: unknown(cause),
    }));

    expect(report.unreadable).toBe(cause);
    expect(report.unknown).toHaveLength(5);
  });

  test('replication without a REPLICATION creation template, and a template outside the island, are advised', () => {
    const report = computeRegistry(registry([repo('a', ['x'])], { x: 1 }, {
      replication: known([{ region: 'us-east-1', registryId: '222222222222' }]),
      creationTemplates: known([{ prefix: 'ROOT', appliedFor: ['PULL_THROUGH_CACHE'], encryption: { type: 'KMS' } }]),
    }));

    expect(report.advisories).toEqual([
      "Creation template 'ROOT' (PULL_THROUGH_CACHE) creates repositories with KMS (aws/ecr), outside the largest island (AES256).",
      'Replication to 222222222222/us-east-1 has no REPLICATION creation template here: replicated repositories are created with AES256 at the destination unless its own template says otherwise.',
    ]);
  });
});

describe('computeReport', () => {
  test('totals over the registries whose repositories were read; registries sorted by account and region', () => {
    const one = registry([repo('a', ['x']), repo('b', ['x'])], { x: 100 }, { account: '222222222222' });
    const two = registry([repo('a', ['x'])], { x: 50 }, { region: 'us-east-1' });
    const blind = registry([], {}, { region: 'ap-south-1', repositories: unknown('denied') });

    const report = computeReport([one, two, blind], [{ account: '333333333333', operation: 'sts:AssumeRole', reason: 'AccessDenied' }]);

    expect(report.schemaVersion).toBe(2);
    expect(report.registries.map((r) => `${r.account} ${r.region}`)).toEqual(['111111111111 ap-south-1', '111111111111 us-east-1', '222222222222 eu-west-1']);
    expect(report.totals.bytes).toEqual({ withoutSharing: 250, withSharing: 150, oneIsland: 150 });
    expect(report.totals.savings.withSharing.percent).toBe(40);
    expect(report.errors).toEqual([{ account: '333333333333', operation: 'sts:AssumeRole', reason: 'AccessDenied' }]);
  });
});
