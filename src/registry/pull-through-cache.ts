import { Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SharedLayerRegistry } from './shared-layer-registry';
import { NAMESPACE, ROOT_PREFIX } from '../private/aws-names';
import { error, fail, show } from '../private/errors';

// Checked 2026 against:
// - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-pullthroughcacherule.html
//   (EcrRepositoryPrefix 2-30 characters, pattern below; CredentialArn
//   ^arn:aws:secretsmanager:...:secret:ecr\-pullthroughcache\/...$)
// - https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
//   (upstream registry names and URLs; "there is always an assumed / applied to the end of the prefix")
// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html: Amazon ECR Public,
//   Kubernetes and Quay need no authentication; Docker Hub, Azure Container Registry, GitHub and
//   GitLab Container Registry need a Secrets Manager secret named ecr-pullthroughcache/...; pull
//   through cache rules are not supported in the China regions; 50 rules per registry (service quotas).
// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/blob-mounting.html: images created through
//   pull through cache cannot be mounted.
// The checks across the app (a repository in the rule's namespace, a rule without a PULL_THROUGH_CACHE
// creation template, the credential as CloudFormation receives it) are rules of the layer-sharing
// checks: src/validation/rule-pull-through-cache.ts and rule-unique-names.ts.

const MAX_RULES = 50;
const MIN_PREFIX_LENGTH = 2;
const MAX_PREFIX_LENGTH = 30;
const SECRET_NAME_PREFIX = 'ecr-pullthroughcache/';
const AZURE_REGISTRY_NAME = /^[a-zA-Z0-9]{5,50}$/;

/**
 * An upstream registry that a pull through cache rule caches images from.
 */
export class PullThroughUpstream {
  /** Amazon ECR Public (`public.ecr.aws`), no credential. */
  public static readonly ECR_PUBLIC = new PullThroughUpstream('ecr-public', 'public.ecr.aws', false);
  /** The Kubernetes registry (`registry.k8s.io`), no credential. */
  public static readonly KUBERNETES = new PullThroughUpstream('k8s', 'registry.k8s.io', false);
  /** Quay (`quay.io`), no credential. */
  public static readonly QUAY = new PullThroughUpstream('quay', 'quay.io', false);
  /** Docker Hub (`registry-1.docker.io`): needs a credential. */
  public static readonly DOCKER_HUB = new PullThroughUpstream('docker-hub', 'registry-1.docker.io', true);
  /** GitHub Container Registry (`ghcr.io`): needs a credential. */
  public static readonly GITHUB_CONTAINER_REGISTRY = new PullThroughUpstream('github-container-registry', 'ghcr.io', true);
  /** GitLab Container Registry (`registry.gitlab.com`, SaaS only): needs a credential. */
  public static readonly GITLAB_CONTAINER_REGISTRY = new PullThroughUpstream('gitlab-container-registry', 'registry.gitlab.com', true);

  /**
   * A Microsoft Azure container registry (`<registryName>.azurecr.io`): needs a credential.
   *
   * @param registryName the registry name, without `.azurecr.io`
   */
  public static azureContainerRegistry(registryName: string): PullThroughUpstream {
    if (!Token.isUnresolved(registryName) && !AZURE_REGISTRY_NAME.test(registryName)) {
      throw error('invalidAzureContainerRegistryName', `Invalid Azure container registry name ${show(registryName)}: expected 5-50 letters and digits, without '.azurecr.io' (for example 'myregistry').`);
    }
    return new PullThroughUpstream('azure-container-registry', `${registryName}.azurecr.io`, true);
  }

  /** The upstream registry name of ECR, for example `docker-hub`. */
  public readonly upstreamRegistry: string;
  /** The upstream registry URL, for example `registry-1.docker.io`. */
  public readonly url: string;
  /** Whether ECR needs a Secrets Manager credential for this upstream. */
  public readonly requiresCredential: boolean;

  protected constructor(upstreamRegistry: string, url: string, requiresCredential: boolean) {
    this.upstreamRegistry = upstreamRegistry;
    this.url = url;
    this.requiresCredential = requiresCredential;
  }
}

/**
 * Options of a pull through cache rule of a `SharedLayerRegistry`.
 */
export interface PullThroughCacheRuleOptions {
  /** The upstream registry to cache images from. */
  readonly upstream: PullThroughUpstream;

  /**
   * The repository namespace of the cached images in this registry (2-30 characters): pulling
   * `<registry>/<prefix>/<image>` caches `<image>` of the upstream. No repository of the registry
   * may be in this namespace.
   */
  readonly prefix: string;

