import { Annotations, CustomResource, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ACCOUNT_SETTING_RESOURCE_TYPE, AccountSettingProperties, PROPERTIES_VERSION, RESETTABLE_SETTINGS } from './contract';
import { AccountSettingProvider } from './provider';
import { fail, show } from '../private/errors';
import { LayerSharingChecks } from '../validation/layer-sharing-checks';

/**
 * Names of the Amazon ECR account settings this library knows.
 *
 * @see https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutAccountSetting.html
 */
export class AccountSettingName {
  /**
   * Cross-repository layer sharing (blob mounting): `ENABLED` or `DISABLED`.
   *
   * Layers are stored once per registry only between repositories with identical encryption.
   */
  public static readonly BLOB_MOUNTING = 'BLOB_MOUNTING';
  /** The basic scanning engine: `AWS_NATIVE` (Clair was retired on 2026-02-02). */
  public static readonly BASIC_SCAN_TYPE_VERSION = 'BASIC_SCAN_TYPE_VERSION';
  /** The registry policy scope: `V2` (ECR advises against going back to `V1`). */
  public static readonly REGISTRY_POLICY_SCOPE = 'REGISTRY_POLICY_SCOPE';

  private constructor() {}
}

interface KnownSetting {
  readonly values: readonly string[];
  /** The value a Delete writes under RemovalPolicy.DESTROY; none = DESTROY is refused. */
  readonly resetValue?: string;
  /** Values that are accepted with a warning, and why. */
  readonly discouraged?: Readonly<Record<string, string>>;
}

const KNOWN_SETTINGS: Readonly<Record<string, KnownSetting>> = {
  [AccountSettingName.BLOB_MOUNTING]: { values: ['ENABLED', 'DISABLED'], resetValue: RESETTABLE_SETTINGS[AccountSettingName.BLOB_MOUNTING] },
  [AccountSettingName.BASIC_SCAN_TYPE_VERSION]: { values: ['AWS_NATIVE'] },
  [AccountSettingName.REGISTRY_POLICY_SCOPE]: {
    values: ['V2', 'V1'],
    discouraged: {
      V1: 'Amazon ECR advises against going back to registry policy scope V1: V2 applies the registry policy to all ECR actions. Use V2 unless a policy of yours depends on V1.',
    },
  },
};

/**
 * Properties of an `EcrAccountSetting`.
 */
export interface EcrAccountSettingProps {
  /**
   * The name of the account setting, for example `AccountSettingName.BLOB_MOUNTING`.
   *
   * Known names: `BLOB_MOUNTING`, `BASIC_SCAN_TYPE_VERSION`, `REGISTRY_POLICY_SCOPE`.
   */
  readonly name: string;

  /**
   * The value to apply, for example `ENABLED`.
   *
   * `BLOB_MOUNTING`: `ENABLED` | `DISABLED`; `BASIC_SCAN_TYPE_VERSION`: `AWS_NATIVE`;
   * `REGISTRY_POLICY_SCOPE`: `V2` (or `V1`, with a warning).
   */
  readonly value: string;

  /**
   * What happens to the setting when this resource is removed from the stack or the stack is deleted.
   *
   * - `RemovalPolicy.RETAIN`: the setting is left as it is (nothing is written).
   * - `RemovalPolicy.DESTROY`: the setting is reset best-effort to its off value
   *   (`BLOB_MOUNTING` -> `DISABLED`); a failed reset never fails the stack operation.
   *   Refused for settings that have no off value.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Options of the typed `EcrAccountSetting` factories.
 */
export interface AccountSettingOptions {
  /**
   * What happens to the setting when this resource is removed from the stack or the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Options of `EcrAccountSetting.blobMounting`.
 */
export interface BlobMountingOptions extends AccountSettingOptions {
  /**
   * Whether layer sharing across repositories is on.
   *
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * One Amazon ECR account setting (for example `BLOB_MOUNTING`), applied at deploy time to the
 * registry of the stack (its account and region).
 *
 * CloudFormation has no resource for ECR account settings, so this is a custom resource
 * (`Custom::EcrAccountSetting`) whose handler is inline code: the stack has no file assets and
 * deploys with `cdk deploy`, as a StackSet or with `aws cloudformation deploy` alike.
 *
 * An account setting is a singleton of the registry: two `EcrAccountSetting` for the same name in
 * the same account and region make synthesis fail (otherwise the last deploy would silently win).
 *
 * @example
 * declare const stack: Stack;
 * EcrAccountSetting.blobMounting(stack, 'BlobMounting');
 * new EcrAccountSetting(stack, 'PolicyScope', { name: AccountSettingName.REGISTRY_POLICY_SCOPE, value: 'V2' });
 */
export class EcrAccountSetting extends Construct {
  /**
   * Turns cross-repository layer sharing (blob mounting) on, or off with `enabled: false`.
   */
  public static blobMounting(scope: Construct, id: string, options: BlobMountingOptions = {}): EcrAccountSetting {
    return new EcrAccountSetting(scope, id, {
      name: AccountSettingName.BLOB_MOUNTING,
      value: options.enabled === false ? 'DISABLED' : 'ENABLED',
      removalPolicy: options.removalPolicy,
    });
  }

