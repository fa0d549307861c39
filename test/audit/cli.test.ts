import { readFileSync } from 'fs';
import { join } from 'path';
import {
  BatchGetImageCommand, DescribeImagesCommand, DescribePullThroughCacheRulesCommand, DescribeRegistryCommand,
  DescribeRepositoriesCommand, DescribeRepositoryCreationTemplatesCommand, ECRClient, GetAccountSettingCommand,
} from '@aws-sdk/client-ecr';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { AuditReport } from '../../src/audit';
import { EXIT_FAIL_ON, EXIT_NOTHING_READ, EXIT_OK, EXIT_USAGE, parseCommand, runCli } from '../../src/audit/cli';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'a';
process.env.AWS_SECRET_ACCESS_KEY = 's';

const ecr = mockClient(ECRClient);
const sts = mockClient(STSClient);
const organizations = mockClient(OrganizationsClient);

function io(isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { isTTY, write: (t: string) => err.push(t) } },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

beforeEach(() => {
  ecr.reset();
  sts.reset();
  organizations.reset();
  ecr.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: 'DISABLED' });
  ecr.on(DescribeRegistryCommand).resolves({ registryId: '111111111111' });
  ecr.on(DescribePullThroughCacheRulesCommand).resolves({});
  ecr.on(DescribeRepositoryCreationTemplatesCommand).resolves({});
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'a' }, { repositoryName: 'b', encryptionConfiguration: { encryptionType: 'KMS' } }] });
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: 'sha256:1' }] });
  ecr.on(BatchGetImageCommand).resolves({
    images: [{ imageId: { imageDigest: 'sha256:1' }, imageManifest: JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:c', size: 1 }, layers: [{ digest: 'sha256:l', size: 1024 }] }) }],
  });
  sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'k', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) } });
});

describe('usage errors name the flag (exit 2)', () => {
  test.each([
    [['audit', '--regoin', 'eu-west-1'], 'unknown flag --regoin'],
    [['audit', '--region', 'europe'], "--region 'europe' is not a region name; expected like eu-west-1"],
    [['audit', '--region', 'us-eats-1'], "--region 'us-eats-1' is not a region name; expected like eu-west-1"],
    [['audit', '--region', 'us-east'], "--region 'us-east' is not a region name"],
    [['audit', '--output', 'yaml'], "--output 'yaml' is not a format; expected table, json, markdown, html"],
    [['audit', '--output', 'html', '--json'], '--output html and --json cannot be used together: pick one output'],
    [['audit', '--accounts', '12345'], "--accounts '12345' is not an account id; expected 12 digits"],
    [['audit', '--accounts', '111111111111', '--organization'], '--accounts and --organization cannot be used together'],
    [['audit', '--role-name', 'r'], '--role-name applies to a fleet: add --accounts or --organization'],
    [['audit', '--concurrency', '0'], "--concurrency must be an integer from 1 to 256, got '0'"],
    [['audit', '--top', 'many'], "--top must be an integer from 0 to 100, got 'many'"],
    [['audit', '--price-per-gb-month=-1'], "--price-per-gb-month must be a non-negative number of USD, got '-1'"],
    [['audit', '--endpoint-url', 'localhost:4566'], "--endpoint-url 'localhost:4566' is not an http(s) URL"],
    [['audit', '--json', '--markdown'], '--json and --markdown cannot be used together'],
    [['audit', '--output'], '--output needs a value'],
    [['audit', '--fail-on', 'islands,drift'], "--fail-on 'drift' is not a condition; expected islands, disabled, unknown"],
    [['audit', '--region'], '--region needs a value'],
    [['audit', '--top', '-3'], "--top got a value that starts with '-': write it as --top=VALUE"],
    [[], 'missing command: expected `audit`'],
    [['inspect'], "unknown command 'inspect': expected `audit`"],
  ])('fails when given %j', async (argv, message) => {
    const out = io();

    const code = await runCli(argv, out.io);

    expect(code).toBe(EXIT_USAGE);
    expect(out.stderr()).toContain(message);
    expect(out.stderr()).toContain("Run 'cdk-ecr-shared-layers audit --help'");
    expect(out.stdout()).toBe('');
    expect(ecr.calls()).toHaveLength(0);
  });
});

