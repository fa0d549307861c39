/**
 * The figures README.md gives about the package are measured, not remembered: each test measures
 * one and compares it with the README's text. When a change moves a figure, update README.md with
 * the measured value (the failure message says which).
 */
import * as fs from 'fs';
import * as path from 'path';
import { kb, measureBaselineTemplates, range } from '../build-tools/measure-baseline-template';
import { ACCOUNT_SETTING_HANDLER_CODE } from '../src/account-settings/handler-code.generated';

const README = fs.readFileSync(path.resolve(__dirname, '..', 'README.md'), 'utf8');

function quoted(pattern: RegExp, what: string): RegExpExecArray {
  const match = pattern.exec(README);
  if (!match) {
    throw new Error(`README.md no longer states ${what} (looked for ${pattern})`);
  }
  return match;
}

describe('README.md figures', () => {
  test('the StackSet TemplateBody range is the measured one (npx projen measure:baseline-template)', () => {
    // GIVEN
    const [, stated] = quoted(/`TemplateBody` \((\d+\.\d-\d+\.\d KB)/, 'the TemplateBody range');

    // WHEN
    const measured = range(measureBaselineTemplates());

    // THEN
    expect(stated).toEqual(measured);
  }, 120_000);

  test('the inline handler size is the bundled one', () => {
    const [, stated] = quoted(/bundled and minified by esbuild at build time \(([\d.]+) KB\)/, 'the handler size');
    expect(stated).toEqual(kb(Buffer.byteLength(ACCOUNT_SETTING_HANDLER_CODE, 'utf8')));
  });
});
