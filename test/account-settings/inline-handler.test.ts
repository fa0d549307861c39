/**
 * Runs the BUNDLED handler: the exact string that goes into the template's Code.ZipFile,
 * evaluated as CommonJS the way Lambda loads index.js.
 */
import http from 'http';
import { AddressInfo } from 'net';
import {
  ECRClient,
  GetAccountSettingCommand,
  InvalidParameterException,
  PutAccountSettingCommand,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { CloudFormationEvent, CloudFormationResponse, LambdaContext } from '../../src/account-settings/handler';
import { ACCOUNT_SETTING_HANDLER_CODE } from '../../src/account-settings/handler-code.generated';

type Handler = (event: CloudFormationEvent, context: LambdaContext) => Promise<void>;

/** Evaluates the inline code as Lambda's index.js, with this file's `require` (so the ECR client is the mocked one). */
function loadInlineHandler(): Handler {
  const module: { exports: { handler?: Handler } } = { exports: {} };
  const evaluate = new Function('exports', 'require', 'module', '__filename', '__dirname', ACCOUNT_SETTING_HANDLER_CODE);
  evaluate(module.exports, require, module, '/var/task/index.js', '/var/task');
  if (typeof module.exports.handler !== 'function') {
    throw new Error('The inline code does not export a handler function');
  }
  return module.exports.handler;
}

const ecrMock = mockClient(ECRClient);
const received: CloudFormationResponse[] = [];
let server: http.Server;
let baseUrl: string;
let handler: Handler;

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Baseline/2f3c4d5e-0000-1111-2222-333344445555';
const REQUEST_ID = 'a1b2c3d4-5678-90ab-cdef-1234567890ab';
const LOGICAL_ID = 'BlobMounting1A2B3C4D';
const PHYSICAL_ID = 'EcrAccountSetting:BLOB_MOUNTING';
const RETAIN_PROPS = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:Baseline-EcrAccountSettingProvider',
  SettingName: 'BLOB_MOUNTING',
  SettingValue: 'ENABLED',
  OnDelete: 'RETAIN',
  PropertiesVersion: '1',
};
const RESET_PROPS = { ...RETAIN_PROPS, OnDelete: 'RESET', ResetValue: 'DISABLED' };
const ECHOED = { StackId: STACK_ID, RequestId: REQUEST_ID, LogicalResourceId: LOGICAL_ID, NoEcho: false };
const CONTEXT: LambdaContext = { getRemainingTimeInMillis: () => 300_000 };
/** The timer fires after 3100 - 3000 = 100 ms. */
const SHORT_CONTEXT: LambdaContext = { getRemainingTimeInMillis: () => 3100 };

function createEvent(props: Record<string, unknown> = RETAIN_PROPS): CloudFormationEvent {
  return {
    RequestType: 'Create',
    ResponseURL: `${baseUrl}/cloudformation-response?X-Amz-Signature=secret-signature`,
    StackId: STACK_ID,
    RequestId: REQUEST_ID,
    LogicalResourceId: LOGICAL_ID,
    ResourceType: 'Custom::EcrAccountSetting',
    ResourceProperties: props,
  };
}

function updateEvent(props: Record<string, unknown>, oldProps: Record<string, unknown>): CloudFormationEvent {
  return { ...createEvent(props), RequestType: 'Update', PhysicalResourceId: PHYSICAL_ID, OldResourceProperties: oldProps };
}

function deleteEvent(props: Record<string, unknown>): CloudFormationEvent {
  return { ...createEvent(props), RequestType: 'Delete', PhysicalResourceId: PHYSICAL_ID };
}

/** The one response the handler sent; fails the test if it sent none or several. */
function theResponse(): CloudFormationResponse {
  expect(received).toHaveLength(1);
  return received[0];
}

function mockSetting(current: string): void {
  ecrMock.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: current });
  ecrMock.on(PutAccountSettingCommand).callsFake((input: { name: string; value: string }) => input);
}

