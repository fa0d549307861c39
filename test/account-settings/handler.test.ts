import http from 'http';
import https from 'https';
import {
  ECRClient,
  GetAccountSettingCommand,
  InvalidParameterException,
  PutAccountSettingCommand,
  ServerException,
} from '@aws-sdk/client-ecr';
import { DeleteParameterCommand, GetParametersByPathCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CloudFormationEvent, CloudFormationResponse, handler as sourceHandler } from '../../src/account-settings/handler';
import { ACCOUNT_SETTING_HANDLER_CODE } from '../../src/account-settings/handler-code.generated';
import {
  CONTEXT, ECHOED, Handler, loadInlineHandler, LOGICAL_ID, PHYSICAL_ID, RESET_PROPS, RESPONSE_PATH,
  ResponseServer, RETAIN_PROPS, SERVICE_TOKEN, SHORT_CONTEXT, STACK_ID,
} from '../support/cloudformation';

const ecrMock = mockClient(ECRClient);
const ssmMock = mockClient(SSMClient);
/** The owner record of the test's resource, and the path of every BLOB_MOUNTING owner. */
const OWNERS_PATH = '/cdk-ecr-shared-layers/account-settings/BLOB_MOUNTING';
const OWN_RECORD = `${OWNERS_PATH}/Baseline/2f3c4d5e-0000-1111-2222-333344445555/${LOGICAL_ID}`;
/** Another stack's owner record asking for ENABLED. */
const OTHER_STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/StackSet-Baseline-1234/99999999-0000-1111-2222-333344445555';
const OTHER_RECORD = {
  Name: `${OWNERS_PATH}/StackSet-Baseline-1234/99999999-0000-1111-2222-333344445555/RegistryBlobMounting`,
  Value: JSON.stringify({ value: 'ENABLED', stackId: OTHER_STACK_ID, logicalId: 'RegistryBlobMounting' }),
};
/** The physical id of BLOB_MOUNTING created when it was DISABLED. */
const CREATED_ID = 'EcrAccountSetting:BLOB_MOUNTING:found=DISABLED';
const FAILED_CREATE_ID = 'EcrAccountSetting:BLOB_MOUNTING:create-failed';
/** A local stand-in for CloudFormation's pre-signed response URL: records every request. */
const cfn = new ResponseServer();
const received = cfn.received;
const createEvent = (props?: Record<string, unknown>) => cfn.createEvent(props);
const updateEvent = (props: Record<string, unknown>, oldProps: Record<string, unknown>, physicalId?: string) =>
  cfn.updateEvent(props, oldProps, physicalId);
const deleteEvent = (props: Record<string, unknown>, physicalId?: string) => cfn.deleteEvent(props, physicalId);

/** The one response the handler sent; fails the test if it sent none or several. */
function theResponse(): CloudFormationResponse {
  expect(received).toHaveLength(1);
  expect(received[0].method).toBe('PUT');
  expect(received[0].url).toBe(RESPONSE_PATH);
  return received[0].body;
}

function mockSetting(current: string | undefined): void {
  ecrMock.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: current });
  ecrMock.on(PutAccountSettingCommand).callsFake((input: { name: string; value: string }) => input);
}

function neverAnswer(): Promise<never> {
  return new Promise<never>(() => undefined);
}

beforeAll(() => cfn.start());
afterAll(() => cfn.stop());

