/**
 * The BUNDLED handler: the exact string that goes into the template's Code.ZipFile. Its behaviour
 * (every CloudFormation event, against a local response URL) is tested in handler.test.ts, on the
 * source and on this bundle alike; here is what only the bundle has to get right. Its size is
 * measured by the benchmark (bench/RESULTS.md), not here.
 */
import { ACCOUNT_SETTING_HANDLER_CODE } from '../../src/account-settings/handler-code.generated';
import { loadInlineHandler } from '../support/cloudformation';

describe('the inline code', () => {
  test('requires nothing but http, https and the AWS SDK clients the Lambda runtime provides', () => {
    // WHEN
    const required = [...ACCOUNT_SETTING_HANDLER_CODE.matchAll(/\brequire\s*\(([^)]*)\)/g)].map((m) => m[1].trim());

    // THEN
    expect(new Set(required)).toEqual(new Set([
      '"http"', '"https"', '"@aws-sdk/client-ecr"', '"@aws-sdk/client-ecr/package.json"', '"@aws-sdk/client-ssm"',
    ]));
    expect(ACCOUNT_SETTING_HANDLER_CODE).not.toMatch(/\bimport\s*\(/);
  });

  test('loads the AWS SDK only when an event arrives, so that a missing SDK is answered, not an init error', () => {
    // WHEN: the code is loaded with a require that has no AWS SDK
    const required: string[] = [];
    const load = () => loadInlineHandler(ACCOUNT_SETTING_HANDLER_CODE, ((id: string) => {
      required.push(id);
      if (id.startsWith('@aws-sdk/')) {
        throw new Error(`Cannot find module '${id}'`);
      }
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(id);
    }) as NodeRequire);

    // THEN
    expect(load).not.toThrow();
    expect(required.filter((id) => id.startsWith('@aws-sdk/'))).toEqual([]);
  });

  test('is CommonJS that exports the handler as index.handler', () => {
    expect(ACCOUNT_SETTING_HANDLER_CODE).not.toMatch(/^\s*(import|export)\s/m);
    expect(loadInlineHandler(ACCOUNT_SETTING_HANDLER_CODE, require)).toEqual(expect.any(Function));
  });
});
