/**
 * The audit as a user runs it: the bundled bin (lib/audit/cli.js, built by bundle:audit before the
 * tests) as a child process against moto's server, with `--endpoint-url` and dummy credentials.
 * moto implements repositories with encryption, PutImage / BatchGetImage / DescribeImages,
 * DescribeRegistry, Organizations and STS; it answers HTTP 500 for GetAccountSetting,
 * pull-through cache rules and creation templates, which the report must show as UNKNOWN.
 * With CI=true a missing moto fails the run; elsewhere the suite is skipped and says why.
 */
import { spawn } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { buildFixture, FIXTURE_KMS_KEY, FixtureRepository, loadFixture } from './fixture';
import type { AuditReport } from '../../src/audit/compute';
import { Moto, motoUnavailable, startMoto } from '../support/moto';

// The SDK's Node 20 end-of-support notice, for the clients this file creates to load moto.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const BIN = join(__dirname, '..', '..', 'lib', 'audit', 'cli.js');
const MOTO_ACCOUNT = '123456789012';
const dummy = { accessKeyId: 'testing', secretAccessKey: 'testing' };

const unavailable = motoUnavailable();
const ci = process.env.CI === 'true';

if (unavailable && ci) {
  test('moto is installed (required with CI=true)', async () => {
    expect(unavailable).toBeUndefined();
  });
}
const suite = unavailable ? describe.skip : describe;
const title = unavailable ? `audit against moto (skipped: ${unavailable})` : 'audit against moto';

interface Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
interface Run { status: number | null; stdout: string; stderr: string }

// Each test runs the bundled bin as a child process: seconds on a busy 2-core machine, not jest's 5 s default.
jest.setTimeout(60_000);