test('flags parse into the options of audit(): comma lists and repeats', () => {
  const command = parseCommand(['audit', '--region', 'eu-west-1,us-east-1', '--region', 'ap-south-1', '--accounts', '111111111111,222222222222',
    '--role-name', 'auditor', '--concurrency', '32', '--price-per-gb-month', '0.07', '--fail-on', 'islands', '--fail-on', 'disabled', '--json']);

  expect(command).toEqual({
    help: false,
    format: 'json',
    failOn: ['islands', 'disabled'],
    options: expect.objectContaining({
      regions: ['eu-west-1', 'us-east-1', 'ap-south-1'],
      accounts: ['111111111111', '222222222222'],
      roleName: 'auditor',
      concurrency: 32,
      pricePerGbMonth: 0.07,
    }),
  });
});

test('region names: every partition the library knows, eusc- included', () => {
  const regions = ['eu-west-1', 'us-gov-west-1', 'cn-northwest-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1',
    'us-isof-south-1', 'eusc-de-east-1', 'ap-southeast-7', 'mx-central-1', 'ca-west-1', 'il-central-1'];

  const command = parseCommand(['audit', '--region', regions.join(',')]);

  expect(command.options.regions).toEqual(regions);
});

test('--output json is --json, --output markdown is --markdown; --output html and table', () => {
  expect(parseCommand(['audit', '--output', 'json']).format).toBe('json');
  expect(parseCommand(['audit', '--json']).format).toBe('json');
  expect(parseCommand(['audit', '--output=markdown', '--markdown']).format).toBe('markdown');
  expect(parseCommand(['audit', '--output', 'html']).format).toBe('html');
  expect(parseCommand(['audit']).format).toBe('table');
});

test('--help prints the flags and the exit codes', async () => {
  const out = io();

  expect(await runCli(['audit', '--help'], out.io)).toBe(EXIT_OK);
  expect(out.stdout()).toContain('--fail-on COND[,COND]');
  expect(out.stdout()).toContain('--output FORMAT');
  expect(out.stdout()).toContain('Exit codes: 0 report printed; 1 a --fail-on condition holds; 2 usage error; 3 nothing of a registry asked for could be read.');
});

test('--version prints the package version', async () => {
  const out = io();
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };

  expect(await runCli(['--version'], out.io)).toBe(EXIT_OK);
  expect(out.stdout()).toBe(`cdk-ecr-shared-layers ${version}\n`);
  expect(ecr.calls()).toHaveLength(0);
});

test('the table goes to stdout; progress goes to stderr only when stderr is a terminal', async () => {
  const piped = io(false);
  const terminal = io(true);

  expect(await runCli(['audit', '--region', 'eu-west-1'], piped.io)).toBe(EXIT_OK);
  expect(await runCli(['audit', '--region', 'eu-west-1'], terminal.io)).toBe(EXIT_OK);

  expect(piped.stderr()).toBe('');
  expect(terminal.stderr()).toContain('reading registries 1/1 (caller/eu-west-1)');
  // while the registry is read: repositories read of its total
  expect(terminal.stderr()).toContain('caller/eu-west-1: repositories 0/2');
  expect(terminal.stderr()).toContain('caller/eu-west-1: repositories 2/2');
  expect(piped.stdout()).toContain('Registry 111111111111 eu-west-1');
  expect(piped.stdout()).toMatch(/Blob mounting +DISABLED/);
  expect(terminal.stdout()).toBe(piped.stdout());
});