beforeEach(() => {
  ecrMock.reset();
  ssmMock.reset();
  ssmMock.on(GetParametersByPathCommand).resolves({ Parameters: [] });
  process.env.OWNING_STACK_ID = STACK_ID;
  cfn.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

/**
 * Every behaviour runs twice: on the handler's TypeScript source, and on the bundled inline code
 * itself (the exact string of the template's Code.ZipFile, loaded as Lambda loads index.js, with
 * this file's `require`, so it gets the mocked ECR client and the spied http/https modules).
 */
const IMPLEMENTATIONS: Array<[string, Handler]> = [
  ['the handler source', sourceHandler],
  ['the bundled inline code', loadInlineHandler(ACCOUNT_SETTING_HANDLER_CODE, require)],
];

describe.each(IMPLEMENTATIONS)('%s', (_implementation, handler) => {
  describe('Create', () => {
    test('turns the setting on when it is off', async () => {
      // GIVEN
      mockSetting('DISABLED');

      // WHEN
      await handler(createEvent(), CONTEXT);

      // THEN
      expect(theResponse()).toStrictEqual({
        Status: 'SUCCESS',
        Reason: 'BLOB_MOUNTING is ENABLED.',
        PhysicalResourceId: CREATED_ID,
        ...ECHOED,
        Data: { PreviousValue: 'DISABLED', Value: 'ENABLED' },
      });
      expect(ecrMock.calls()).toHaveLength(2);
      expect(ecrMock).toHaveReceivedNthCommandWith(1, GetAccountSettingCommand, { name: 'BLOB_MOUNTING' });
      expect(ecrMock).toHaveReceivedNthCommandWith(2, PutAccountSettingCommand, { name: 'BLOB_MOUNTING', value: 'ENABLED' });
    });

    test('records itself as an owner before it touches the setting', async () => {
      // GIVEN
      mockSetting('DISABLED');
      const order: string[] = [];
      ssmMock.on(PutParameterCommand).callsFake(() => { order.push('record'); return {}; });
      ecrMock.on(GetAccountSettingCommand).callsFake(() => { order.push('read'); return { name: 'BLOB_MOUNTING', value: 'DISABLED' }; });

      // WHEN
      await handler(createEvent(), CONTEXT);

      // THEN
      expect(theResponse().Status).toBe('SUCCESS');
      expect(ssmMock).toHaveReceivedCommandWith(PutParameterCommand, {
        Name: OWN_RECORD,
        Value: JSON.stringify({ value: 'ENABLED', stackId: STACK_ID, logicalId: LOGICAL_ID }),
        Type: 'String',
        Overwrite: true,
      });
      expect(order).toEqual(['record', 'read']);
    });

    test('fails without touching the setting when its owner record cannot be written', async () => {
      // GIVEN
      ssmMock.on(PutParameterCommand).rejects(Object.assign(new Error('not authorized to perform: ssm:PutParameter'), { name: 'AccessDeniedException' }));

      // WHEN
      await handler(createEvent(), CONTEXT);

      // THEN
      expect(theResponse()).toMatchObject({
        Status: 'FAILED',
        Reason: expect.stringContaining('AccessDeniedException: not authorized to perform: ssm:PutParameter'),
        PhysicalResourceId: FAILED_CREATE_ID,
      });
      expect(ecrMock).not.toHaveReceivedAnyCommand();
    });

    test('only reads the setting when it already has the value', async () => {
      // GIVEN
      mockSetting('ENABLED');

      // WHEN
      await handler(createEvent(), CONTEXT);

      // THEN
      expect(theResponse()).toStrictEqual({
        Status: 'SUCCESS',
        Reason: 'BLOB_MOUNTING is ENABLED.',
        PhysicalResourceId: 'EcrAccountSetting:BLOB_MOUNTING:found=ENABLED',
        ...ECHOED,
        Data: { PreviousValue: 'ENABLED', Value: 'ENABLED' },
      });
      expect(ecrMock).toHaveReceivedCommandTimes(GetAccountSettingCommand, 1);
      expect(ecrMock).toHaveReceivedCommandWith(GetAccountSettingCommand, { name: 'BLOB_MOUNTING' });
      expect(ecrMock).toHaveReceivedCommandTimes(PutAccountSettingCommand, 0);
    });

    test('reports an empty PreviousValue when ECR returns no value', async () => {
      // GIVEN
      mockSetting(undefined);

      // WHEN
      await handler(createEvent(), CONTEXT);

      // THEN
      expect(theResponse().Data).toStrictEqual({ PreviousValue: '', Value: 'ENABLED' });
      expect(ecrMock).toHaveReceivedCommandWith(PutAccountSettingCommand, { name: 'BLOB_MOUNTING', value: 'ENABLED' });
    });

    test('the physical id names the setting and the value it had before, never the value applied', async () => {
      // GIVEN
      mockSetting('V1');
      const props = { ...RETAIN_PROPS, SettingName: 'REGISTRY_POLICY_SCOPE', SettingValue: 'V2' };

      // WHEN
      await handler(createEvent(props), CONTEXT);

      // THEN
      const response = theResponse();
      expect(response.Status).toBe('SUCCESS');
      expect(response.PhysicalResourceId).toBe('EcrAccountSetting:REGISTRY_POLICY_SCOPE:found=V1');
      expect(response.PhysicalResourceId).not.toContain('V2');
      expect(ecrMock).toHaveReceivedCommandWith(PutAccountSettingCommand, { name: 'REGISTRY_POLICY_SCOPE', value: 'V2' });
    });

    test('does not log the pre-signed response URL', async () => {
      // GIVEN
      mockSetting('DISABLED');

      // WHEN
      await handler(createEvent(), CONTEXT);

      // THEN
      const logged = JSON.stringify([
        (console.log as jest.Mock).mock.calls,
        (console.error as jest.Mock).mock.calls,
      ]);
      expect(logged).toContain('(redacted)');
      expect(logged).not.toContain('secret-signature');
      expect(theResponse().Status).toBe('SUCCESS');
    });
  });

  describe('Update', () => {
    test('changes nothing when the value did not change', async () => {
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

    test('writes the new value when it changed', async () => {
      // GIVEN
      mockSetting('ENABLED');
      const props = { ...RETAIN_PROPS, SettingValue: 'DISABLED' };

      // WHEN
      await handler(updateEvent(props, RETAIN_PROPS), CONTEXT);

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

    test('a changed setting name gets a new physical id (CloudFormation then deletes the old one)', async () => {
      // GIVEN
      mockSetting('V1');
      const props = { ...RETAIN_PROPS, SettingName: 'REGISTRY_POLICY_SCOPE', SettingValue: 'V2' };

      // WHEN
      await handler(updateEvent(props, RETAIN_PROPS), CONTEXT);

      // THEN
      expect(theResponse()).toStrictEqual({
        Status: 'SUCCESS',
        Reason: 'REGISTRY_POLICY_SCOPE is V2.',
        PhysicalResourceId: 'EcrAccountSetting:REGISTRY_POLICY_SCOPE:found=V1',
        ...ECHOED,
        Data: { PreviousValue: 'V1', Value: 'V2' },
      });
      expect(ecrMock).toHaveReceivedNthCommandWith(1, GetAccountSettingCommand, { name: 'REGISTRY_POLICY_SCOPE' });
      expect(ecrMock).toHaveReceivedNthCommandWith(2, PutAccountSettingCommand, { name: 'REGISTRY_POLICY_SCOPE', value: 'V2' });
    });
  });

  describe('Delete', () => {
    test('leaves the setting as it is with OnDelete RETAIN', async () => {
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

    test('resets the setting with OnDelete RESET', async () => {
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

    test('only reads the setting with OnDelete RESET when it already has the reset value', async () => {
      // GIVEN
      mockSetting('DISABLED');

      // WHEN
      await handler(deleteEvent(RESET_PROPS), CONTEXT);

      // THEN
      expect(theResponse()).toStrictEqual({
        Status: 'SUCCESS',
        Reason: 'BLOB_MOUNTING reset to DISABLED.',
        PhysicalResourceId: PHYSICAL_ID,
        ...ECHOED,
      });
      expect(ecrMock).toHaveReceivedCommandTimes(GetAccountSettingCommand, 1);
      expect(ecrMock).toHaveReceivedCommandTimes(PutAccountSettingCommand, 0);
    });

    test.each([
      ['ServerException', new ServerException({ message: 'Internal error', $metadata: {} }), 'ServerException: Internal error'],
      [
        'AccessDeniedException',
        Object.assign(new Error('not authorized to perform: ecr:PutAccountSetting'), { name: 'AccessDeniedException' }),
        'AccessDeniedException: not authorized to perform: ecr:PutAccountSetting',
      ],
    ])('still succeeds when the reset fails with %s', async (_name, error, errorText) => {
      // GIVEN
      ecrMock.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: 'ENABLED' });
      ecrMock.on(PutAccountSettingCommand).rejects(error);

      // WHEN
      await handler(deleteEvent(RESET_PROPS), CONTEXT);

      // THEN
      expect(theResponse()).toStrictEqual({
        Status: 'SUCCESS',
        Reason: `Setting left as it is: ${errorText}.`,
        PhysicalResourceId: PHYSICAL_ID,
        ...ECHOED,
      });
      expect(ecrMock).toHaveReceivedCommandTimes(GetAccountSettingCommand, 1);
      expect(ecrMock).toHaveReceivedCommandTimes(PutAccountSettingCommand, 1);
    });

    test.each([`${LOGICAL_ID}:create-failed`, FAILED_CREATE_ID])('does nothing after a Create that failed before writing (%s)', async (physicalId) => {
      // WHEN
      await handler(deleteEvent(RESET_PROPS, physicalId), CONTEXT);

      // THEN
      expect(theResponse()).toStrictEqual({
        Status: 'SUCCESS',
        Reason: 'Nothing to delete: the Create failed before writing.',
        PhysicalResourceId: physicalId,
        ...ECHOED,
      });
      expect(ecrMock).not.toHaveReceivedAnyCommand();
    });

    test('puts back the value a failed Create found, when its write landed after all (RETAIN too)', async () => {
      // GIVEN: the Create had found DISABLED and started a write that landed after its FAILED answer
      mockSetting('ENABLED');

      // WHEN
      await handler(deleteEvent(RETAIN_PROPS, `${FAILED_CREATE_ID}:restore=DISABLED`), CONTEXT);

      // THEN
      expect(theResponse()).toMatchObject({
        Status: 'SUCCESS',
        Reason: 'The Create failed after writing: BLOB_MOUNTING put back to DISABLED, as the Create found it.',
      });
      expect(ecrMock).toHaveReceivedCommandWith(PutAccountSettingCommand, { name: 'BLOB_MOUNTING', value: 'DISABLED' });
    });

    test('leaves a setting that was already on before the resource was created (RESET)', async () => {
      // WHEN: a first deployment rolls back in a registry where something else had enabled blob mounting
      await handler(deleteEvent(RESET_PROPS, 'EcrAccountSetting:BLOB_MOUNTING:found=ENABLED'), CONTEXT);

      // THEN
      expect(theResponse().Reason).toBe('BLOB_MOUNTING left as it is: it was already ENABLED before this resource applied ENABLED, so something else may rely on it.');
      expect(ecrMock).not.toHaveReceivedAnyCommand();
    });

    test('removes its owner record first, then resets only when no other owner is recorded (RESET)', async () => {
      // GIVEN
      mockSetting('ENABLED');

      // WHEN
      await handler(deleteEvent(RESET_PROPS, CREATED_ID), CONTEXT);

      // THEN
      expect(theResponse().Reason).toBe('BLOB_MOUNTING reset to DISABLED.');
      expect(ssmMock).toHaveReceivedNthCommandWith(1, DeleteParameterCommand, { Name: OWN_RECORD });
      expect(ssmMock).toHaveReceivedNthCommandWith(2, GetParametersByPathCommand, { Path: OWNERS_PATH, Recursive: true });
      // It looks again after the write.
      expect(ssmMock).toHaveReceivedCommandTimes(GetParametersByPathCommand, 2);
    });

    test('leaves a setting that an owner in another stack asks for (RESET)', async () => {
      // GIVEN: a StackSet instance's registry recorded itself
      ssmMock.on(GetParametersByPathCommand).resolves({ Parameters: [OTHER_RECORD] });

      // WHEN
      await handler(deleteEvent(RESET_PROPS, CREATED_ID), CONTEXT);

      // THEN
      expect(theResponse()).toMatchObject({
        Status: 'SUCCESS',
        Reason: `BLOB_MOUNTING left as it is: 1 other owner(s) ask for ENABLED: ${OTHER_STACK_ID} RegistryBlobMounting.`,
      });
      expect(ssmMock).toHaveReceivedCommandWith(DeleteParameterCommand, { Name: OWN_RECORD });
      expect(ecrMock).not.toHaveReceivedAnyCommand();
    });

    test('counts a record written by hand or by another tool (the plain value) as an owner (RESET)', async () => {
      // GIVEN: aws ssm put-parameter --name .../BLOB_MOUNTING/terraform --value ENABLED
      ssmMock.on(GetParametersByPathCommand).resolves({ Parameters: [{ Name: `${OWNERS_PATH}/terraform`, Value: 'ENABLED' }] });

      // WHEN
      await handler(deleteEvent(RESET_PROPS, CREATED_ID), CONTEXT);

      // THEN
      expect(theResponse().Reason).toBe(`BLOB_MOUNTING left as it is: 1 other owner(s) ask for ENABLED: ${OWNERS_PATH}/terraform.`);
      expect(ecrMock).not.toHaveReceivedAnyCommand();
    });

    test('does not count its own record, nor owners that ask for the reset value (RESET)', async () => {
      // GIVEN
      mockSetting('ENABLED');
      ssmMock.on(GetParametersByPathCommand).resolves({
        Parameters: [{ Name: OWN_RECORD, Value: 'ENABLED' }, { Name: `${OWNERS_PATH}/off`, Value: 'DISABLED' }],
      });

      // WHEN
      await handler(deleteEvent(RESET_PROPS, CREATED_ID), CONTEXT);

      // THEN
      expect(theResponse().Reason).toBe('BLOB_MOUNTING reset to DISABLED.');
      expect(ecrMock).toHaveReceivedCommandWith(PutAccountSettingCommand, { name: 'BLOB_MOUNTING', value: 'DISABLED' });
    });

    test('puts the value back when an owner recorded itself between its first look and its write (RESET)', async () => {
      // GIVEN: nobody at the first look; another stack's Create recorded itself before the second
      let value = 'ENABLED';
      ecrMock.on(GetAccountSettingCommand).callsFake(() => ({ name: 'BLOB_MOUNTING', value }));
      ecrMock.on(PutAccountSettingCommand).callsFake((input: { value: string }) => { value = input.value; return input; });
      ssmMock.on(GetParametersByPathCommand).resolvesOnce({ Parameters: [] }).resolves({ Parameters: [OTHER_RECORD] });

      // WHEN
      await handler(deleteEvent(RESET_PROPS, CREATED_ID), CONTEXT);

      // THEN
      expect(theResponse().Reason).toBe(`BLOB_MOUNTING reset to DISABLED, then put back to ENABLED: ${OTHER_STACK_ID} RegistryBlobMounting recorded itself meanwhile.`);
      expect(ecrMock).toHaveReceivedNthCommandWith(2, PutAccountSettingCommand, { name: 'BLOB_MOUNTING', value: 'DISABLED' });
      expect(ecrMock).toHaveReceivedNthCommandWith(4, PutAccountSettingCommand, { name: 'BLOB_MOUNTING', value: 'ENABLED' });
      expect(value).toBe('ENABLED');
    });

    test('a missing owner record is fine (RETAIN)', async () => {
      // GIVEN
      ssmMock.on(DeleteParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));

      // WHEN
      await handler(deleteEvent(RETAIN_PROPS), CONTEXT);

      // THEN
      expect(theResponse()).toMatchObject({ Status: 'SUCCESS', Reason: 'BLOB_MOUNTING left as it is (RETAIN).' });
    });

    test('leaves the setting when the owners cannot be read (RESET)', async () => {
      // GIVEN
      ssmMock.on(GetParametersByPathCommand).rejects(Object.assign(new Error('not authorized to perform: ssm:GetParametersByPath'), { name: 'AccessDeniedException' }));

      // WHEN
      await handler(deleteEvent(RESET_PROPS, CREATED_ID), CONTEXT);

      // THEN
      expect(theResponse()).toMatchObject({
        Status: 'SUCCESS',
        Reason: 'Setting left as it is: AccessDeniedException: not authorized to perform: ssm:GetParametersByPath.',
      });
      expect(ecrMock).not.toHaveReceivedAnyCommand();
    });

    test('leaves a setting whose physical id records no value found (RESET)', async () => {
      await handler(deleteEvent(RESET_PROPS, 'EcrAccountSetting:BLOB_MOUNTING'), CONTEXT);

      expect(theResponse().Reason).toBe('BLOB_MOUNTING left as it is: its physical id records no value found before this resource applied ENABLED, so something else may rely on it.');
      expect(ecrMock).not.toHaveReceivedAnyCommand();
    });

    test.each([
      [
        'an older property format',
        { ServiceToken: SERVICE_TOKEN, Name: 'BLOB_MOUNTING', Value: 'ENABLED', RemovalPolicy: 'destroy' },
        'Unsupported PropertiesVersion undefined (expected one of "1")',
      ],
      [
        'PropertiesVersion 0',
        { ...RESET_PROPS, PropertiesVersion: '0' },
        'Unsupported PropertiesVersion "0" (expected one of "1")',
      ],
      [
        'an unknown OnDelete',
        { ...RESET_PROPS, OnDelete: 'DESTROY' },
        'OnDelete must be "RETAIN", or "RESET" with a ResetValue; got "DESTROY".',
      ],
      [
        'no properties at all',
        undefined,
        'Unsupported PropertiesVersion undefined (expected one of "1")',
      ],
    ])('still succeeds and leaves the setting with %s', async (_case, props, reason) => {
      // GIVEN
      const event = { ...deleteEvent(RESET_PROPS), ResourceProperties: props as Record<string, unknown> };

      // WHEN
      await handler(event, CONTEXT);

      // THEN
      const response = theResponse();
      expect(response).toStrictEqual({
        Status: 'SUCCESS',
        Reason: expect.stringContaining(reason),
        PhysicalResourceId: PHYSICAL_ID,
        ...ECHOED,
      });
      expect(response.Reason).toMatch(/^Setting left as it is: /);
      expect(ecrMock).not.toHaveReceivedAnyCommand();
    });
  });

  describe('events from elsewhere', () => {
    test.each([
      ['another stack\'s Create', () => ({ ...createEvent(RETAIN_PROPS), StackId: OTHER_STACK_ID }), 'is not this function\'s stack'],
      ['another stack\'s Delete', () => ({ ...deleteEvent(RESET_PROPS, CREATED_ID), StackId: OTHER_STACK_ID }), 'is not this function\'s stack'],
      ['a Create of another resource type', () => ({ ...createEvent({ ...RETAIN_PROPS, SettingValue: 'DISABLED' }), ResourceType: 'Custom::Anything' }), 'ResourceType "Custom::Anything" is not Custom::EcrAccountSetting'],
      ['a Delete of another resource type', () => ({ ...deleteEvent(RESET_PROPS, CREATED_ID), ResourceType: 'AWS::CloudFormation::CustomResource' }), 'is not Custom::EcrAccountSetting'],
    ])('refuses %s: FAILED, no call to ECR or SSM', async (_case, event, reason) => {
      // WHEN
      await handler(event(), CONTEXT);

      // THEN
      expect(theResponse()).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining(reason) });
      expect(theResponse().Reason).toMatch(/^Refused: /);
      expect(ecrMock).not.toHaveReceivedAnyCommand();
      expect(ssmMock).not.toHaveReceivedAnyCommand();
    });

    test('refuses everything when the function does not know its own stack', async () => {
      // GIVEN
      delete process.env.OWNING_STACK_ID;

      // WHEN
      await handler(createEvent(), CONTEXT);

      // THEN
      expect(theResponse()).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('has no OWNING_STACK_ID') });
      expect(ecrMock).not.toHaveReceivedAnyCommand();
    });
  });

  describe('errors', () => {
    const invalid = () => new InvalidParameterException({ message: 'Invalid value for BLOB_MOUNTING', $metadata: {} });

    test('fails when GetAccountSetting fails on Create, with a physical id that marks the failed Create', async () => {
      // GIVEN
      ecrMock.on(GetAccountSettingCommand).rejects(invalid());

      // WHEN
      await handler(createEvent(), CONTEXT);

      // THEN
      expect(theResponse()).toStrictEqual({
        Status: 'FAILED',
        Reason: "Create failed: InvalidParameterException: Invalid value for BLOB_MOUNTING. Check the function's role and logs, then retry.",
        PhysicalResourceId: FAILED_CREATE_ID,
        ...ECHOED,
      });
      expect(ecrMock).toHaveReceivedCommandTimes(GetAccountSettingCommand, 1);
      expect(ecrMock).toHaveReceivedCommandTimes(PutAccountSettingCommand, 0);
    });

    test('fails when PutAccountSetting fails on Create, recording the value to put back', async () => {
      // GIVEN
      ecrMock.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: 'DISABLED' });
      ecrMock.on(PutAccountSettingCommand).rejects(invalid());

      // WHEN
      await handler(createEvent(), CONTEXT);

      // THEN
      expect(theResponse()).toStrictEqual({
        Status: 'FAILED',
        Reason: "Create failed: InvalidParameterException: Invalid value for BLOB_MOUNTING. Check the function's role and logs, then retry.",
        PhysicalResourceId: `${FAILED_CREATE_ID}:restore=DISABLED`,
        ...ECHOED,
      });
      expect(ecrMock).toHaveReceivedCommandTimes(PutAccountSettingCommand, 1);
    });

    test('fails when PutAccountSetting fails on Update, keeping the old physical id', async () => {
      // GIVEN
      ecrMock.on(GetAccountSettingCommand).resolves({ name: 'BLOB_MOUNTING', value: 'ENABLED' });
      ecrMock.on(PutAccountSettingCommand).rejects(invalid());
      const props = { ...RETAIN_PROPS, SettingValue: 'DISABLED' };

      // WHEN
      await handler(updateEvent(props, RETAIN_PROPS), CONTEXT);

      // THEN
      expect(theResponse()).toStrictEqual({
        Status: 'FAILED',
        Reason: "Update failed: InvalidParameterException: Invalid value for BLOB_MOUNTING. Check the function's role and logs, then retry.",
        PhysicalResourceId: PHYSICAL_ID,
        ...ECHOED,
      });
      expect(ecrMock).toHaveReceivedCommandWith(PutAccountSettingCommand, { name: 'BLOB_MOUNTING', value: 'DISABLED' });
    });

    test.each([
      [
        'SettingName is missing',
        { ...RETAIN_PROPS, SettingName: undefined },
        'SettingName and SettingValue must be non-empty strings. Define the setting with the EcrAccountSetting construct.',
      ],
      [
        'SettingValue is empty',
        { ...RETAIN_PROPS, SettingValue: '' },
        'SettingName and SettingValue must be non-empty strings. Define the setting with the EcrAccountSetting construct.',
      ],
      [
        'OnDelete is unknown',
        { ...RETAIN_PROPS, OnDelete: 'DESTROY' },
        'OnDelete must be "RETAIN", or "RESET" with a ResetValue; got "DESTROY".',
      ],
      [
        'OnDelete is RESET without a ResetValue',
        { ...RETAIN_PROPS, OnDelete: 'RESET' },
        'OnDelete must be "RETAIN", or "RESET" with a ResetValue; got "RESET".',
      ],
      [
        'PropertiesVersion is missing',
        { ...RETAIN_PROPS, PropertiesVersion: undefined },
        'Unsupported PropertiesVersion undefined (expected one of "1"): the event was written by another version of cdk-ecr-shared-layers. Deploy the stack with the current version.',
      ],
      [
        'PropertiesVersion is "0" (an older property format)',
        { ...RETAIN_PROPS, PropertiesVersion: '0' },
        'Unsupported PropertiesVersion "0" (expected one of "1"): the event was written by another version of cdk-ecr-shared-layers. Deploy the stack with the current version.',
      ],
    ])('fails when %s', async (_case, props, reason) => {
      // WHEN
      await handler(createEvent(props), CONTEXT);

      // THEN: the physical id names the setting when the properties name a valid one
      expect(theResponse()).toStrictEqual({
        Status: 'FAILED',
        Reason: reason,
        PhysicalResourceId: props.SettingName ? FAILED_CREATE_ID : `${LOGICAL_ID}:create-failed`,
        ...ECHOED,
      });
      expect(ecrMock).not.toHaveReceivedAnyCommand();
    });

    test('fails when an Update has bad properties, keeping the old physical id', async () => {
      // WHEN
      await handler(updateEvent({ ...RETAIN_PROPS, SettingValue: '' }, RETAIN_PROPS), CONTEXT);

      // THEN
      expect(theResponse()).toStrictEqual({
        Status: 'FAILED',
        Reason: 'SettingName and SettingValue must be non-empty strings. Define the setting with the EcrAccountSetting construct.',
        PhysicalResourceId: PHYSICAL_ID,
        ...ECHOED,
      });
      expect(ecrMock).not.toHaveReceivedAnyCommand();
    });

    test('fails when the RequestType is unknown', async () => {
      // GIVEN
      const event = { ...updateEvent(RETAIN_PROPS, RETAIN_PROPS), RequestType: 'Replace' } as unknown as CloudFormationEvent;

      // WHEN
      await handler(event, CONTEXT);

      // THEN
      expect(theResponse()).toStrictEqual({
        Status: 'FAILED',
        Reason: 'Unknown RequestType "Replace".',
        PhysicalResourceId: PHYSICAL_ID,
        ...ECHOED,
      });
      expect(ecrMock).not.toHaveReceivedAnyCommand();
    });

    test('does not throw when the response URL answers an error, and logs it', async () => {
      // GIVEN
      mockSetting('ENABLED');
      cfn.status = 403;

      // WHEN
      await handler(createEvent(), CONTEXT);

      // THEN: one answer, no second attempt (a 403 is final), and a log line that says what happened
      expect(theResponse().Status).toBe('SUCCESS');
      expect(console.error).toHaveBeenCalledTimes(1);
      expect(console.error).toHaveBeenCalledWith('Could not answer CloudFormation: the response URL answered HTTP 403 (not retried)');
    });
  });

  describe('timeout', () => {
    test.each([
      ['Create', createEvent(), FAILED_CREATE_ID],
      ['Update', updateEvent({ ...RETAIN_PROPS, SettingValue: 'DISABLED' }, RETAIN_PROPS), PHYSICAL_ID],
    ])('fails when ECR does not answer before the Lambda times out (%s)', async (_type, event, physicalId) => {
      // GIVEN
      ecrMock.on(GetAccountSettingCommand).callsFake(neverAnswer);

      // WHEN
      const started = Date.now();
      await handler({ ...event, ResponseURL: cfn.responseUrl() }, SHORT_CONTEXT);

      // THEN
      expect(Date.now() - started).toBeGreaterThanOrEqual(2095); // 3100 ms left, 1000 ms kept back for the answer
      expect(theResponse()).toStrictEqual({
        Status: 'FAILED',
        Reason: "Timed out waiting for Amazon ECR or SSM. See the function's logs, then retry.",
        PhysicalResourceId: physicalId,
        ...ECHOED,
      });
      expect(ecrMock).toHaveReceivedCommandTimes(GetAccountSettingCommand, 1);
      expect(ecrMock).toHaveReceivedCommandTimes(PutAccountSettingCommand, 0);
    });

    test('a Delete that times out still succeeds and leaves the setting', async () => {
      // GIVEN
      ecrMock.on(GetAccountSettingCommand).callsFake(neverAnswer);

      // WHEN
      await handler(deleteEvent(RESET_PROPS, CREATED_ID), SHORT_CONTEXT);

      // THEN
      expect(theResponse()).toStrictEqual({
        Status: 'SUCCESS',
        Reason: "Timed out waiting for Amazon ECR or SSM. See the function's logs; the setting was left as it is.",
        PhysicalResourceId: CREATED_ID,
        ...ECHOED,
      });
      expect(ecrMock).toHaveReceivedCommandTimes(GetAccountSettingCommand, 1);
      expect(ecrMock).toHaveReceivedCommandTimes(PutAccountSettingCommand, 0);
    });

    test('answers at once when less time than the margin remains', async () => {
      // GIVEN
      ecrMock.on(GetAccountSettingCommand).callsFake(neverAnswer);

      // WHEN
      await handler(createEvent(), { getRemainingTimeInMillis: () => 1000 });

      // THEN
      expect(theResponse()).toMatchObject({
        Status: 'FAILED',
        Reason: "Timed out waiting for Amazon ECR or SSM. See the function's logs, then retry.",
      });
    });

    test('answers only once, and waits for that answer, when the timer fires while the answer is on its way', async () => {
      // GIVEN: ECR answers at once, the response URL only after 2500 ms; the timer fires after 2100 ms
      mockSetting('ENABLED');
      cfn.delayMs = 2500;

      // WHEN
      await handler(createEvent(), SHORT_CONTEXT);
      const returnedAt = Date.now();

      // THEN: the handler did not return before CloudFormation had its answer (Lambda freezes on return)
      expect(cfn.answeredAt).toBeDefined();
      expect(returnedAt).toBeGreaterThanOrEqual(cfn.answeredAt!);
      expect(theResponse()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'EcrAccountSetting:BLOB_MOUNTING:found=ENABLED' });
    });
  });

  describe('response', () => {
    test('is sent with an empty content type, as the pre-signed URL expects', async () => {
      // GIVEN
      mockSetting('ENABLED');

      // WHEN
      await handler(createEvent(), CONTEXT);

      // THEN
      expect(theResponse().Status).toBe('SUCCESS');
      expect(received[0].contentType).toBe('');
    });

    test('goes over https for an https response URL', async () => {
      // GIVEN: https.request is replaced by a plain http request to the local server
      mockSetting('ENABLED');
      const httpsRequest = jest.spyOn(https, 'request').mockImplementation(((url: URL, options: http.RequestOptions, callback: (res: http.IncomingMessage) => void) =>
        http.request(new URL(url.href.replace(/^https:/, 'http:')), options, callback)) as unknown as typeof https.request);
      const httpRequest = jest.spyOn(http, 'request');
      const event = { ...createEvent(), ResponseURL: cfn.responseUrl().replace(/^http:/, 'https:') };

      // WHEN
      await handler(event, CONTEXT);

      // THEN
      expect(httpsRequest).toHaveBeenCalledTimes(1);
      expect((httpsRequest.mock.calls[0][0] as URL).href).toBe(event.ResponseURL);
      expect(httpRequest).toHaveBeenCalledTimes(1); // only the one made by the replacement above
      expect(theResponse()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'EcrAccountSetting:BLOB_MOUNTING:found=ENABLED' });
    });

    test('goes over http for an http response URL', async () => {
      // GIVEN
      mockSetting('ENABLED');
      const httpsRequest = jest.spyOn(https, 'request');
      const httpRequest = jest.spyOn(http, 'request');

      // WHEN
      await handler(createEvent(), CONTEXT);

      // THEN
      expect(httpRequest).toHaveBeenCalledTimes(1);
      expect(httpsRequest).not.toHaveBeenCalled();
      expect(theResponse().Status).toBe('SUCCESS');
    });
  });
});
