import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CreationTemplateAppliedFor, RegistryCreationTemplate } from '../../src/registry/creation-template';
import { PullThroughCacheRule, PullThroughCacheRuleOptions, PullThroughUpstream } from '../../src/registry/pull-through-cache';
import { SharedLayerRegistry } from '../../src/registry/shared-layer-registry';

const ENV = { account: '111111111111', region: 'us-east-1' };
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:ecr-pullthroughcache/docker-hub-AbCdEf';

function registryStack(env = ENV): { stack: Stack; registry: SharedLayerRegistry } {
  const stack = new Stack(new App(), 'Stack', { env });
  return { stack, registry: new SharedLayerRegistry(stack, 'Registry', { blobMounting: false, creationTemplates: false }) };
}

describe('PullThroughCacheRule', () => {
  test('renders AWS::ECR::PullThroughCacheRule for an upstream without credential', () => {
    // GIVEN
    const { stack, registry } = registryStack();

    // WHEN
    const rule = registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.ECR_PUBLIC, prefix: 'ecr-public' });

    // THEN
    expect(rule.node.path).toBe('Stack/Registry/PullThroughCache-ecr-public');
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::PullThroughCacheRule', {
      EcrRepositoryPrefix: 'ecr-public',
      UpstreamRegistry: 'ecr-public',
      UpstreamRegistryUrl: 'public.ecr.aws',
      CredentialArn: Match.absent(),
    });
  });

  test.each([
    ['Docker Hub', PullThroughUpstream.DOCKER_HUB, 'docker-hub', 'registry-1.docker.io'],
    ['GitHub', PullThroughUpstream.GITHUB_CONTAINER_REGISTRY, 'github-container-registry', 'ghcr.io'],
    ['GitLab', PullThroughUpstream.GITLAB_CONTAINER_REGISTRY, 'gitlab-container-registry', 'registry.gitlab.com'],
    ['Azure', PullThroughUpstream.azureContainerRegistry('myregistry'), 'azure-container-registry', 'myregistry.azurecr.io'],
  ])('%s takes a credential secret', (_name, upstream, upstreamRegistry, url) => {
    const { stack, registry } = registryStack();
    const credential = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Credential', SECRET_ARN);

    registry.addPullThroughCacheRule({ upstream, prefix: 'upstream', credential });

    Template.fromStack(stack).hasResourceProperties('AWS::ECR::PullThroughCacheRule', {
      EcrRepositoryPrefix: 'upstream',
      UpstreamRegistry: upstreamRegistry,
      UpstreamRegistryUrl: url,
      CredentialArn: SECRET_ARN,
    });
  });

  test('renders one rule per prefix, in the order added', () => {
    const { stack, registry } = registryStack();
    registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.ECR_PUBLIC, prefix: 'ecr-public' });
    registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.QUAY, prefix: 'quay' });

    const rules = Template.fromStack(stack).findResources('AWS::ECR::PullThroughCacheRule');
    expect(Object.values(rules).map((r) => r.Properties.EcrRepositoryPrefix)).toEqual(['ecr-public', 'quay']);
  });

  test('warns (with an id) when no creation template applies to PULL_THROUGH_CACHE', () => {
    const { stack, registry } = registryStack();
    registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.ECR_PUBLIC, prefix: 'ecr-public' });

    Annotations.fromStack(stack).hasWarning('/Stack/Registry/PullThroughCache-ecr-public',
      Match.stringLikeRegexp('No repository creation template of Stack/Registry applies to PULL_THROUGH_CACHE for prefix "ecr-public".*cdk-ecr-shared-layers:pullThroughCacheWithoutTemplate'));
  });

  test('the warning of an AES256 registry does not claim the repositories leave its encryption', () => {
    const { stack, registry } = registryStack();
    registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.ECR_PUBLIC, prefix: 'ecr-public' });

    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Registry/PullThroughCache-ecr-public', Match.stringLikeRegexp('pullThroughCacheWithoutTemplate'));
    expect(warnings.map((w) => w.entry.data)).toEqual([
      'No repository creation template of Stack/Registry applies to PULL_THROUGH_CACHE for prefix "ecr-public" (or ROOT): ECR creates these repositories with mutable tags and without the registry\'s lifecycle rules (their encryption, AES256, is the registry\'s). '
      + 'Add a RegistryCreationTemplate with prefix \'ecr-public\' applied for PULL_THROUGH_CACHE, or keep the registry\'s default templates on (creationTemplates: true). [ack: cdk-ecr-shared-layers:pullThroughCacheWithoutTemplate]',
    ]);
  });

  test.each([
    ['a ROOT template applied for PULL_THROUGH_CACHE', (registry: SharedLayerRegistry) => registry.addCreationTemplate('Root', {
      prefix: 'ROOT', appliedFor: [CreationTemplateAppliedFor.PULL_THROUGH_CACHE],
    })],
    ['a template for the rule\'s prefix', (registry: SharedLayerRegistry) => new RegistryCreationTemplate(registry, 'T', {
      registry, prefix: 'ecr-public', appliedFor: [CreationTemplateAppliedFor.PULL_THROUGH_CACHE],
    })],
  ])('no warning with %s', (_name, addTemplate) => {
    const { stack, registry } = registryStack();
    addTemplate(registry);
    registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.ECR_PUBLIC, prefix: 'ecr-public' });

    Annotations.fromStack(stack).hasNoWarning('/Stack/Registry/PullThroughCache-ecr-public', Match.stringLikeRegexp('pullThroughCacheWithoutTemplate'));
    // The layer-sharing checks still say that pulled-through images cannot be mounted.
    Annotations.fromStack(stack).hasWarning('/Stack/Registry/PullThroughCache-ecr-public', Match.stringLikeRegexp('pullThroughCacheNotMounted'));
  });

  describe('fails', () => {
    test.each<[string, (stack: Stack) => PullThroughCacheRuleOptions, RegExp]>([
      ['the prefix is 1 character', () => ({ upstream: PullThroughUpstream.QUAY, prefix: 'q' }), /Invalid pull through cache prefix "q": expected 2-30 characters/],
      ['the prefix is 31 characters', () => ({ upstream: PullThroughUpstream.QUAY, prefix: 'q'.repeat(31) }), /Invalid pull through cache prefix "q{31}"/],
      ['the prefix has upper-case letters', () => ({ upstream: PullThroughUpstream.QUAY, prefix: 'Quay' }), /Invalid pull through cache prefix "Quay"/],
      ['the prefix is ROOT', () => ({ upstream: PullThroughUpstream.QUAY, prefix: 'ROOT' }), /Invalid pull through cache prefix "ROOT"/],
      ['Docker Hub has no credential', () => ({ upstream: PullThroughUpstream.DOCKER_HUB, prefix: 'docker-hub' }), /The upstream docker-hub \(registry-1.docker.io\) needs a credential: give a Secrets Manager secret named 'ecr-pullthroughcache\/...'/],
      ['ECR Public gets a credential', (stack) => ({
        upstream: PullThroughUpstream.ECR_PUBLIC, prefix: 'ecr-public', credential: secretsmanager.Secret.fromSecretCompleteArn(stack, 'C', SECRET_ARN),
      }), /The upstream ecr-public \(public.ecr.aws\) takes no credential, but got Stack\/C/],
      ['the secret name lacks the ecr-pullthroughcache/ prefix', (stack) => ({
        upstream: PullThroughUpstream.DOCKER_HUB, prefix: 'docker-hub', credential: secretsmanager.Secret.fromSecretNameV2(stack, 'C', 'docker-hub'),
      }), /The credential secret "docker-hub" does not start with 'ecr-pullthroughcache\/'/],
    ])('fails when %s', (_name, options, message) => {
      const { stack, registry } = registryStack();
      expect(() => registry.addPullThroughCacheRule(options(stack))).toThrow(message);
    });

    test('fails when the Azure registry name is not a name', () => {
      expect(() => PullThroughUpstream.azureContainerRegistry('my.registry.azurecr.io')).toThrow(/Invalid Azure container registry name "my.registry.azurecr.io"/);
    });

    test('fails in a China region', () => {
      const { registry } = registryStack({ account: '111111111111', region: 'cn-north-1' });
      expect(() => registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.QUAY, prefix: 'quay' }))
        .toThrow(/Pull through cache rules are not supported in cn-north-1/);
    });

    test('fails when two rules of a registry have the same prefix', () => {
      const { registry } = registryStack();
      registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.QUAY, prefix: 'cache' });

      expect(() => new PullThroughCacheRule(registry, 'Second', { registry, upstream: PullThroughUpstream.KUBERNETES, prefix: 'cache' }))
        .toThrow(/already has a pull through cache rule with prefix "cache" \(Stack\/Registry\/PullThroughCache-cache\)/);
    });

    test('fails when a 51st rule is added', () => {
      const { registry } = registryStack();
      for (let i = 0; i < 50; i++) {
        registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.QUAY, prefix: `quay${i}` });
      }

      expect(() => registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.QUAY, prefix: 'quay50' }))
        .toThrow(/would have 51 pull through cache rules, but Amazon ECR allows at most 50 per registry/);
    });

    test('fails at synthesis when the prefix collides with a repository name of the registry, also one added later', () => {
      const { stack, registry } = registryStack();
      registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.ECR_PUBLIC, prefix: 'ecr-public' });
      registry.addRepository('Mirror', { repositoryName: 'ecr-public/nginx' });

      expect(() => (stack.node.root as App).synth())
        .toThrow(/\[cdk-ecr-shared-layers:pullThroughCachePrefixCollision\] Stack\/Registry\/Mirror: The repository "ecr-public\/nginx" is in the namespace of the pull through cache rule Stack\/Registry\/PullThroughCache-ecr-public \(prefix "ecr-public"\)/);
    });

    test('a repository whose name only starts with the same letters does not collide', () => {
      const { stack, registry } = registryStack();
      registry.addPullThroughCacheRule({ upstream: PullThroughUpstream.ECR_PUBLIC, prefix: 'ecr-public' });
      registry.addRepository('Other', { repositoryName: 'ecr-publicity/app' });

      expect(() => (stack.node.root as App).synth()).not.toThrow();
    });
  });
});
