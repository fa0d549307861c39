/**
 * The audit's report of who relies on BLOB_MOUNTING: the owners the account-setting handler records
 * in SSM Parameter Store (moto's server here), and records made by other tools.
 */
import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { ownerLabel, ownerParameterName, ownerRecordValue, ownersPath, parseOwnerRecord } from '../../src/account-settings/contract';
import { computeReport } from '../../src/audit/compute';
import { known, RegistryModel } from '../../src/audit/model';
import { renderJson, renderTable } from '../../src/audit/render';
import { BLOB_MOUNTING_OWNERS_PATH, parseOwner, readBlobMountingOwners } from '../../src/audit/setting-owners';
import { Moto, motoUnavailable, startMoto } from '../support/moto';

const APP_STACK = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/TeamApp/1b2c3d4e-0000-1111-2222-333344445555';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

function registry(overrides: Partial<RegistryModel>): RegistryModel {
  return {
    account: '123456789012',
    region: 'eu-west-1',
    blobMounting: known('ENABLED'),
    repositories: known([]),
    blobSizes: new Map(),
    pullThroughCacheRules: known([]),
    creationTemplates: known([]),
    replication: known([]),
    apiCalls: 0,
    ...overrides,
  };
}

describe('the audit reads owner records as the account-setting handler writes them', () => {
  test('the same path', () => {
    expect(BLOB_MOUNTING_OWNERS_PATH).toBe(ownersPath('BLOB_MOUNTING'));
  });

  test.each([
    ['a handler record', ownerRecordValue('ENABLED', APP_STACK, 'RegistryBlobMounting')],
    ['a plain value', 'ENABLED'],
    ['a record naming no stack', '{"value":"DISABLED"}'],
    ['text that is not a value', '  something else '],
  ])('the same owner and value from %s', (_case, text) => {
    const name = `${BLOB_MOUNTING_OWNERS_PATH}/x`;
    const record = parseOwnerRecord(name, text);
    expect(parseOwner(name, text)).toEqual({ owner: ownerLabel(record), value: record.value });
  });
});

const unavailable = motoUnavailable();
if (unavailable && process.env.CI === 'true') {
  test('moto is installed (required with CI=true)', () => {
    expect(unavailable).toBeUndefined();
  });
}

(unavailable ? describe.skip : describe)('recorded owners of BLOB_MOUNTING, read from SSM', () => {
  let moto: Moto;
  beforeAll(async () => { moto = await startMoto(); }, 60_000);
  afterAll(() => moto.stop());

  test('lists each owner (stack id and logical id, or the record\'s name) with the value it asks for, and the table shows them', async () => {
    // GIVEN: a stack's Custom::EcrAccountSetting recorded itself; Terraform recorded itself by hand
    const ssm = new SSMClient({ endpoint: moto.endpoint, region: 'eu-west-1', credentials });
    await ssm.send(new PutParameterCommand({
      Name: ownerParameterName('BLOB_MOUNTING', APP_STACK, 'RegistryBlobMounting'),
      Value: ownerRecordValue('ENABLED', APP_STACK, 'RegistryBlobMounting'),
      Type: 'String',
    }));
    await ssm.send(new PutParameterCommand({ Name: '/cdk-ecr-shared-layers/account-settings/BLOB_MOUNTING/terraform', Value: 'ENABLED', Type: 'String' }));
    await ssm.send(new PutParameterCommand({ Name: '/cdk-ecr-shared-layers/account-settings/REGISTRY_POLICY_SCOPE/x', Value: 'V2', Type: 'String' }));

    // WHEN
    const owners = await readBlobMountingOwners(ssm);
    const report = computeReport([registry({ blobMountingOwners: owners })], []);

    // THEN
    expect(owners).toEqual(known([
      { owner: '/cdk-ecr-shared-layers/account-settings/BLOB_MOUNTING/terraform', value: 'ENABLED' },
      { owner: `${APP_STACK} RegistryBlobMounting`, value: 'ENABLED' },
    ]));
    const text = renderTable(report);
    expect(text).toContain(`  Owners          /cdk-ecr-shared-layers/account-settings/BLOB_MOUNTING/terraform (ENABLED); ${APP_STACK} RegistryBlobMounting (ENABLED)`);
    expect(JSON.parse(renderJson(report))
      .registries[0].blobMountingOwners.value).toHaveLength(2);
  }, 30_000);
});

describe('recorded owners that cannot be read', () => {
  test('are UNKNOWN with the reason, and the table says so', async () => {
    // GIVEN
    const mock = mockClient(SSMClient);
    mock.on(GetParametersByPathCommand).rejects(Object.assign(new Error('not authorized to perform: ssm:GetParametersByPath'), { name: 'AccessDeniedException' }));

    // WHEN
    const owners = await readBlobMountingOwners(new SSMClient({ region: 'eu-west-1', credentials }));
    const report = computeReport([registry({ blobMountingOwners: owners })], []);
    mock.restore();

    // THEN
    expect(owners).toEqual({ state: 'UNKNOWN', reason: 'AccessDeniedException: not authorized to perform: ssm:GetParametersByPath' });
    expect(renderTable(report))
      .toContain('  Owners          unknown (AccessDeniedException: not authorized to perform: ssm:GetParametersByPath)');
  });

  test('a registry read without them shows no owners line', () => {
    const report = computeReport([registry({})], []);
    expect(renderTable(report)).not.toContain('Owners');
  });
});
