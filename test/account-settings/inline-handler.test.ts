/**
 * Runs the BUNDLED handler: the exact string that goes into the template's Code.ZipFile,
 * evaluated as CommonJS the way Lambda loads index.js.
 */
import {
  ECRClient,
  GetAccountSettingCommand,
  InvalidParameterException,
  PutAccountSettingCommand,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { CloudFormationResponse } from '../../src/account-settings/handler';
import { ACCOUNT_SETTING_HANDLER_CODE } from '../../src/account-settings/handler-code.generated';
import {
  CONTEXT, ECHOED, Handler, loadInlineHandler, LOGICAL_ID, PHYSICAL_ID, RESET_PROPS, ResponseServer, RETAIN_PROPS, SHORT_CONTEXT,
} from '../support/cloudformation';

const ecrMock = mockClient(ECRClient);
/** A local stand-in for CloudFormation's pre-signed response URL. */
const cfn = new ResponseServer();
const received = cfn.received;
let handler: Handler;
const createEvent = (props?: Record<string, unknown>) => cfn.createEvent(props);
const updateEvent = (props: Record<string, unknown>, oldProps: Record<string, unknown>) => cfn.updateEvent(props, oldProps);
const deleteEvent = (props: Record<string, unknown>) => cfn.deleteEvent(props);

/** The one response the handler sent; fails the test if it sent none or several. */
function theResponse(): CloudFormationResponse {
  expect(received).toHaveLength(1);
  return received[0].body;
}

function mockSetting(current: string): void {
  ecrMock.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: current });
  ecrMock.on(PutAccountSettingCommand).callsFake((input: { name: string; value: string }) => input);
}

beforeAll(async () => {
  // The exact string of the template's Code.ZipFile, with this file's `require` (the mocked ECR client).
  handler = loadInlineHandler(ACCOUNT_SETTING_HANDLER_CODE, require);
  await cfn.start();
});

afterAll(() => cfn.stop());

beforeEach(() => {
  ecrMock.reset();
  cfn.reset();
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
    expect(loadInlineHandler(ACCOUNT_SETTING_HANDLER_CODE, require)).toEqual(expect.any(Function));
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
