import { CfnResource, Stack, Stage, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { IConstruct } from 'constructs';
import { EncryptionIdentity, EncryptionNormaliser, subject } from './encryption-identity';
import { isRegistry } from '../private/brands';
import { RegistryKey, registryKeyOf } from '../private/registry-key';

/** A repository or creation template, with its normalised encryption. */
export interface EncryptedMember {
  readonly construct: IConstruct;
  readonly encryption: EncryptionIdentity;
  readonly what: 'repository' | 'creation template' | 'registry';
}

/** A creation template, with what it applies to. */
export interface TemplateMember extends EncryptedMember {
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
  readonly repositories: EncryptedMember[];
  readonly templates: TemplateMember[];
  /** SharedLayerRegistry constructs, with their encryption. */
  readonly registries: EncryptedMember[];
  /** What turns blob mounting on: SharedLayerRegistry constructs and BLOB_MOUNTING=ENABLED settings. */
  readonly blobMounting: IConstruct[];
  readonly replications: ecr.CfnReplicationConfiguration[];
  /** What exists once per registry, per kind (the registry itself, replication, scanning, registry policy, each account setting). */
  readonly singletons: Map<string, IConstruct[]>;
  readonly pullThroughCacheRules: ecr.CfnPullThroughCacheRule[];
  /** Registry policies, however written. */
  readonly registryPolicies: ecr.CfnRegistryPolicy[];
  /** Account settings with a name known at synthesis, however written. */
  readonly accountSettings: AccountSettingMember[];
  /** Container image assets (`DockerImageAsset`, `TarballImageAsset`), with the repository they are pushed to. */
  readonly imageAssets: Array<{ readonly construct: IConstruct; readonly repositoryName: string }>;
}

/** The app's ECR resources, grouped by registry. */
export interface AppInventory {
  readonly groups: Map<string, RegistryGroup>;
}

/** The singleton kinds, as named in messages. */
export const REGISTRY_KIND = 'SharedLayerRegistry';
export const REPLICATION_KIND = 'ECR replication configuration';
export const SCANNING_KIND = 'ECR registry scanning configuration';
export const POLICY_KIND = 'ECR registry policy';
export const ACCOUNT_SETTING_KIND = 'ECR account setting';

/** Puts one resource of a CloudFormation type into its registry's group. */
type Collector = (group: RegistryGroup, resource: CfnResource, normaliser: EncryptionNormaliser) => void;

/** What the inventory reads of each resource type (a dispatch table: one property read per construct otherwise). */
const COLLECTORS: Readonly<Record<string, Collector>> = {
  'AWS::ECR::Repository': (group, resource, normaliser) => {
    group.repositories.push({
      construct: resource, encryption: normaliser.normalise((resource as ecr.CfnRepository).encryptionConfiguration), what: 'repository',
    });
  },
  'AWS::ECR::RepositoryCreationTemplate': (group, resource, normaliser) => {
    const template = resource as ecr.CfnRepositoryCreationTemplate;
    group.templates.push({
      construct: template,
      encryption: normaliser.normalise(template.encryptionConfiguration),
      what: 'creation template',
      prefix: template.prefix,
      appliedFor: template.appliedFor,
    });
  },
  'AWS::ECR::ReplicationConfiguration': (group, resource) => {
    group.replications.push(resource as ecr.CfnReplicationConfiguration);
    addSingleton(group, REPLICATION_KIND, resource);
  },
  'AWS::ECR::RegistryScanningConfiguration': (group, resource) => addSingleton(group, SCANNING_KIND, resource),
  'AWS::ECR::RegistryPolicy': (group, resource) => {
    group.registryPolicies.push(resource as ecr.CfnRegistryPolicy);
    addSingleton(group, POLICY_KIND, resource);
  },
  'AWS::ECR::PullThroughCacheRule': (group, resource) => group.pullThroughCacheRules.push(resource as ecr.CfnPullThroughCacheRule),
  'Custom::EcrAccountSetting': (group, resource) => accountSetting(group, resource),
};

/**
 * Walks the whole app once (every stack, nested Stages included) and groups its ECR resources by
 * registry. Linear in the number of constructs; per construct, one property read unless it is an
 * ECR resource, a registry or an image asset.
 */
export function takeInventory(root: IConstruct): AppInventory {
  const normaliser = new EncryptionNormaliser();
  const groups = new Map<string, RegistryGroup>();
  const groupOfStack = new Map<Stack, RegistryGroup>();

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
          accountSettings: [],
          imageAssets: [],
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
    }
    if (stack !== undefined) {
      visit(construct, stack);
    }
    const children = construct.node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      pending.push({ construct: children[i], stack });
    }
  }
  return { groups };

  function visit(construct: IConstruct, stack: Stack): void {
    const type = (construct as Partial<CfnResource>).cfnResourceType;
    if (type !== undefined) {
      COLLECTORS[type]?.(groupFor(stack), construct as CfnResource, normaliser);
    } else if (isImageAsset(construct)) {
      groupFor(stack).imageAssets.push({ construct, repositoryName: construct.repository.repositoryName });
    } else if (isRegistry(construct)) {
      const group = groupFor(stack);
      group.registries.push({ construct, encryption: normaliser.normalise(construct._encryptionConfiguration), what: 'registry' });
      addSingleton(group, REGISTRY_KIND, construct);
      if (construct.blobMountingSetting !== undefined) {
        group.blobMounting.push(construct);
      }
    }
  }
}

/** An account setting, from the properties of its custom resource (an `EcrAccountSetting`'s or a raw one). */
function accountSetting(group: RegistryGroup, resource: CfnResource): void {
  // `cfnProperties` is CfnResource's protected accessor (public API for subclasses): the properties
  // of a raw CfnResource, or of the CustomResource of an `EcrAccountSetting`.
  const properties = (resource as unknown as { readonly cfnProperties: Record<string, unknown> }).cfnProperties ?? {};
  const name = properties.SettingName;
  if (typeof name !== 'string' || Token.isUnresolved(name)) {
    return;
  }
  const value = properties.SettingValue;
  // EcrAccountSetting > CustomResource 'Resource' > CfnResource 'Default': the user's construct.
  const construct = subject(resource);
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
function isImageAsset(construct: IConstruct): construct is IConstruct & { readonly repository: { readonly repositoryName: string } } {
  const candidate = construct as {
    readonly imageUri?: unknown; readonly assetHash?: unknown; readonly repository?: { readonly repositoryName?: unknown };
  };
  return typeof candidate.imageUri === 'string' && typeof candidate.assetHash === 'string'
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
