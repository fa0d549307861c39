import { CfnResource, Stack, Stage, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { IConstruct } from 'constructs';
import { EncryptionIdentity, EncryptionNormaliser, subject } from './encryption-identity';
import { RenderContext, RenderedResource } from './rendered-resource';
import { isRegistry } from '../private/brands';
import { RegistryKey, registryKeyOf } from '../private/registry-key';

/** A repository or creation template, with its normalised encryption. */
export interface EncryptedMember {
  readonly construct: IConstruct;
  readonly encryption: EncryptionIdentity;
  readonly what: 'repository' | 'creation template' | 'registry';
}

/** A resource of the app as CloudFormation receives it (an `AWS::ECR::...` of any construct level). */
export interface ResourceMember extends EncryptedMember {
  readonly resource: RenderedResource;
}

/** A creation template, with what it applies to. */
export interface TemplateMember extends ResourceMember {
  /** The prefix as CloudFormation receives it (a string known at synthesis, or not). */
  readonly prefix: unknown;
  readonly appliedFor: unknown;
}

/** An account setting whose name is known at synthesis. */
export interface AccountSettingMember {
  /** The construct users wrote: an `EcrAccountSetting`, or the raw custom resource. */
  readonly construct: IConstruct;
  readonly name: string;
  readonly value: unknown;
}

/** Everything the app puts into one registry (account + region, or one env-agnostic stack). */
export interface RegistryGroup {
  readonly key: RegistryKey;
  /** The stack of an env-agnostic group; the first stack otherwise. */
  readonly stack: Stack;
  readonly repositories: ResourceMember[];
  readonly templates: TemplateMember[];
  /** SharedLayerRegistry constructs, with their encryption. */
  readonly registries: EncryptedMember[];
  /** What turns blob mounting on: SharedLayerRegistry constructs and BLOB_MOUNTING=ENABLED settings. */
  readonly blobMounting: IConstruct[];
  readonly replications: RenderedResource[];
  /** What exists once per registry, per kind (the registry itself, replication, scanning, registry policy, each account setting). */
  readonly singletons: Map<string, IConstruct[]>;
  readonly pullThroughCacheRules: RenderedResource[];
  /** Registry policies, however written. */
  readonly registryPolicies: RenderedResource[];
  /** Registry scanning configurations, however written. */
  readonly scanningConfigurations: RenderedResource[];
  /** Account settings with a name known at synthesis, however written. */
  readonly accountSettings: AccountSettingMember[];
  /** Container image assets (`DockerImageAsset`, `TarballImageAsset`), with the repository they are pushed to. */
  readonly imageAssets: Array<{ readonly construct: IConstruct; readonly repositoryName: string }>;
  /** Repositories referenced by name or ARN (`ecr.Repository.fromRepositoryName`, `registry.importRepository`). */
  readonly importedRepositories: Array<IConstruct & { readonly repositoryName: string }>;
}

/** The app's ECR resources, grouped by registry. */
export interface AppInventory {
  readonly groups: Map<string, RegistryGroup>;
  /** Every stack of the app (nested Stages included), in tree order. */
  readonly stacks: Stack[];
  /** Resolves values the way the resources above were read. */
  readonly context: RenderContext;
}

/** The singleton kinds, as named in messages. */
export const REGISTRY_KIND = 'SharedLayerRegistry';
export const REPLICATION_KIND = 'ECR replication configuration';
export const SCANNING_KIND = 'ECR registry scanning configuration';
export const POLICY_KIND = 'ECR registry policy';
export const ACCOUNT_SETTING_KIND = 'ECR account setting';

/** Puts one resource of a CloudFormation type into its registry's group. */
type Collector = (group: RegistryGroup, resource: RenderedResource, normaliser: EncryptionNormaliser) => void;

/** What the inventory reads of each resource type, by the CloudFormation type (L2, L1 or generic CfnResource alike). */
const COLLECTORS: Readonly<Record<string, Collector>> = {
  'AWS::ECR::Repository': (group, resource, normaliser) => {
    group.repositories.push({
      construct: resource.resource, resource, encryption: normaliser.normalise(resource), what: 'repository',
    });
  },
  'AWS::ECR::RepositoryCreationTemplate': (group, resource, normaliser) => {
    group.templates.push({
      construct: resource.resource,
      resource,
      encryption: normaliser.normalise(resource),
      what: 'creation template',
      prefix: resource.get('Prefix'),
      appliedFor: resource.get('AppliedFor'),
    });
  },
  'AWS::ECR::ReplicationConfiguration': (group, resource) => {
    group.replications.push(resource);
    addSingleton(group, REPLICATION_KIND, resource.resource);
  },
  'AWS::ECR::RegistryScanningConfiguration': (group, resource) => {
    group.scanningConfigurations.push(resource);
    addSingleton(group, SCANNING_KIND, resource.resource);
  },
  'AWS::ECR::RegistryPolicy': (group, resource) => {
    group.registryPolicies.push(resource);
    addSingleton(group, POLICY_KIND, resource.resource);
  },
  'AWS::ECR::PullThroughCacheRule': (group, resource) => group.pullThroughCacheRules.push(resource),
  'Custom::EcrAccountSetting': (group, resource) => accountSetting(group, resource),
};

/**
 * Walks the whole app once (every stack, nested Stages included) and groups its ECR resources by
 * registry, each read as CloudFormation receives it. Linear in the number of constructs; per
 * construct, one property read unless it is an ECR resource, a registry, an image asset or a repository.
 */
export function takeInventory(root: IConstruct): AppInventory {
  const context = new RenderContext();
  const normaliser = new EncryptionNormaliser(context);
  const groups = new Map<string, RegistryGroup>();
  const groupOfStack = new Map<Stack, RegistryGroup>();
  const stacks: Stack[] = [];

  const groupFor = (stack: Stack): RegistryGroup => {
    let group = groupOfStack.get(stack);
    if (!group) {
      const key = registryKeyOf(stack);
      group = groups.get(key.key);
      if (!group) {
        group = {
          key,
          stack,
          repositories: [],
          templates: [],
          registries: [],
          blobMounting: [],
          replications: [],
          singletons: new Map(),
          pullThroughCacheRules: [],
          registryPolicies: [],
          scanningConfigurations: [],
          accountSettings: [],
          imageAssets: [],
          importedRepositories: [],
        };
        groups.set(key.key, group);
      }
      groupOfStack.set(stack, group);
    }
    return group;
  };

  const pending: Array<{ construct: IConstruct; stack?: Stack }> = [{ construct: root }];
  while (pending.length > 0) {
    const { construct, stack: parentStack } = pending.pop()!;
    let stack = parentStack;
    if (Stage.isStage(construct)) {
      stack = undefined;
    } else if (Stack.isStack(construct)) {
      stack = construct;
      stacks.push(construct);
    }
    if (stack !== undefined) {
      visit(construct, stack);
    }
    const children = construct.node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      pending.push({ construct: children[i], stack });
    }
  }
  return { groups, stacks, context };

  function visit(construct: IConstruct, stack: Stack): void {
    const type = (construct as Partial<CfnResource>).cfnResourceType;
    if (type !== undefined) {
      const collector = COLLECTORS[type];
      if (collector !== undefined) {
        collector(groupFor(stack), context.render(construct as CfnResource), normaliser);
      }
    } else if (construct instanceof ecr.RepositoryBase) {
      if (construct.node.tryFindChild('Resource') === undefined && !isImageAsset(construct.node.scope)) {
        groupFor(stack).importedRepositories.push(construct);
      }
    } else if (isImageAsset(construct)) {
      groupFor(stack).imageAssets.push({ construct, repositoryName: construct.repository.repositoryName });
    } else if (isRegistry(construct)) {
      const group = groupFor(stack);
      const configuration = construct._encryptionConfiguration;
      const rendered = context.resolve(construct, { EncryptionType: configuration.encryptionType, KmsKey: configuration.kmsKey });
      group.registries.push({ construct, encryption: normaliser.normaliseResolved(construct, rendered), what: 'registry' });
      addSingleton(group, REGISTRY_KIND, construct);
      if (construct.blobMountingSetting !== undefined) {
        group.blobMounting.push(construct);
      }
    }
  }
}