  /**
   * The Secrets Manager secret with the upstream credentials (`username` and `accessToken`), for
   * upstreams that need one. Its name must start with `ecr-pullthroughcache/`, and it must be in
   * the registry's account and region.
   *
   * @default - no credential (only for upstreams that need none)
   */
  readonly credential?: secretsmanager.ISecret;
}

/**
 * Properties of a `PullThroughCacheRule`.
 */
export interface PullThroughCacheRuleProps extends PullThroughCacheRuleOptions {
  /** The registry that caches the images; the rule must be in its account and region. */
  readonly registry: SharedLayerRegistry;
}

/**
 * A pull through cache rule (`AWS::ECR::PullThroughCacheRule`): ECR caches images of an upstream
 * registry in repositories it creates under the rule's prefix.
 *
 * Images created through pull through cache cannot be mounted: they do not share layers with the
 * rest of the registry, and their prefix is kept out of the layer-sharing statistics. Repositories
 * that ECR creates for the rule get their settings from a creation template applied for
 * PULL_THROUGH_CACHE (the registry's default ROOT template includes it as soon as the registry has
 * a rule); without one ECR uses AES256 and mutable tags.
 *
 * @example
 * declare const registry: SharedLayerRegistry;
 * new PullThroughCacheRule(registry, 'EcrPublic', {
 *   registry,
 *   upstream: PullThroughUpstream.ECR_PUBLIC,
 *   prefix: 'ecr-public',
 * });
 */
export class PullThroughCacheRule extends Construct {
  /** The repository namespace of the cached images. */
  public readonly prefix: string;
  /** The underlying CloudFormation resource. */
  public readonly resource: ecr.CfnPullThroughCacheRule;

  constructor(scope: Construct, id: string, props: PullThroughCacheRuleProps) {
    super(scope, id);
    const registry = props.registry;
    registry._checkSameRegistry(this, 'pull through cache rule');
    this.prefix = props.prefix;
    this.validate(props);
    registry._registerPullThroughRule(this, MAX_RULES);

    this.resource = new ecr.CfnPullThroughCacheRule(this, 'Resource', {
      ecrRepositoryPrefix: props.prefix,
      upstreamRegistry: props.upstream.upstreamRegistry,
      upstreamRegistryUrl: props.upstream.url,
      credentialArn: props.credential?.secretArn,
    });
  }

  private validate(props: PullThroughCacheRuleProps): void {
    const prefix = props.prefix;
    if (!Token.isUnresolved(prefix)
      && (prefix.length < MIN_PREFIX_LENGTH || prefix.length > MAX_PREFIX_LENGTH || !NAMESPACE.test(prefix) || prefix === ROOT_PREFIX)) {
      fail(this, 'invalidPullThroughCachePrefix', `Invalid pull through cache prefix ${show(prefix)}: expected ${MIN_PREFIX_LENGTH}-${MAX_PREFIX_LENGTH} characters of lower-case letters and digits separated by '.', '_', '__', runs of '-' or '/', for example 'ecr-public' or 'docker-hub'.`);
    }
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region.startsWith('cn-')) {
      fail(this, 'pullThroughCacheUnavailableInRegion', `Pull through cache rules are not supported in ${region} (the China regions). Cache images in a registry of another region, or copy them into this registry.`);
    }
    const upstream = props.upstream;
    if (upstream.requiresCredential && !props.credential) {
      fail(this, 'pullThroughCacheCredentialMissing', `The upstream ${upstream.upstreamRegistry} (${upstream.url}) needs a credential: give a Secrets Manager secret named '${SECRET_NAME_PREFIX}...' with its username and accessToken as credential.`);
    }
    if (!upstream.requiresCredential && props.credential) {
      fail(this, 'pullThroughCacheCredentialNotTaken', `The upstream ${upstream.upstreamRegistry} (${upstream.url}) takes no credential, but got ${props.credential.node.path}. Remove the credential.`);
    }
    const secretName = props.credential?.secretName;
    if (secretName !== undefined && !Token.isUnresolved(secretName) && !secretName.startsWith(SECRET_NAME_PREFIX)) {
      fail(this, 'invalidPullThroughCacheSecretName', `The credential secret ${show(secretName)} does not start with '${SECRET_NAME_PREFIX}': Amazon ECR reads only secrets of that prefix. Create the secret as '${SECRET_NAME_PREFIX}${secretName}'.`);
    }
  }
}