test('--fail-on islands,disabled exits 1 and names each condition on stderr', async () => {
  const out = io();

  const code = await runCli(['audit', '--region', 'eu-west-1', '--fail-on', 'islands,disabled', '--json'], out.io);

  expect(code).toBe(EXIT_FAIL_ON);
  expect(out.stderr()).toBe('cdk-ecr-shared-layers: --fail-on islands: 111111111111 eu-west-1 has 2 encryption islands\n'
    + 'cdk-ecr-shared-layers: --fail-on disabled: 111111111111 eu-west-1 has BLOB_MOUNTING DISABLED\n');
  expect((JSON.parse(out.stdout()) as AuditReport).registries[0].islands).toHaveLength(2);
});

test('fleet: one account whose role cannot be assumed is an error in the report; the others are read; exit 3 names it', async () => {
  sts.on(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::222222222222:role/cdk-ecr-shared-layers-audit' }).rejects(new STSServiceException({
    name: 'AccessDenied', message: 'not authorized to perform sts:AssumeRole', $fault: 'client', $metadata: { httpStatusCode: 403 },
  }));
  const out = io();

  const code = await runCli(['audit', '--accounts', '111111111111,222222222222', '--region', 'eu-west-1,us-east-1', '--json'], out.io);

  expect(code).toBe(EXIT_NOTHING_READ);
  expect(out.stderr()).toBe('cdk-ecr-shared-layers: nothing could be read of 222222222222 eu-west-1, 222222222222 us-east-1: '
    + 'sts:AssumeRole: AccessDenied: not authorized to perform sts:AssumeRole (HTTP 403)\n');
  const report = JSON.parse(out.stdout()) as AuditReport;
  expect(report.registries.map((r) => `${r.account} ${r.region}`)).toEqual(['111111111111 eu-west-1', '111111111111 us-east-1']);
  expect(report.errors).toEqual([
    { account: '222222222222', region: 'eu-west-1', operation: 'sts:AssumeRole', reason: 'AccessDenied: not authorized to perform sts:AssumeRole (HTTP 403)' },
    { account: '222222222222', region: 'us-east-1', operation: 'sts:AssumeRole', reason: 'AccessDenied: not authorized to perform sts:AssumeRole (HTTP 403)' },
  ]);
  // one AssumeRole per account, shared by its regions (plus the failed account's retry per region)
  expect(sts.commandCalls(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::111111111111:role/cdk-ecr-shared-layers-audit' })).toHaveLength(1);
});

test('--organization reads the ACTIVE accounts only, over every page', async () => {
  organizations.on(ListAccountsCommand)
    .resolvesOnce({ Accounts: [{ Id: '111111111111', Status: 'ACTIVE' }, { Id: '333333333333', Status: 'SUSPENDED' }], NextToken: 'n' })
    .resolvesOnce({ Accounts: [{ Id: '222222222222', Status: 'ACTIVE' }] });
  const out = io();

  expect(await runCli(['audit', '--organization', '--region', 'eu-west-1', '--json'], out.io)).toBe(EXIT_OK);

  const report = JSON.parse(out.stdout()) as AuditReport;
  expect(report.registries.map((r) => r.account)).toEqual(['111111111111', '222222222222']);
  expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
    'arn:aws:iam::111111111111:role/cdk-ecr-shared-layers-audit', 'arn:aws:iam::222222222222:role/cdk-ecr-shared-layers-audit',
  ]);
});