/** An account setting, from the properties CloudFormation receives (an `EcrAccountSetting`'s or a raw custom resource's). */
function accountSetting(group: RegistryGroup, resource: RenderedResource): void {
  const name = resource.get('SettingName');
  if (typeof name !== 'string' || Token.isUnresolved(name) || name.includes('\u0001')) {
    return;
  }
  const value = resource.get('SettingValue');
  // EcrAccountSetting > CustomResource 'Resource' > CfnResource 'Default': the user's construct.
  const construct = subject(resource.resource);
  group.accountSettings.push({ construct, name, value });
  addSingleton(group, `${ACCOUNT_SETTING_KIND} ${name}`, construct);
  // A registry's own setting is counted with the registry.
  const owner = construct.node.scope;
  if (name === 'BLOB_MOUNTING' && value === 'ENABLED' && !(owner !== undefined && isRegistry(owner))) {
    group.blobMounting.push(construct);
  }
}

/**
 * A container image asset (`DockerImageAsset`, `TarballImageAsset`), recognised by the attributes
 * both have, so that the inventory does not load the assets module for apps without one.
 */
function isImageAsset(construct: IConstruct | undefined): construct is IConstruct & { readonly repository: { readonly repositoryName: string } } {
  const candidate = construct as {
    readonly imageUri?: unknown; readonly assetHash?: unknown; readonly repository?: { readonly repositoryName?: unknown };
  } | undefined;
  return typeof candidate?.imageUri === 'string' && typeof candidate.assetHash === 'string'
    && typeof candidate.repository?.repositoryName === 'string';
}

function addSingleton(group: RegistryGroup, kind: string, construct: IConstruct): void {
  let members = group.singletons.get(kind);
  if (!members) {
    members = [];
    group.singletons.set(kind, members);
  }
  members.push(construct);
}
