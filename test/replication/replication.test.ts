import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RegistryReplication, ReplicationDestinationPolicy } from '../../src/registry/registry-replication';
import { SharedLayerRegistry } from '../../src/registry/shared-layer-registry';
import { ReplicationRuleOptions } from '../../src/replication/replication';

const SOURCE = { account: '111111111111', region: 'us-east-1' };
const DESTINATION = { account: '222222222222', region: 'eu-west-1' };

function source(env: { account?: string; region?: string } = SOURCE): { stack: Stack; registry: SharedLayerRegistry } {
  const stack = new Stack(new App(), 'Source', { env });
  return { stack, registry: new SharedLayerRegistry(stack, 'Registry', { blobMounting: false }) };
}

/** The registry's replication configuration, created by the first call (as registry.addReplication() does). */
function replicationOf(registry: SharedLayerRegistry): RegistryReplication {
  const existing = registry.node.tryFindChild('Replication');
  return existing instanceof RegistryReplication ? existing : new RegistryReplication(registry, 'Replication', { registry });
}

describe('RegistryReplication', () => {
  test('renders one AWS::ECR::ReplicationConfiguration from every rule, also rules added after construction', () => {
    // GIVEN
    const { stack, registry } = source();
    const replication = replicationOf(registry);

    // WHEN
    replication.addRule({ destinations: [{ region: 'us-west-2' }] });
    replicationOf(registry).addRule({ destinations: [{ region: 'eu-west-1', account: '222222222222' }], repositoryPrefixes: ['prod', 'team/'] });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ECR::ReplicationConfiguration', 1);
    template.hasResourceProperties('AWS::ECR::ReplicationConfiguration', {
      ReplicationConfiguration: {
        Rules: [
          { Destinations: [{ Region: 'us-west-2', RegistryId: '111111111111' }] },
          {
            Destinations: [{ Region: 'eu-west-1', RegistryId: '222222222222' }],
            RepositoryFilters: [{ Filter: 'prod', FilterType: 'PREFIX_MATCH' }, { Filter: 'team/', FilterType: 'PREFIX_MATCH' }],
          },
        ],
      },
    });
    expect(replication.node.path).toBe('Source/Registry/Replication');
  });

  test('an env-agnostic registry replicates to its own account id (a token) and skips the checks that need it', () => {
    const { stack, registry } = source({});

    replicationOf(registry).addRule({ destinations: [{ region: 'us-east-1' }] });

    Template.fromStack(stack).hasResourceProperties('AWS::ECR::ReplicationConfiguration', {
      ReplicationConfiguration: { Rules: [{ Destinations: [{ Region: 'us-east-1', RegistryId: { Ref: 'AWS::AccountId' } }] }] },
    });
  });

  test('25 unique destinations across rules are accepted (the same one in two rules counts once)', () => {
    const { registry } = source();
    const replication = replicationOf(registry);
    const accounts = Array.from({ length: 25 }, (_, i) => String(300000000000 + i));

    replication.addRule({ destinations: accounts.slice(0, 13).map((account) => ({ region: 'us-east-1', account })) });
    replication.addRule({ destinations: accounts.slice(12).map((account) => ({ region: 'us-east-1', account })) });

    expect(replication.replicationRules).toHaveLength(2);
  });

  describe('fails', () => {
    test.each<[string, ReplicationRuleOptions, string, RegExp]>([
      ['a rule has no destinations', { destinations: [] }, 'replicationRuleWithoutDestinations', /Replication rule 1 has no destinations/],
      ['a destination account is not 12 digits', { destinations: [{ region: 'eu-west-1', account: '1234' }] }, 'invalidReplicationAccount', /has the destination account "1234": expected a 12-digit AWS account id/],
      ['a destination region is not a region', { destinations: [{ region: 'europe' }] }, 'invalidReplicationRegion', /has the destination region "europe", which is not a region name/],
      ['the destination is the source registry', { destinations: [{ region: 'us-east-1' }] }, 'replicationToItself', /replicates to \{"region":"us-east-1","account":"111111111111"\}, which is the source registry itself \(Source\/Registry\)/],
      ['the destination is the source registry, named by account', { destinations: [{ region: 'us-east-1', account: '111111111111' }] }, 'replicationToItself', /which is the source registry itself/],
      ['the destination is in the China partition', { destinations: [{ region: 'cn-north-1' }] }, 'replicationAcrossPartitions', /replicates from us-east-1 \(partition aws\) to cn-north-1 \(partition aws-cn\): ECR does not replicate across partitions/],
      ['the destination is in GovCloud', { destinations: [{ region: 'us-gov-west-1', account: '222222222222' }] }, 'replicationAcrossPartitions', /\(partition aws-us-gov\)/],
      ['a destination is listed twice', { destinations: [{ region: 'eu-west-1' }, { region: 'eu-west-1', account: '111111111111' }] }, 'duplicateReplicationDestination', /lists the destination \{"region":"eu-west-1","account":"111111111111"\} twice/],
      ['a prefix is 1 character', { destinations: [{ region: 'eu-west-1' }], repositoryPrefixes: ['a'] }, 'invalidReplicationPrefix', /has the repository prefix "a": expected 2-256 characters/],
      ['a prefix is 257 characters', { destinations: [{ region: 'eu-west-1' }], repositoryPrefixes: ['a'.repeat(257)] }, 'invalidReplicationPrefix', /expected 2-256 characters/],
      ['a prefix has upper-case letters', { destinations: [{ region: 'eu-west-1' }], repositoryPrefixes: ['Prod'] }, 'invalidReplicationPrefix', /has the repository prefix "Prod"/],
      ['a rule has 101 prefixes', { destinations: [{ region: 'eu-west-1' }], repositoryPrefixes: Array.from({ length: 101 }, (_, i) => `p${i}`) }, 'tooManyReplicationPrefixes', /has 101 repository prefixes, but a rule takes at most 100/],
      ['the destination is in the European Sovereign Cloud', { destinations: [{ region: 'eusc-de-east-1', account: '222222222222' }] }, 'replicationAcrossPartitions', /to eusc-de-east-1 \(partition aws-eusc\)/],
    ])('fails when %s', (_name, rule, id, message) => {
      const { registry } = source();
      expect(() => replicationOf(registry).addRule(rule)).toThrow(`[cdk-ecr-shared-layers:${id}] Source/Registry/Replication: Replication rule 1`);
      expect(() => replicationOf(registry).addRule(rule)).toThrow(message);
    });

    test('accepts a destination in the European Sovereign Cloud from a registry there (eusc- is a region prefix)', () => {
      const { stack, registry } = source({ account: '111111111111', region: 'eusc-de-east-1' });

      registry.addReplication({ destinations: [{ region: 'eusc-de-east-2', account: '222222222222' }] });

      Template.fromStack(stack).hasResourceProperties('AWS::ECR::ReplicationConfiguration', {
        ReplicationConfiguration: { Rules: [{ Destinations: [{ Region: 'eusc-de-east-2', RegistryId: '222222222222' }] }] },
      });
    });

    test('fails when an 11th rule is added', () => {
      const { registry } = source();
      const replication = replicationOf(registry);
      for (let i = 0; i < 10; i++) {
        replication.addRule({ destinations: [{ region: 'eu-west-1' }], repositoryPrefixes: [`team${i}`] });
      }

      expect(() => replication.addRule({ destinations: [{ region: 'eu-west-1' }] }))
        .toThrow(/Source\/Registry\/Replication: Replication rule 11 is one too many: a registry's replication configuration has at most 10 rules/);
    });

    test('fails when the rules reach 26 unique destinations', () => {
      const { registry } = source();
      const replication = replicationOf(registry);
      replication.addRule({ destinations: Array.from({ length: 25 }, (_, i) => ({ region: 'eu-west-1', account: String(300000000000 + i) })) });

      expect(() => replication.addRule({ destinations: [{ region: 'eu-west-2' }] }))
        .toThrow(/Replication rule 2 brings the registry to 26 unique replication destinations, but ECR allows at most 25 across all rules/);
    });

    test('fails at synthesis when the configuration has no rules', () => {
      const { stack, registry } = source();
      replicationOf(registry);

      expect(() => (stack.node.root as App).synth()).toThrow(/\[cdk-ecr-shared-layers:replicationWithoutRules\] Source\/Registry\/Replication: This replication configuration has no rules/);
    });

    test('fails at synthesis when a second replication configuration is declared for the registry', () => {
      const { stack, registry } = source();
      replicationOf(registry).addRule({ destinations: [{ region: 'eu-west-1' }] });
      const other = new RegistryReplication(stack, 'Other', { registry });
      other.addRule({ destinations: [{ region: 'eu-west-2' }] });

      expect(() => (stack.node.root as App).synth())
        .toThrow(/ECR replication configuration is defined 2 times for account 111111111111 in us-east-1: Source\/Registry\/Replication, Source\/Other/);
    });
  });
});

describe('ReplicationDestinationPolicy', () => {
  test('writes the destination registry policy allowing the source accounts', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Destination', { env: DESTINATION });

    // WHEN
    new ReplicationDestinationPolicy(stack, 'FromSource', { sourceAccounts: ['111111111111'] });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::RegistryPolicy', {
      PolicyText: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'ReplicationFrom111111111111',
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } },
          Action: ['ecr:CreateRepository', 'ecr:ReplicateImage'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:222222222222:repository/*']] },
        }],
      },
    });
  });

  test('with a destination SharedLayerRegistry, the statement goes into the registry\'s one policy', () => {
    const stack = new Stack(new App(), 'Destination', { env: DESTINATION });
    const registry = new SharedLayerRegistry(stack, 'Registry', { blobMounting: false });

    const destination = new ReplicationDestinationPolicy(stack, 'FromSource', { sourceAccounts: ['111111111111', '333333333333'], registry });

    expect(destination.policy.node.path).toBe(`${registry.node.path}/Policy`);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ECR::RegistryPolicy', 1);
    const policy = Object.values(template.findResources('AWS::ECR::RegistryPolicy'))[0];
    expect(policy.Properties.PolicyText.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['ReplicationFrom111111111111', 'ReplicationFrom333333333333']);
  });

  test('fails when sourceAccounts is empty', () => {
    const stack = new Stack(new App(), 'Destination', { env: DESTINATION });
    expect(() => new ReplicationDestinationPolicy(stack, 'FromSource', { sourceAccounts: [] })).toThrow(/Destination\/FromSource: sourceAccounts is empty/);
  });
});