suite(title, () => {
  let moto: Moto;
  // The environment of a user's shell: dummy keys, a region, no config files. NOT the SDK's
  // Node-version switch: the bin must keep stderr clean by itself.
  const userEnvironment: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: dummy.accessKeyId,
    AWS_SECRET_ACCESS_KEY: dummy.secretAccessKey,
    AWS_REGION: 'eu-west-1',
    // No retries of moto's HTTP 500 answers (the SDK reads the aws CLI's variable).
    AWS_MAX_ATTEMPTS: '1',
    AWS_CONFIG_FILE: join(__dirname, 'no-such-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(__dirname, 'no-such-credentials'),
    // No instance metadata service to wait for on a developer's machine or CI runner.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  // Asynchronous (not spawnSync): this process must keep draining moto's log pipe while the audit runs.
  const runWith = (env: Record<string, string | undefined>, ...args: string[]): Promise<Run> => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      timeout: 60_000,
      env: Object.fromEntries(Object.entries({ ...userEnvironment, ...env }).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += String(chunk); });
    child.stderr.on('data', (chunk) => { stderr += String(chunk); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  const run = (...args: string[]): Promise<Run> => runWith({}, ...args);
  const ecr = (region: string, credentials: Credentials = dummy) => new ECRClient({ region, endpoint: moto.endpoint, credentials });

  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  describe('the fixture registry (20 services, 3 base images, two islands)', () => {
    const fixture = buildFixture();
    const region = 'eu-west-1';

    beforeAll(async () => {
      const client = ecr(region);
      await loadFixture(client, fixture);
      client.destroy();
    }, 120_000);

    test('--json reports the islands, the bytes computed from the pushed manifests, and UNKNOWN with reasons', async () => {
      // WHEN
      const result = await run('audit', '--region', region, '--endpoint-url', moto.endpoint, '--json');

      // THEN
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(report.schemaVersion).toBe(2);
      expect(report.errors).toEqual([]);
      expect(report.registries).toHaveLength(1);
      const registry = report.registries[0];
      expect(registry).toMatchObject({ account: MOTO_ACCOUNT, region, blobMounting: 'UNKNOWN', repositories: 20 });
      expect(registry.islands.map((i) => [i.encryption, i.repositories.length])).toEqual([
        [{ type: 'AES256' }, 17],
        [{ type: 'KMS', kmsKey: FIXTURE_KMS_KEY }, 3],
      ]);
      expect(registry.islands[1].repositories).toEqual(['services/svc-18', 'services/svc-19', 'services/svc-20']);
      expect(registry.outliers.map((o) => o.repository).sort()).toEqual(['services/svc-18', 'services/svc-19', 'services/svc-20']);
      expect(registry.bytes).toEqual(expectedBytes(fixture));
      expect(registry.unknown.map((u) => u.part).sort()).toEqual(['blobMounting', 'creationTemplates', 'pullThroughCacheRules']);
      for (const part of registry.unknown) {
        expect(part.reason).toMatch(/HTTP 500/);
      }
    });

    test('the table names the islands, the order of the fix, the savings and the unknown parts, without a stack trace', async () => {
      const result = await run('audit', '--region', region, '--endpoint-url', moto.endpoint);

      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`Registry ${MOTO_ACCOUNT} ${region}`);
      expect(result.stdout).toMatch(/Blob mounting +unknown \(.*HTTP 500.*\)/);
      expect(result.stdout).toMatch(/Islands +2/);
      expect(result.stdout).toMatch(/Order of the fix .*\n.*saves if it joined\n +1 +services\/svc-\d\d +KMS arn:aws:kms:\S+ +[\d.]+ [KMG]iB \(\$\d+\.\d\d\/month\)/);
      expect(result.stdout).toMatch(/with sharing +[\d.]+ [KMG]iB +saves [\d.]+ [KMG]iB \([\d.]+%, \$\d+\.\d\d\/month\)/);
      expect(result.stdout).toMatch(/Unknown +pullThroughCacheRules: /);
      expect(result.stdout).toContain('Prices: $0.10/GB-month');
      expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    });

    test('--output json prints the same report as --json; no SDK notice on stderr under this Node', async () => {
      const output = await run('audit', '--region', region, '--endpoint-url', moto.endpoint, '--output', 'json');
      const alias = await run('audit', '--region', region, '--endpoint-url', moto.endpoint, '--json');

      expect(output.status).toBe(0);
      expect(output.stdout).toBe(alias.stdout);
      expect(output.stderr).toBe('');
      expect(output.stderr + alias.stderr).not.toContain('NodeVersionSupportWarning');
    });

    test('the order of the fix: outliers by their exact saving, which the moved registry confirms', async () => {
      const report = JSON.parse((await run('audit', '--region', region, '--endpoint-url', moto.endpoint, '--json')).stdout) as AuditReport;
      const registry = report.registries[0];

      const savings = registry.outliers.map((o) => o.savingIfJoined.bytes);
      expect(savings).toEqual([...savings].sort((a, b) => b - a));
      for (const outlier of registry.outliers) {
        // computed independently from the fixture: the registry with this repository in the AES256 island
        const moved = fixture.map((repo) => (repo.name === outlier.repository ? { ...repo, encryption: { type: 'AES256' as const } } : repo));
        expect(outlier.savingIfJoined.bytes).toBe(expectedBytes(fixture).withSharing - expectedBytes(moved).withSharing);
      }
    });

    test('--output html: one page with a chart, the islands and the order of the fix, nothing from the network', async () => {
      const result = await run('audit', '--region', region, '--endpoint-url', moto.endpoint, '--output', 'html');

      expect(result.status).toBe(0);
      expect(result.stdout.startsWith('<!doctype html>')).toBe(true);
      expect(result.stdout).toContain('<svg class="chart"');
      expect(result.stdout).toContain('<table class="islands">');
      expect(result.stdout).toContain('<table class="outliers">');
      expect(result.stdout).not.toMatch(/<script|<link|@import|url\(/i);
      // the only URL is the SVG namespace (a name, never fetched)
      expect(result.stdout.match(/https?:\/\/[^\s"']+/g)).toEqual(['http://www.w3.org/2000/svg']);
    });

    test('--fail-on islands,disabled exits 1 and says which condition held', async () => {
      const result = await run('audit', '--region', region, '--endpoint-url', moto.endpoint, '--fail-on', 'islands,disabled', '--markdown');

      expect(result.status).toBe(1);
      expect(result.stdout).toContain('| Registry | Blob mounting |');
      expect(result.stderr).toContain(`--fail-on islands: ${MOTO_ACCOUNT} ${region} has 2 encryption islands`);
      expect(result.stderr).toContain(`--fail-on disabled: ${MOTO_ACCOUNT} ${region} has BLOB_MOUNTING UNKNOWN`);
    });
  });

  test('an empty registry reads as zero bytes and one report line', async () => {
    const result = await run('audit', '--region', 'ap-south-1', '--endpoint-url', moto.endpoint, '--json');

    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as AuditReport;
    expect(report.registries[0]).toMatchObject({
      repositories: 0, islands: [], bytes: { withoutSharing: 0, withSharing: 0, oneIsland: 0 }, unreadable: null,
    });
  });

  test('no credentials: exit 3 and one line naming the cause', async () => {
    const result = await runWith({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }, 'audit', '--region', 'eu-west-1', '--endpoint-url', moto.endpoint,
      '--fail-on', 'islands');

    expect(result.status).toBe(3);
    expect(result.stderr).toBe('cdk-ecr-shared-layers: nothing could be read: CredentialsProviderError: Could not load credentials from any providers\n');
    // the report says it once, not once per part
    expect(result.stdout.match(/Could not load credentials/g)).toHaveLength(1);
  });

  test('an unreachable endpoint: exit 3 and one line naming the cause, also for a fleet', async () => {
    const single = await run('audit', '--region', 'eu-west-1', '--endpoint-url', 'http://127.0.0.1:9', '--json');
    const fleet = await run('audit', '--accounts', '111111111111,222222222222', '--region', 'eu-west-1,us-east-1', '--endpoint-url', 'http://127.0.0.1:9');

    expect(single.status).toBe(3);
    expect(single.stderr).toMatch(/^cdk-ecr-shared-layers: nothing could be read: .*ECONNREFUSED.*\n$/);
    expect((JSON.parse(single.stdout) as AuditReport).registries[0].unreadable).toMatch(/ECONNREFUSED/);
    expect(fleet.status).toBe(3);
    expect(fleet.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(fleet.stderr).toMatch(/sts:AssumeRole: .*ECONNREFUSED/);
  });

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };

    const result = await run('--version');

    expect(result).toEqual({ status: 0, stdout: `cdk-ecr-shared-layers ${version}\n`, stderr: '' });
  });

  test('the region as the aws CLI finds it: AWS_DEFAULT_REGION, then the profile\'s region; a misspelt one is a usage error', async () => {
    const home = mkdtempSync(join(tmpdir(), 'audit-profile-'));
    writeFileSync(join(home, 'config'), '[profile auditor]\nregion = ap-south-1\naws_access_key_id = testing\naws_secret_access_key = testing\n');

    const fromDefault = await runWith({ AWS_REGION: undefined, AWS_DEFAULT_REGION: 'ap-northeast-2' }, 'audit', '--endpoint-url', moto.endpoint, '--json');
    const fromProfile = await runWith({ AWS_REGION: undefined, AWS_CONFIG_FILE: join(home, 'config') },
      'audit', '--profile', 'auditor', '--endpoint-url', moto.endpoint, '--json');
    const misspelt = await runWith({ AWS_REGION: 'us-eats-1' }, 'audit', '--endpoint-url', moto.endpoint);

    expect((JSON.parse(fromDefault.stdout) as AuditReport).registries.map((r) => r.region)).toEqual(['ap-northeast-2']);
    expect((JSON.parse(fromProfile.stdout) as AuditReport).registries.map((r) => r.region)).toEqual(['ap-south-1']);
    expect(misspelt.status).toBe(2);
    expect(misspelt.stderr).toBe("cdk-ecr-shared-layers: AWS_REGION 'us-eats-1' is not a region name; expected like eu-west-1.\n");
  });

  test('a bad flag is a usage error that names the flag (exit 2), before any call', async () => {
    const result = await run('audit', '--region', 'eu-west-1', '--price-per-gb-month', 'cheap');

    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("--price-per-gb-month must be a non-negative number of USD, got 'cheap'");
  });

  describe('a fleet of accounts in an organization', () => {
    const region = 'eu-central-1';
    const accounts: string[] = [];
    const images = (name: string, layer: number) => JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 500, digest: `sha256:${'c'.repeat(63)}${layer}` },
      layers: [
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 4_000_000, digest: `sha256:${'b'.repeat(64)}` },
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 1000 * layer, digest: `sha256:${'a'.repeat(63)}${layer}` },
      ],
      annotations: { name },
    });

    beforeAll(async () => {
      const organizations = new OrganizationsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: dummy });
      await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
      for (const name of ['team-a', 'team-b']) {
        const created = await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
        accounts.push(created.CreateAccountStatus!.AccountId!);
      }
      organizations.destroy();
      const sts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: dummy });
      for (const [i, account] of accounts.entries()) {
        const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/setup`, RoleSessionName: 'setup' }));
        const c = assumed.Credentials!;
        const credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
        const client = ecr(region, credentials);
        // team-a: two repositories in one island; team-b: two islands.
        await client.send(new CreateRepositoryCommand({ repositoryName: 'app/one' }));
        await client.send(new CreateRepositoryCommand({
          repositoryName: 'app/two',
          encryptionConfiguration: i === 0 ? { encryptionType: 'AES256' } : { encryptionType: 'KMS' },
        }));
        await client.send(new PutImageCommand({ repositoryName: 'app/one', imageManifest: images('one', 1), imageTag: 'v1' }));
        await client.send(new PutImageCommand({ repositoryName: 'app/two', imageManifest: images('two', 2), imageTag: 'v1' }));
        client.destroy();
      }
      sts.destroy();
    }, 60_000);

    test('--accounts reads each account through its role and aggregates one report', async () => {
      const result = await run('audit', '--accounts', accounts.join(','), '--region', region, '--endpoint-url', moto.endpoint,
        '--role-name', 'auditor', '--json', '--concurrency', '2');

      expect(result.status).toBe(0);
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(report.registries.map((r) => [r.account, r.region, r.islands.length])).toEqual([
        [accounts[0], region, 1],
        [accounts[1], region, 2],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
      const teamA = report.registries.find((r) => r.account === accounts[0])!;
      // Shared: the 4,000,000-byte base layer is stored once in team-a's single island.
      const distinct = 4_000_000 + 1000 + 2000 + 2 * 500;
      expect(teamA.bytes).toEqual({ withoutSharing: distinct + 4_000_000, withSharing: distinct, oneIsland: distinct });
      const teamB = report.registries.find((r) => r.account === accounts[1])!;
      expect(teamB.bytes).toEqual({ withoutSharing: 2 * 4_000_000 + 4000, withSharing: 2 * 4_000_000 + 4000, oneIsland: 4_000_000 + 4000 });
      expect(report.totals.registries).toBe(2);
    });

    test('--organization lists the active accounts and reads every one', async () => {
      const result = await run('audit', '--organization', '--region', region, '--endpoint-url', moto.endpoint, '--json');

      expect(result.status).toBe(0);
      const report = JSON.parse(result.stdout) as AuditReport;
      const read = report.registries.map((r) => r.account);
      expect(read).toEqual(expect.arrayContaining([...accounts, MOTO_ACCOUNT]));
      expect(report.registries.find((r) => r.account === MOTO_ACCOUNT)).toMatchObject({ repositories: 0 });
    });
  });
});

/** The figures computed independently from the fixture's own manifests. */
function expectedBytes(fixture: readonly FixtureRepository[]) {
  const perRepository = fixture.map((repo) => {
    const blobs = new Map<string, number>();
    for (const image of repo.images) {
      const manifests = image.children.length > 0 ? image.children : [image.manifest];
      for (const text of manifests) {
        const m = JSON.parse(text) as { config: { digest: string; size: number }; layers: Array<{ digest: string; size: number }> };
        for (const blob of [m.config, ...m.layers]) {
          blobs.set(blob.digest, blob.size);
        }
      }
    }
    return { repo, blobs };
  });
  const union = (items: typeof perRepository) => {
    const all = new Map<string, number>();
    items.forEach((i) => i.blobs.forEach((size, digest) => all.set(digest, size)));
    return [...all.values()].reduce((a, b) => a + b, 0);
  };
  const aes = perRepository.filter((p) => p.repo.encryption.type === 'AES256');
  const kms = perRepository.filter((p) => p.repo.encryption.type === 'KMS');
  return {
    withoutSharing: perRepository.reduce((sum, p) => sum + union([p]), 0),
    withSharing: union(aes) + union(kms),
    oneIsland: union(perRepository),
  };
}
