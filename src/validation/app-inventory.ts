import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import { IConstruct } from 'constructs';
import { EncryptionIdentity, EncryptionNormaliser } from './encryption-identity';
import { EcrAccountSetting } from '../account-settings/ecr-account-setting';
import { isRegistry } from '../private/brands';
import { RegistryKey, registryKeyOf } from '../private/registry-key';
import { isClaimed } from '../private/registry-singletons';

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

/** One resource that exists once per registry. */
export interface SingletonMember {
  readonly construct: IConstruct;
  /** Owned (and so already checked for duplicates) by a construct of this library. */
  readonly claimed: boolean;
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
  /** Singletons per kind (replication, scanning, registry policy, each account setting). */
  readonly singletons: Map<string, SingletonMember[]>;
  readonly pullThroughCacheRules: ecr.CfnPullThroughCacheRule[];
  /** Registry policies, however written. */
  readonly registryPolicies: ecr.CfnRegistryPolicy[];
  /** Account settings with a name and value known at synthesis, however written. */
  readonly accountSettings: Array<{ readonly construct: IConstruct; readonly name: string; readonly value: unknown }>;
  /** Container image assets (`DockerImageAsset`, `TarballImageAsset`), with the repository they are pushed to. */
  readonly imageAssets: Array<{ readonly construct: IConstruct; readonly repositoryName: string }>;
}

/** The app's ECR resources, grouped by registry. */
export interface AppInventory {
  readonly groups: Map<string, RegistryGroup>;
}

export const REPLICATION_KIND = 'ECR replication configuration';
export const SCANNING_KIND = 'ECR registry scanning configuration';
export const POLICY_KIND = 'ECR registry policy';


/**
 * Walks the whole app once (every stack, nested Stages included) and groups its ECR resources by
 * registry. Linear in the number of constructs; per construct, one property read unless it is an
 * ECR resource.
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
    if (type === undefined) {
      if (construct instanceof ecrAssets.DockerImageAsset || construct instanceof ecrAssets.TarballImageAsset) {
        groupFor(stack).imageAssets.push({ construct, repositoryName: construct.repository.repositoryName });
        return;
      }
      if (isRegistry(construct)) {
        const group = groupFor(stack);
        group.registries.push({ construct, encryption: normaliser.normalise(construct._encryptionConfiguration), what: 'registry' });
        if (construct.blobMountingSetting !== undefined) {
          group.blobMounting.push(construct);
        }
      }
      return;
    }
    switch (type) {
      case 'AWS::ECR::Repository':
        groupFor(stack).repositories.push({
          construct, encryption: normaliser.normalise((construct as ecr.CfnRepository).encryptionConfiguration), what: 'repository',
        });
        return;
      case 'AWS::ECR::RepositoryCreationTemplate': {
        const template = construct as ecr.CfnRepositoryCreationTemplate;
        groupFor(stack).templates.push({
          construct,
          encryption: normaliser.normalise(template.encryptionConfiguration),
          what: 'creation template',
          prefix: template.prefix,
          appliedFor: template.appliedFor,
        });
        return;
      }
      case 'AWS::ECR::ReplicationConfiguration':
        groupFor(stack).replications.push(construct as ecr.CfnReplicationConfiguration);
        addSingleton(groupFor(stack), REPLICATION_KIND, construct, claimedByOwner(construct));
        return;
      case 'AWS::ECR::RegistryScanningConfiguration':
        addSingleton(groupFor(stack), SCANNING_KIND, construct, claimedByOwner(construct));
        return;
      case 'AWS::ECR::RegistryPolicy':
        groupFor(stack).registryPolicies.push(construct as ecr.CfnRegistryPolicy);
        addSingleton(groupFor(stack), POLICY_KIND, construct, claimedByOwner(construct));
        return;
      case 'AWS::ECR::PullThroughCacheRule':
        groupFor(stack).pullThroughCacheRules.push(construct as ecr.CfnPullThroughCacheRule);
        return;
      case 'Custom::EcrAccountSetting':
        accountSetting(construct as CfnResource, stack);
        return;
      default:
        return;
    }
  }

  function accountSetting(resource: CfnResource, stack: Stack): void {
    // EcrAccountSetting > CustomResource 'Resource' > CfnResource 'Default'.
    const owner = resource.node.scope?.node.scope;
    let name: unknown;
    let value: unknown;
    let claimed = false;
    if (owner instanceof EcrAccountSetting) {
      name = owner.settingName;
      value = owner.settingValue;
      claimed = true;
    } else {
      // The L1 properties of a raw CfnResource or CustomResource (`cfnProperties` is CfnResource's
      // protected accessor: public API for subclasses).
      const properties = (resource as unknown as { readonly cfnProperties: Record<string, unknown> }).cfnProperties ?? {};
      name = properties.SettingName;
      value = properties.SettingValue;
    }
    if (typeof name !== 'string') {
      return;
    }
    const group = groupFor(stack);
    group.accountSettings.push({ construct: claimed ? owner! : resource, name, value });
    addSingleton(group, `ECR account setting ${name}`, claimed ? owner! : resource, claimed);
    // A registry's own setting is counted with the registry.
    if (name === 'BLOB_MOUNTING' && value === 'ENABLED' && !(claimed && owner!.node.scope !== undefined && isRegistry(owner!.node.scope))) {
      group.blobMounting.push(claimed ? owner! : resource);
    }
  }
}

function addSingleton(group: RegistryGroup, kind: string, construct: IConstruct, claimed: boolean): void {
  let members = group.singletons.get(kind);
  if (!members) {
    members = [];
    group.singletons.set(kind, members);
  }
  members.push({ construct, claimed });
}

function claimedByOwner(resource: IConstruct): boolean {
  const owner = resource.node.scope;
  // The library's constructs that own a registry singleton claim it (claimRegistrySingleton):
  // duplicates among them are reported by the claims already.
  return owner !== undefined && resource.node.id === 'Resource' && isClaimed(owner);
}
