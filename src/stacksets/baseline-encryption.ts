import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RegistryEncryption } from '../encryption';
import { error, show } from '../private/errors';

/** A KMS alias name: `alias/` then letters, digits, `/`, `_` or `-` (not `alias/aws/`, reserved by AWS). */
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]+$/;
const MAX_ALIAS_LENGTH = 256;
const DEFAULT_ALIAS = 'alias/ecr-shared-layers';

/**
 * Options of `BaselineEncryption.keyPerAccount`.
 */
export interface BaselineKeyOptions {
  /**
   * The alias of the key in each account and region, so that teams can find it (for example
   * `aws kms describe-key --key-id alias/ecr-shared-layers`) and give their own repositories the
   * same key. An alias name is unique per account and region.
   *
   * @default 'alias/ecr-shared-layers'
   */
  readonly alias?: string;

  /**
   * The description of the key.
   *
   * @default - 'Encryption key of every Amazon ECR repository of this registry (cdk-ecr-shared-layers)'
   */
  readonly description?: string;
}

/**
 * The encryption of a registry baseline deployed through CloudFormation StackSets.
 *
 * A StackSet deploys one template to every account and region, so a key of one account cannot be
 * passed in: the baseline uses AES256, the AWS managed key `aws/ecr` of each account and region,
 * or a customer managed key that the baseline creates in each account and region.
 *
 * All three give exactly one encryption island per registry (blob mounting never crosses
 * registries anyway). For layer sharing, `AES256` is recommended: it is also what ECR uses when a
 * repository is created without an encryption configuration, so repositories that teams create
 * later, by any tool, land in the island by default. Choose `AWS_MANAGED_KEY` when KMS is
 * required (every repository must then say `KMS` without a key, identical in every account), and
 * `keyPerAccount()` only when you need to control the key policy (each repository must then name
 * the key of its own account and region; KMS keys cost a monthly fee each).
 *
 * @example
 * BaselineEncryption.keyPerAccount({ alias: 'alias/platform/ecr' });
 */
export class BaselineEncryption {
  /**
   * Server-side encryption with Amazon S3-managed keys (ECR's default). Recommended for layer sharing.
   */
  public static readonly AES256 = new BaselineEncryption('AES256', false);

  /**
   * Server-side encryption with the AWS managed key `aws/ecr` of each account and region.
   */
  public static readonly AWS_MANAGED_KEY = new BaselineEncryption('KMS', false);

  /**
   * A customer managed KMS key that the baseline creates in each account and region, with key
   * rotation on, an alias, and a key policy that lets the account's principals create the grants
   * ECR needs, through ECR only (`kms:ViaService`). The key is retained when a stack instance is
   * deleted (images encrypted with it would otherwise become unreadable).
   */
  public static keyPerAccount(options: BaselineKeyOptions = {}): BaselineEncryption {
    const alias = options.alias ?? DEFAULT_ALIAS;
    if (alias.length > MAX_ALIAS_LENGTH || !ALIAS_NAME.test(alias) || alias.startsWith('alias/aws/')) {
      throw error('invalidBaselineKeyAlias', `Invalid key alias ${show(alias)} for BaselineEncryption.keyPerAccount(): expected 'alias/' followed by letters, digits, '/', '_' or '-' (at most ${MAX_ALIAS_LENGTH} characters, not starting with 'alias/aws/', which AWS reserves), for example '${DEFAULT_ALIAS}'.`);
    }
    return new BaselineEncryption('KMS', true, alias, options.description);
  }

  /** `AES256` or `KMS`. */
  public readonly encryptionType: string;
  /** Whether the baseline creates a KMS key in each account and region. */
  public readonly createsKey: boolean;
  /**
   * The alias of the key the baseline creates.
   * @default - none: no key is created
   */
  public readonly keyAlias?: string;

  private readonly keyDescription?: string;

  protected constructor(encryptionType: string, createsKey: boolean, keyAlias?: string, keyDescription?: string) {
    this.encryptionType = encryptionType;
    this.createsKey = createsKey;
    this.keyAlias = keyAlias;
    this.keyDescription = keyDescription;
  }

  /** A short description for messages and summaries, for example `KMS (a key per account and region, alias/ecr-shared-layers)`. */
  public describe(): string {
    if (this.encryptionType === 'AES256') {
      return 'AES256';
    }
    return this.createsKey ? `KMS (a key per account and region, ${this.keyAlias})` : 'KMS (AWS managed key aws/ecr)';
  }

  /**
   * The registry encryption in the baseline stack; creates the key (construct id `RegistryKey`,
   * part of the contract: renaming it would replace the key in every account).
   * @internal
   */
  public _bind(stack: Stack): RegistryEncryption {
    if (this.encryptionType === 'AES256') {
      return RegistryEncryption.AES256;
    }
    if (!this.createsKey) {
      return RegistryEncryption.kms();
    }
    const key = new kms.Key(stack, 'RegistryKey', {
      description: this.keyDescription ?? 'Encryption key of every Amazon ECR repository of this registry (cdk-ecr-shared-layers)',
      alias: this.keyAlias,
      enableKeyRotation: true,
    });
    return RegistryEncryption.kms(key);
  }
}