  /**
   * Sets the registry policy scope to `V2`.
   */
  public static registryPolicyScopeV2(scope: Construct, id: string, options: AccountSettingOptions = {}): EcrAccountSetting {
    return new EcrAccountSetting(scope, id, {
      name: AccountSettingName.REGISTRY_POLICY_SCOPE,
      value: 'V2',
      removalPolicy: options.removalPolicy,
    });
  }

  /**
   * Sets the basic scanning engine to `AWS_NATIVE`.
   */
  public static basicScanTypeAwsNative(scope: Construct, id: string, options: AccountSettingOptions = {}): EcrAccountSetting {
    return new EcrAccountSetting(scope, id, {
      name: AccountSettingName.BASIC_SCAN_TYPE_VERSION,
      value: 'AWS_NATIVE',
      removalPolicy: options.removalPolicy,
    });
  }

  /** The name of the setting. */
  public readonly settingName: string;
  /** The value this construct applies. */
  public readonly settingValue: string;
  /**
   * The value the setting had before the last Create or Update (empty when it was unset).
   * @attribute
   */
  public readonly previousValue: string;

  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: EcrAccountSettingProps) {
    super(scope, id);
    this.settingName = props.name;
    this.settingValue = props.value;

    const known = this.validate(props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const resetValue = this.resetValueFor(props.name, removalPolicy, known);

    const provider = AccountSettingProvider.of(this);
    const settingPolicy = provider.allowSetting(props.name);

    const properties: AccountSettingProperties = {
      SettingName: props.name,
      SettingValue: props.value,
      OnDelete: resetValue === undefined ? 'RETAIN' : 'RESET',
      ...(resetValue === undefined ? {} : { ResetValue: resetValue }),
      PropertiesVersion: PROPERTIES_VERSION,
    };
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: ACCOUNT_SETTING_RESOURCE_TYPE,
      serviceToken: provider.serviceToken,
      serviceTimeout: Duration.minutes(5),
      properties: { ...properties },
    });
    // The handler needs its rights until the very end, Delete included.
    this.resource.node.addDependency(provider.policy, settingPolicy);
    this.previousValue = this.resource.getAttString('PreviousValue');

    this.registerForDuplicateCheck();
  }

  private validate(props: EcrAccountSettingProps): KnownSetting | undefined {
    if (Token.isUnresolved(props.name)) {
      return undefined;
    }
    const known = KNOWN_SETTINGS[props.name];
    if (!known) {
      fail(this, 'unknownAccountSetting', `Unknown ECR account setting name ${show(props.name)}. Expected one of ${Object.keys(KNOWN_SETTINGS).join(', ')} (see AccountSettingName).`);
    }
    if (Token.isUnresolved(props.value)) {
      return known;
    }
    if (!known.values.includes(props.value)) {
      fail(this, 'invalidAccountSettingValue', `Invalid value ${show(props.value)} for ECR account setting ${props.name}. Expected one of ${known.values.join(', ')}.`);
    }
    const discouraged = known.discouraged?.[props.value];
    if (discouraged) {
      Annotations.of(this).addWarningV2(`cdk-ecr-shared-layers:${props.name}.${props.value}`, discouraged);
    }
    return known;
  }

  private resetValueFor(name: string, removalPolicy: RemovalPolicy, known: KnownSetting | undefined): string | undefined {
    switch (removalPolicy) {
      case RemovalPolicy.RETAIN:
      case RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE:
        return undefined;
      case RemovalPolicy.DESTROY:
        if (!known?.resetValue) {
          fail(this, 'accountSettingCannotBeReset', `RemovalPolicy.DESTROY is not supported for ECR account setting ${name}: it has no off value to reset to. Use RemovalPolicy.RETAIN (the default), which leaves the setting as it is.`);
        }
        return known.resetValue;
      default:
        return fail(this, 'invalidAccountSettingRemovalPolicy', `Unsupported removalPolicy ${show(removalPolicy)} for an ECR account setting. Expected RemovalPolicy.RETAIN (leave the setting) or RemovalPolicy.DESTROY (reset it to its off value).`);
    }
  }

  /**
   * An account setting is a singleton of its registry: a second owner in the same account and
   * region (anywhere in the app) would silently overwrite the first at deploy time.
   */
  private registerForDuplicateCheck(): void {
    if (Token.isUnresolved(this.settingName)) {
      return;
    }
    LayerSharingChecks._claimSingleton(this);
  }
}