test('nothing readable: the report shows the errors and the exit code is 3, with no stack trace', async () => {
  sts.on(AssumeRoleCommand).rejects(new STSServiceException({ name: 'ExpiredToken', message: 'expired', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
  const out = io();

  const code = await runCli(['audit', '--accounts', '111111111111', '--region', 'eu-west-1'], out.io);

  expect(code).toBe(EXIT_NOTHING_READ);
  expect(out.stdout()).toContain('Not read 111111111111 eu-west-1: sts:AssumeRole: ExpiredToken: expired (HTTP 400)');
  expect(out.stderr()).toBe('cdk-ecr-shared-layers: nothing could be read: sts:AssumeRole: ExpiredToken: expired (HTTP 400)\n');
  expect(out.stdout() + out.stderr()).not.toMatch(/\n\s+at /);
});

test('every part of every registry denied: exit 3 with the cause said once, also with --fail-on', async () => {
  // GIVEN credentials that ECR refuses for every call, in two regions
  ecr.reset();
  ecr.onAnyCommand().rejects(new STSServiceException({
    name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.', $fault: 'client', $metadata: { httpStatusCode: 400 },
  }));
  const out = io();

  const code = await runCli(['audit', '--region', 'eu-west-1,us-east-1', '--fail-on', 'islands,disabled'], out.io);

  expect(code).toBe(EXIT_NOTHING_READ);
  expect(out.stderr()).toBe('cdk-ecr-shared-layers: nothing could be read: UnrecognizedClientException: The security token included in the request is invalid. (HTTP 400)\n');
  // the table says it once per registry, not once per part
  expect(out.stdout().match(/security token/g)).toHaveLength(2);
  expect(out.stdout()).toContain('Not read        UnrecognizedClientException');
});

test('one registry read, another not at all: the report is printed with both, exit 3 names the unread one (--fail-on or not)', async () => {
  const denied = new STSServiceException({ name: 'AccessDeniedException', message: 'denied', $fault: 'client', $metadata: { httpStatusCode: 400 } });
  ecr.reset();
  ecr.onAnyCommand().callsFake(async (_input: unknown, getClient: () => ECRClient) => {
    if (await getClient().config.region() === 'us-east-1') {
      throw denied;
    }
    return { registryId: '111111111111', repositories: [], imageDetails: [], name: 'BLOB_MOUNTING', value: 'ENABLED' };
  });
  const lenient = io();
  const strict = io();

  expect(await runCli(['audit', '--region', 'eu-west-1,us-east-1'], lenient.io)).toBe(EXIT_NOTHING_READ);
  expect(await runCli(['audit', '--region', 'eu-west-1,us-east-1', '--fail-on', 'unknown'], strict.io)).toBe(EXIT_NOTHING_READ);
  for (const run of [lenient, strict]) {
    expect(run.stdout()).toContain('Registry 111111111111 eu-west-1');
    expect(run.stdout()).toContain('Registry UNKNOWN us-east-1');
    expect(run.stderr()).toBe('cdk-ecr-shared-layers: nothing could be read of UNKNOWN us-east-1: AccessDeniedException: denied (HTTP 400)\n');
  }
});

test('--markdown renders a summary table and the findings', async () => {
  const out = io();

  await runCli(['audit', '--region', 'eu-west-1', '--markdown'], out.io);

  expect(out.stdout()).toContain('| 111111111111 eu-west-1 | DISABLED | 2 | 2 |');
  expect(out.stdout()).toContain('### Findings');
  expect(out.stdout()).toMatch(/- 111111111111 eu-west-1: fix 1 \(saves 1\.0 KiB, \$0\.00\/month\): b \(KMS \(aws\/ecr\)\) cannot mount blobs from the largest island \(AES256\)\./);
});

test('--concurrency bounds the repositories read at once within a registry', async () => {
  // GIVEN a registry of 12 repositories whose DescribeImages answers after 20 ms
  const names = Array.from({ length: 12 }, (_, i) => ({ repositoryName: `r${i}` }));
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: names });
  let inFlight = 0;
  let most = 0;
  ecr.on(DescribeImagesCommand).callsFake(async () => {
    most = Math.max(most, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 20));
    inFlight--;
    return { imageDetails: [{ imageDigest: 'sha256:1' }] };
  });
  const widths: number[] = [];

  for (const concurrency of ['1', '5']) {
    most = 0;
    const out = io();
    // WHEN
    expect(await runCli(['audit', '--region', 'eu-west-1', '--concurrency', concurrency, '--json'], out.io)).toBe(EXIT_OK);
    widths.push(most);
    expect((JSON.parse(out.stdout()) as AuditReport).registries[0].repositories).toBe(12);
  }

  // THEN
  expect(widths).toEqual([1, 5]);
});
