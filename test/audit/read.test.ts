import {
  BatchGetImageCommand, DescribeImagesCommand, DescribePullThroughCacheRulesCommand, DescribeRegistryCommand,
  DescribeRepositoriesCommand, DescribeRepositoryCreationTemplatesCommand, ECRClient, ECRServiceException, GetAccountSettingCommand,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { readRegistry } from '../../src/audit/read';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ecr = mockClient(ECRClient);
const credentials = { accessKeyId: 'a', secretAccessKey: 's' };
const client = () => new ECRClient({ region: 'eu-west-1', credentials });

const digest = (n: number | string) => `sha256:${String(n).padStart(64, '0')}`;
const manifest = (layers: Array<[string, number]>, config: [string, number] = ['cfg', 10]) => JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { digest: digest(config[0]), size: config[1] },
  layers: layers.map(([d, size]) => ({ digest: digest(d), size })),
});
const denied = (message: string) => new ECRServiceException({
  name: 'AccessDeniedException', message, $fault: 'client', $metadata: { httpStatusCode: 400 },
});

beforeEach(() => {
  ecr.reset();
  ecr.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: 'ENABLED' });
  ecr.on(DescribeRegistryCommand).resolves({ registryId: '111111111111' });
  ecr.on(DescribePullThroughCacheRulesCommand).resolves({ pullThroughCacheRules: [] });
  ecr.on(DescribeRepositoryCreationTemplatesCommand).resolves({ repositoryCreationTemplates: [] });
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [] });
});

test('pages of repositories and images, then one BatchGetImage per 100 images (the floor)', async () => {
  // GIVEN two pages of repositories; 'big' has 150 images over two pages
  ecr.on(DescribeRepositoriesCommand)
    .resolvesOnce({ repositories: [{ repositoryName: 'big', registryId: '111111111111' }], nextToken: 't' })
    .resolvesOnce({ repositories: [{ repositoryName: 'small', encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'k' } }] });
  const ids = Array.from({ length: 150 }, (_, i) => digest(`img${i}`));
  ecr.on(DescribeImagesCommand, { repositoryName: 'big' })
    .resolvesOnce({ imageDetails: ids.slice(0, 100).map((imageDigest) => ({ imageDigest })), nextToken: 'p' })
    .resolvesOnce({ imageDetails: ids.slice(100).map((imageDigest) => ({ imageDigest, imageStatus: 'ARCHIVED' })) });
  ecr.on(DescribeImagesCommand, { repositoryName: 'small' }).resolves({ imageDetails: [{ imageDigest: digest('s') }] });
  ecr.on(BatchGetImageCommand).callsFake((input: { imageIds: Array<{ imageDigest: string }> }) => ({
    images: input.imageIds.map((id) => ({ imageId: id, imageManifest: manifest([['base', 1000], [id.imageDigest.slice(-6), 1]]) })),
  }));

  // WHEN
  const model = await readRegistry({ client: client(), region: 'eu-west-1' });

  // THEN
  expect(ecr).toHaveReceivedCommandTimes(DescribeRepositoriesCommand, 2);
  expect(ecr).toHaveReceivedCommandTimes(DescribeImagesCommand, 3);
  expect(ecr).toHaveReceivedCommandWith(DescribeImagesCommand, { repositoryName: 'big', filter: { imageStatus: 'ANY' }, maxResults: 1000 });
  expect(ecr.commandCalls(BatchGetImageCommand).map((c) => [c.args[0].input.repositoryName, c.args[0].input.imageIds?.length]))
    .toEqual(expect.arrayContaining([['big', 100], ['big', 50], ['small', 1]]));
  expect(ecr.commandCalls(BatchGetImageCommand)[0].args[0].input.acceptedMediaTypes).toEqual(expect.arrayContaining([
    'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json',
  ]));
  // 4 registry-wide reads + 2 + 3 + 3
  expect(model.apiCalls).toBe(12);
  expect(model.account).toBe('111111111111');
  const repos = model.repositories.state === 'KNOWN' ? model.repositories.value : [];
  expect(repos.map((r) => [r.name, r.images, r.archivedImages, r.blobs.size, r.encryption])).toEqual([
    ['big', 150, 50, 152, { type: 'AES256' }],
    ['small', 1, 0, 3, { type: 'KMS', kmsKey: 'k' }],
  ]);
  expect(model.blobSizes.get(digest('base'))).toBe(1000);
});

