/**
 * The user's app the tests stand in for: test/fixtures/cdk-init-app/ is what
 * `cdk init app --language typescript` makes (refreshed by `npx projen fixture:cdk-init-app`), and
 * what its cdk.json chooses changes what CloudFormation receives. The README says both.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CrossStackReferences, ReferenceStrength, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RegistryEncryption, SharedLayerRegistry, SharedRepository } from '../src';
import { CDK_INIT_APP_DIR, cdkInitContext, withCdkInitContext } from './support/cdk-init-app';
import { enableTemplateValidation } from './support/test-run';

// What users' apps get: aws-cdk-lib's template validation, with validateAgainstDefaultRules as cdk init sets it.
enableTemplateValidation();

const STRENGTH = '@aws-cdk/core:defaultCrossStackReferences';
const ENV = { account: '111111111111', region: 'us-east-1' };

function files(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? files(path.join(dir, e.name), `${prefix}${e.name}/`)
    : [`${prefix}${e.name}`])).sort();
}

describe('the cdk init app fixture', () => {
  test('is laid out as cdk init app --language typescript makes it', () => {
    expect(files(CDK_INIT_APP_DIR)).toEqual([
      '.gitignore', '.npmignore', 'AGENTS.md', 'README.md', 'bin/user-app.ts', 'cdk.json', 'jest.config.js',
      'lib/user-app-stack.ts', 'package.json', 'test/user-app.test.ts', 'tsconfig.json',
    ]);
  });

  test('its cdk.json has every feature flag of the aws-cdk-lib in use (else: npx projen fixture:cdk-init-app)', () => {
    const recommended = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8')) as Record<string, unknown>;
    const context = cdkInitContext();
    const missingOrDifferent = Object.keys(recommended).filter((flag) => JSON.stringify(context[flag]) !== JSON.stringify(recommended[flag]));
    expect(Object.keys(recommended).length).toBeGreaterThan(50);
    expect(missingOrDifferent).toEqual([]);
  });

  test('its cdk.json makes weak cross-stack references and partition literals (what the README warns about)', () => {
    expect(cdkInitContext()).toEqual(expect.objectContaining({ [STRENGTH]: 'weak', '@aws-cdk/core:enablePartitionLiterals': true }));
  });
});

describe('a team stack\'s repository in a KMS registry, in the cdk init app', () => {
  function build(context: Record<string, unknown>, strongKey = false) {
    return withCdkInitContext(context, () => {
      // The README's app says 'strong' in new App({ context }): cdk.json wins over it.
      const app = new App({ context: { [STRENGTH]: 'strong' } });
      const platform = new Stack(app, 'Platform', { env: ENV });
      const key = new kms.Key(platform, 'Key', { enableKeyRotation: true });
      if (strongKey) {
        CrossStackReferences.of(key).produce(ReferenceStrength.STRONG);
      }
      const registry = new SharedLayerRegistry(platform, 'Registry', { encryption: RegistryEncryption.kms(key) });
      const team = new Stack(app, 'TeamApi', { env: ENV });
      new SharedRepository(team, 'Api', { registry, repositoryName: 'team/api' });
      const assembly = app.synth();
      const warnings = assembly.getStackByName('TeamApi').messages.filter((m) => m.level === 'warning').map((m) => `${m.id} ${String(m.entry.data)}`);
      const kmsKey = JSON.stringify(Template.fromStack(team).findResources('AWS::ECR::Repository'));
      return { warnings, kmsKey };
    });
  }

  test('cdk.json weak (as cdk init writes it): Fn::GetStackOutput, and the library warns weakKeyReference', () => {
    const { warnings, kmsKey } = build({});

    expect(kmsKey).toContain('Fn::GetStackOutput');
    expect(kmsKey).not.toContain('Fn::ImportValue');
    expect(warnings).toEqual([expect.stringMatching(/^\/TeamApi\/Api .*Fn::GetStackOutput.*CrossStackReferences\.of\(key\)\.produce\(ReferenceStrength\.STRONG\).*\[ack: cdk-ecr-shared-layers:weakKeyReference\]$/)]);
  });

  test('cdk.json strong: Fn::ImportValue of the platform stack\'s export, no warning', () => {
    const { warnings, kmsKey } = build({ [STRENGTH]: 'strong' });

    expect(kmsKey).toContain('Fn::ImportValue');
    expect(warnings).toEqual([]);
  });

  test('cdk.json weak and the key produced strong (the README\'s fix): Fn::ImportValue, no warning', () => {
    const { warnings, kmsKey } = build({}, true);

    expect(kmsKey).toContain('Fn::ImportValue');
    expect(kmsKey).not.toContain('Fn::GetStackOutput');
    expect(warnings).toEqual([]);
  });

  test('the warning\'s id is listed in docs/errors.md as a warning', () => {
    const catalog = fs.readFileSync(path.resolve(__dirname, '..', 'docs', 'errors.md'), 'utf8');
    expect(catalog).toContain('`cdk-ecr-shared-layers:weakKeyReference` | warning');
  });
});
