import { Readable } from 'stream';
import { ECRClient } from '@aws-sdk/client-ecr';
import { clientSettings } from '../../src/audit';
import { readRegistry } from '../../src/audit/read';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const credentials = { accessKeyId: 'a', secretAccessKey: 's' };

describe('the SDK client the audit configures', () => {
  test('throttling is retried by the SDK (adaptive retry mode), then the read succeeds', async () => {
    // GIVEN an endpoint that throttles the first GetAccountSetting, answers every call after
    let throttled = 0;
    const requestHandler = {
      handle: async (request: { headers: Record<string, string> }) => {
        const target = request.headers['x-amz-target'] ?? '';
        const json = (statusCode: number, body: object) => ({
          response: { statusCode, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([JSON.stringify(body)]) },
        });
        if (target.endsWith('GetAccountSetting') && throttled === 0) {
          throttled++;
          return json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
        }
        if (target.endsWith('GetAccountSetting')) {
          return json(200, { name: 'BLOB_MOUNTING', value: 'ENABLED' });
        }
        return json(200, target.endsWith('DescribeRegistry') ? { registryId: '111111111111' } : {});
      },
    };
    const real = new ECRClient({ ...clientSettings({}), region: 'eu-west-1', credentials, requestHandler, maxAttempts: 3 });

    // WHEN
    const model = await readRegistry({ client: real, region: 'eu-west-1' });

    // THEN
    expect(clientSettings({}).retryMode).toBe('adaptive');
    expect(throttled).toBe(1);
    expect(model.blobMounting).toEqual({ state: 'KNOWN', value: 'ENABLED' });
    // requests sent, the retry included: GetAccountSetting twice, DescribeRegistry, the two other
    // registry-wide lists and one page of DescribeRepositories
    expect(model.apiCalls).toBe(6);
  });
});