test('an OCI index / manifest list: its child manifests are fetched when DescribeImages did not list them', async () => {
  const amd = manifest([['amd-layer', 300]]);
  const arm = manifest([['arm-layer', 200]]);
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'multi' }] });
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: digest('index') }] });
  ecr.on(BatchGetImageCommand, { imageIds: [{ imageDigest: digest('index') }] }).resolves({
    images: [{
      imageId: { imageDigest: digest('index') },
      imageManifest: JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
        manifests: [{ digest: digest('amd') }, { digest: digest('arm') }],
      }),
    }],
  });
  ecr.on(BatchGetImageCommand, { imageIds: [{ imageDigest: digest('amd') }, { imageDigest: digest('arm') }] }).resolves({
    images: [{ imageId: { imageDigest: digest('amd') }, imageManifest: amd }, { imageId: { imageDigest: digest('arm') }, imageManifest: arm }],
  });

  const model = await readRegistry({ client: client(), region: 'eu-west-1' });

  expect(ecr).toHaveReceivedCommandTimes(BatchGetImageCommand, 2);
  const [multi] = model.repositories.state === 'KNOWN' ? model.repositories.value : [];
  expect([...multi.blobs].sort()).toEqual([digest('amd-layer'), digest('arm-layer'), digest('cfg')].sort());
});

test('images whose manifest is missing or unsized are counted, not fatal', async () => {
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'r' }] });
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: digest(1) }, { imageDigest: digest(2) }, { imageDigest: digest(3) }] });
  ecr.on(BatchGetImageCommand).resolves({
    images: [
      { imageId: { imageDigest: digest(1) }, imageManifest: manifest([['l', 5]]) },
      { imageId: { imageDigest: digest(3) }, imageManifest: JSON.stringify({ schemaVersion: 1, fsLayers: [{ blobSum: digest('old') }] }) },
    ],
    failures: [{ imageId: { imageDigest: digest(2) }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }],
  });

  const model = await readRegistry({ client: client(), region: 'eu-west-1' });

  const [r] = model.repositories.state === 'KNOWN' ? model.repositories.value : [];
  expect(r.missingManifests).toBe(2);
  expect(r.blobs.size).toBe(2);
});

test.each([
  ['AccessDenied', denied('User is not authorized to perform: ecr:GetAccountSetting'),
    'AccessDeniedException: User is not authorized to perform: ecr:GetAccountSetting (HTTP 400)'],
  ['a server error after retries', new ECRServiceException({ name: 'ServerException', message: 'internal', $fault: 'server', $metadata: { httpStatusCode: 500 } }),
    'ServerException: internal (HTTP 500)'],
  ['an operation the endpoint does not implement', Object.assign(new SyntaxError('Unexpected token < Deserialization error: to see the raw response...'), { $metadata: { httpStatusCode: 500 } }),
    'the endpoint answered without an API response (HTTP 500): the operation is not supported there (or the service failed)'],
])('GetAccountSetting failing with %s makes blobMounting UNKNOWN with the reason', async (_, error, reason) => {
  ecr.on(GetAccountSettingCommand).rejects(error);

  const model = await readRegistry({ client: client(), region: 'eu-west-1' });

  expect(model.blobMounting).toEqual({ state: 'UNKNOWN', reason });
  expect(model.repositories.state).toBe('KNOWN');
});

test('an unexpected setting value is UNKNOWN, not trusted', async () => {
  ecr.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: 'MAYBE' });

  const model = await readRegistry({ client: client(), region: 'eu-west-1' });

  expect(model.blobMounting).toEqual({ state: 'UNKNOWN', reason: expect.stringContaining('"MAYBE"') });
});

test('pull-through cache rules mark their repositories; creation templates and replication are read', async () => {
  ecr.on(DescribePullThroughCacheRulesCommand).resolves({ pullThroughCacheRules: [{ ecrRepositoryPrefix: 'ecr-public', upstreamRegistryUrl: 'public.ecr.aws' }] });
  ecr.on(DescribeRepositoryCreationTemplatesCommand).resolves({
    repositoryCreationTemplates: [{ prefix: 'ROOT', appliedFor: ['REPLICATION'], encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'k' } }],
  });
  ecr.on(DescribeRegistryCommand).resolves({
    registryId: '111111111111',
    replicationConfiguration: { rules: [{ destinations: [{ region: 'us-east-1', registryId: '222222222222' }] }] },
  });
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'ecr-public/nginx' }, { repositoryName: 'ecr-publicity' }] });
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });

  const model = await readRegistry({ client: client(), region: 'eu-west-1' });

  const repos = model.repositories.state === 'KNOWN' ? model.repositories.value : [];
  expect(repos.map((r) => [r.name, r.pullThroughCache])).toEqual([['ecr-public/nginx', true], ['ecr-publicity', false]]);
  expect(model.creationTemplates).toEqual({ state: 'KNOWN', value: [{ prefix: 'ROOT', appliedFor: ['REPLICATION'], encryption: { type: 'KMS', kmsKey: 'k' } }] });
  expect(model.replication).toEqual({ state: 'KNOWN', value: [{ region: 'us-east-1', registryId: '222222222222' }] });
});
