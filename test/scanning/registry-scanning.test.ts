import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { RegistryScanningConfiguration } from '../../src/registry/registry-scanning-configuration';
import { SharedLayerRegistry } from '../../src/registry/shared-layer-registry';
import { BasicScanningOptions, RegistryScanning } from '../../src/scanning/registry-scanning';

const ENV = { account: '111111111111', region: 'us-east-1' };

function registryStack(): { stack: Stack; registry: SharedLayerRegistry } {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  return { stack, registry: new SharedLayerRegistry(stack, 'Registry', { blobMounting: false }) };
}

describe('RegistryScanning', () => {
  test('basic scanning renders a SCAN_ON_PUSH rule with wildcard filters', () => {
    // GIVEN
    const { stack, registry } = registryStack();

    // WHEN
    new RegistryScanningConfiguration(registry, 'Scanning', { registry, scanning: RegistryScanning.basic({ scanOnPush: ['prod/*', 'team-*'] }) });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::RegistryScanningConfiguration', {
      ScanType: 'BASIC',
      Rules: [{
        ScanFrequency: 'SCAN_ON_PUSH',
        RepositoryFilters: [{ Filter: 'prod/*', FilterType: 'WILDCARD' }, { Filter: 'team-*', FilterType: 'WILDCARD' }],
      }],
    });
  });

  test('basic scanning scans every repository on push by default', () => {
    const { stack, registry } = registryStack();

    new RegistryScanningConfiguration(registry, 'Scanning', { registry, scanning: RegistryScanning.basic() });

    Template.fromStack(stack).hasResourceProperties('AWS::ECR::RegistryScanningConfiguration', {
      ScanType: 'BASIC',
      Rules: [{ ScanFrequency: 'SCAN_ON_PUSH', RepositoryFilters: [{ Filter: '*', FilterType: 'WILDCARD' }] }],
    });
  });

  test('enhanced scanning renders CONTINUOUS_SCAN and SCAN_ON_PUSH rules', () => {
    const { stack, registry } = registryStack();

    const configuration = new RegistryScanningConfiguration(registry, 'Scanning', { registry, scanning: RegistryScanning.enhanced({ continuous: ['prod/*'], scanOnPush: ['*'] }) });

    expect(configuration.node.path).toBe('Stack/Registry/Scanning');
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::RegistryScanningConfiguration', {
      ScanType: 'ENHANCED',
      Rules: [
        { ScanFrequency: 'CONTINUOUS_SCAN', RepositoryFilters: [{ Filter: 'prod/*', FilterType: 'WILDCARD' }] },
        { ScanFrequency: 'SCAN_ON_PUSH', RepositoryFilters: [{ Filter: '*', FilterType: 'WILDCARD' }] },
      ],
    });
  });

  test('an empty filter list renders no rule for that frequency', () => {
    const { stack, registry } = registryStack();

    new RegistryScanningConfiguration(registry, 'Scanning', { registry, scanning: RegistryScanning.enhanced({ scanOnPush: [], continuous: ['*'] }) });

    Template.fromStack(stack).hasResourceProperties('AWS::ECR::RegistryScanningConfiguration', {
      ScanType: 'ENHANCED',
      Rules: [{ ScanFrequency: 'CONTINUOUS_SCAN', RepositoryFilters: [{ Filter: '*', FilterType: 'WILDCARD' }] }],
    });
  });

  test('an enhanced filter that matches no repository (all names known) gets a warning with an id', () => {
    const { stack, registry } = registryStack();
    new RegistryScanningConfiguration(registry, 'Scanning', { registry, scanning: RegistryScanning.enhanced({ continuous: ['prod/*'], scanOnPush: ['team/*'] }) });
    // Added after the scanning configuration: the check runs at synthesis.
    registry.addRepository('Api', { repositoryName: 'team/api' });

    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Stack/Registry/Scanning', Match.stringLikeRegexp('The enhanced scanning continuous filter "prod/\\*" matches no repository of Stack/Registry \\(team/api\\)'));
    annotations.hasWarning('/Stack/Registry/Scanning', Match.stringLikeRegexp('cdk-ecr-shared-layers:scanningFilterMatchesNothing'));
    annotations.hasNoWarning('/Stack/Registry/Scanning', Match.stringLikeRegexp('"team/\\*" matches no repository'));
  });

  test('no warning when a repository name is not known at synthesis', () => {
    const { stack, registry } = registryStack();
    new RegistryScanningConfiguration(registry, 'Scanning', { registry, scanning: RegistryScanning.enhanced({ continuous: ['prod/*'] }) });
    registry.addRepository('Generated');

    Annotations.fromStack(stack).hasNoWarning('/Stack/Registry/Scanning', Match.anyValue());
  });

  describe('fails', () => {
    test.each<[string, () => RegistryScanning, RegExp]>([
      ['a filter is empty', () => RegistryScanning.basic({ scanOnPush: [''] }), /Invalid scanOnPush scanning filter "": expected 1-255 characters/],
      ['a filter is 256 characters', () => RegistryScanning.enhanced({ continuous: ['a'.repeat(256)] }), /Invalid continuous scanning filter "a{256}": expected 1-255 characters/],
      ['a filter has upper-case letters', () => RegistryScanning.enhanced({ scanOnPush: ['Prod/*'] }), /Invalid scanOnPush scanning filter "Prod\/\*"/],
      ['a filter is given twice', () => RegistryScanning.enhanced({ continuous: ['prod/*', 'prod/*'] }), /The continuous scanning filter "prod\/\*" is given twice/],
      ['a rule has 101 filters', () => RegistryScanning.basic({ scanOnPush: Array.from({ length: 101 }, (_, i) => `r${i}`) }), /The scanOnPush scanning rule has 101 filters, but a rule takes at most 100/],
    ])('fails when %s', (_name, make, message) => {
      const { registry } = registryStack();
      expect(() => new RegistryScanningConfiguration(registry, 'Scanning', { registry, scanning: make() })).toThrow(message);
    });

    test('fails when basic scanning is given continuous filters (plain JavaScript callers)', () => {
      const options = { continuous: ['*'] } as BasicScanningOptions;
      expect(() => RegistryScanning.basic(options)).toThrow(/continuous scanning \(CONTINUOUS_SCAN\) needs enhanced scanning. Use RegistryScanning.enhanced/);
    });

    test('fails at synthesis when a second scanning configuration is declared for the account and region', () => {
      const app = new App();
      const a = new Stack(app, 'A', { env: ENV });
      const b = new Stack(app, 'B', { env: ENV });
      const registry = new SharedLayerRegistry(a, 'Registry', { blobMounting: false });
      new RegistryScanningConfiguration(registry, 'Scanning', { registry, scanning: RegistryScanning.basic() });
      new RegistryScanningConfiguration(b, 'Scanning', { registry, scanning: RegistryScanning.basic() });

      expect(() => app.synth()).toThrow(/ECR registry scanning configuration is defined 2 times for account 111111111111 in us-east-1: A\/Registry\/Scanning, B\/Scanning/);
    });
  });
});