beforeAll(async () => {
  handler = loadInlineHandler();
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { body += chunk; });
    req.on('end', () => {
      if (req.method === 'PUT') {
        received.push(JSON.parse(body));
      }
      res.writeHead(req.method === 'PUT' ? 200 : 405);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});

beforeEach(() => {
  ecrMock.reset();
  received.length = 0;
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('the inline code', () => {
  test('requires nothing but http, https and @aws-sdk/client-ecr', () => {
    // WHEN
    const required = [...ACCOUNT_SETTING_HANDLER_CODE.matchAll(/\brequire\s*\(([^)]*)\)/g)].map((m) => m[1].trim());

    // THEN
    expect(new Set(required)).toEqual(new Set(['"http"', '"https"', '"@aws-sdk/client-ecr"']));
    expect(ACCOUNT_SETTING_HANDLER_CODE).not.toMatch(/\bimport\s*\(/);
  });

  test('is under 4096 bytes', () => {
    expect(Buffer.byteLength(ACCOUNT_SETTING_HANDLER_CODE, 'utf8')).toBeLessThan(4096);
  });

  test('exports the handler as index.handler', () => {
    expect(loadInlineHandler()).toEqual(expect.any(Function));
  });
});

describe('the inline handler', () => {
  test('Create turns the setting on', async () => {
    // GIVEN
    mockSetting('DISABLED');

    // WHEN
    await handler(createEvent(), CONTEXT);

    // THEN
    expect(theResponse()).toStrictEqual({
      Status: 'SUCCESS',
      Reason: 'BLOB_MOUNTING is ENABLED.',
      PhysicalResourceId: PHYSICAL_ID,
      ...ECHOED,
      Data: { PreviousValue: 'DISABLED', Value: 'ENABLED' },
    });
    expect(ecrMock.calls()).toHaveLength(2);
    expect(ecrMock).toHaveReceivedNthCommandWith(1, GetAccountSettingCommand, { name: 'BLOB_MOUNTING' });
    expect(ecrMock).toHaveReceivedNthCommandWith(2, PutAccountSettingCommand, { name: 'BLOB_MOUNTING', value: 'ENABLED' });
  });

  test('an Update that changes nothing only reads the setting', async () => {
    // GIVEN
    mockSetting('ENABLED');

    // WHEN
    await handler(updateEvent(RETAIN_PROPS, RETAIN_PROPS), CONTEXT);

    // THEN
    expect(theResponse()).toStrictEqual({
      Status: 'SUCCESS',
      Reason: 'BLOB_MOUNTING is ENABLED.',
      PhysicalResourceId: PHYSICAL_ID,
      ...ECHOED,
      Data: { PreviousValue: 'ENABLED', Value: 'ENABLED' },
    });
    expect(ecrMock).toHaveReceivedCommandTimes(GetAccountSettingCommand, 1);
    expect(ecrMock).toHaveReceivedCommandTimes(PutAccountSettingCommand, 0);
  });

  test('a changed Update writes the new value', async () => {
    // GIVEN
    mockSetting('ENABLED');

    // WHEN
    await handler(updateEvent({ ...RETAIN_PROPS, SettingValue: 'DISABLED' }, RETAIN_PROPS), CONTEXT);

    // THEN
    expect(theResponse()).toStrictEqual({
      Status: 'SUCCESS',
      Reason: 'BLOB_MOUNTING is DISABLED.',
      PhysicalResourceId: PHYSICAL_ID,
      ...ECHOED,
      Data: { PreviousValue: 'ENABLED', Value: 'DISABLED' },
    });
    expect(ecrMock.calls()).toHaveLength(2);
    expect(ecrMock).toHaveReceivedNthCommandWith(1, GetAccountSettingCommand, { name: 'BLOB_MOUNTING' });
    expect(ecrMock).toHaveReceivedNthCommandWith(2, PutAccountSettingCommand, { name: 'BLOB_MOUNTING', value: 'DISABLED' });
  });

  test('Delete with OnDelete RETAIN leaves the setting', async () => {
    // WHEN
    await handler(deleteEvent(RETAIN_PROPS), CONTEXT);

    // THEN
    expect(theResponse()).toStrictEqual({
      Status: 'SUCCESS',
      Reason: 'BLOB_MOUNTING left as it is (RETAIN).',
      PhysicalResourceId: PHYSICAL_ID,
      ...ECHOED,
    });
    expect(ecrMock).not.toHaveReceivedAnyCommand();
  });

  test('Delete with OnDelete RESET (RemovalPolicy.DESTROY) resets the setting', async () => {
    // GIVEN
    mockSetting('ENABLED');

    // WHEN
    await handler(deleteEvent(RESET_PROPS), CONTEXT);

    // THEN
    expect(theResponse()).toStrictEqual({
      Status: 'SUCCESS',
      Reason: 'BLOB_MOUNTING reset to DISABLED.',
      PhysicalResourceId: PHYSICAL_ID,
      ...ECHOED,
    });
    expect(ecrMock.calls()).toHaveLength(2);
    expect(ecrMock).toHaveReceivedNthCommandWith(1, GetAccountSettingCommand, { name: 'BLOB_MOUNTING' });
    expect(ecrMock).toHaveReceivedNthCommandWith(2, PutAccountSettingCommand, { name: 'BLOB_MOUNTING', value: 'DISABLED' });
  });

  test('fails when ECR answers an error', async () => {
    // GIVEN
    ecrMock.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: 'DISABLED' });
    ecrMock.on(PutAccountSettingCommand).rejects(new InvalidParameterException({ message: 'Invalid value for BLOB_MOUNTING', $metadata: {} }));

    // WHEN
    await handler(createEvent(), CONTEXT);

    // THEN
    expect(theResponse()).toStrictEqual({
      Status: 'FAILED',
      Reason: "Create failed: InvalidParameterException: Invalid value for BLOB_MOUNTING. Check the function's role and logs, then retry.",
      PhysicalResourceId: `${LOGICAL_ID}:create-failed`,
      ...ECHOED,
    });
    expect(ecrMock).toHaveReceivedCommandTimes(PutAccountSettingCommand, 1);
  });

  test('fails when the properties are bad, without calling ECR', async () => {
    // WHEN
    await handler(createEvent({ ...RETAIN_PROPS, PropertiesVersion: '0' }), CONTEXT);

    // THEN
    expect(theResponse()).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/^Unsupported PropertiesVersion "0" \(expected "1"\)/),
      PhysicalResourceId: `${LOGICAL_ID}:create-failed`,
    });
    expect(ecrMock).not.toHaveReceivedAnyCommand();
  });

  test('fails when ECR does not answer before the Lambda times out', async () => {
    // GIVEN
    ecrMock.on(GetAccountSettingCommand).callsFake(() => new Promise<never>(() => undefined));

    // WHEN
    await handler(createEvent(), SHORT_CONTEXT);

    // THEN
    expect(theResponse()).toStrictEqual({
      Status: 'FAILED',
      Reason: "Timed out after 100 ms waiting for Amazon ECR. See the function's logs, then retry.",
      PhysicalResourceId: `${LOGICAL_ID}:create-failed`,
      ...ECHOED,
    });
    expect(ecrMock).toHaveReceivedCommandTimes(GetAccountSettingCommand, 1);
    expect(ecrMock).toHaveReceivedCommandTimes(PutAccountSettingCommand, 0);
  });

  test('a Delete that times out still succeeds', async () => {
    // GIVEN
    ecrMock.on(GetAccountSettingCommand).callsFake(() => new Promise<never>(() => undefined));

    // WHEN
    await handler(deleteEvent(RESET_PROPS), SHORT_CONTEXT);

    // THEN
    expect(theResponse()).toStrictEqual({
      Status: 'SUCCESS',
      Reason: "Timed out after 100 ms waiting for Amazon ECR. See the function's logs; the setting was left as it is.",
      PhysicalResourceId: PHYSICAL_ID,
      ...ECHOED,
    });
    expect(ecrMock).toHaveReceivedCommandTimes(PutAccountSettingCommand, 0);
  });
});
