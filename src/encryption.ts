import { Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { fail, show } from './private/errors';

/**
 * The encryption every repository of a `SharedLayerRegistry` gets.
 *
 * Amazon ECR shares a layer between two repositories only when both have the identical encryption
 * type AND key: one registry, one encryption configuration.
 *
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html
 */
export class RegistryEncryption {
  /**
   * Server-side encryption with Amazon S3-managed keys (ECR's default).
   */
  public static readonly AES256 = new RegistryEncryption('AES256');

  /**
   * Server-side encryption with an AWS KMS key.
   *
   * @param key the key; it must be in the registry's region.
   * @default - the AWS managed key `aws/ecr`
   */
  public static kms(key?: kms.IKey): RegistryEncryption {
    return new RegistryEncryption('KMS', key);
  }

  /**
   * Dual-layer server-side encryption with an AWS KMS key (AWS GovCloud (US) regions only).
   *
   * @param key the key; it must be in the registry's region.
   * @default - the AWS managed key `aws/ecr`
   */
  public static kmsDsse(key?: kms.IKey): RegistryEncryption {
    return new RegistryEncryption('KMS_DSSE', key);
  }

  /** `AES256`, `KMS` or `KMS_DSSE`. */
  public readonly encryptionType: string;
  /**
   * The KMS key.
   * @default - none: AES256, or the AWS managed key `aws/ecr` for KMS types
   */
  public readonly key?: kms.IKey;

  protected constructor(encryptionType: string, key?: kms.IKey) {
    this.encryptionType = encryptionType;
    this.key = key;
  }

  /** A short description for messages and summaries, for example `KMS (key Stack/Key)`. */
  public describe(): string {
    if (this.encryptionType === 'AES256') {
      return 'AES256';
    }
    if (!this.key) {
      return `${this.encryptionType} (AWS managed key aws/ecr)`;
    }
    return `${this.encryptionType} (key ${Token.isUnresolved(this.key.keyArn) ? this.key.node.path : this.key.keyArn})`;
  }

  /**
   * Checks the encryption against the registry's stack: the key's region, and KMS_DSSE only in GovCloud.
   * @internal
   */
  public _validate(scope: IConstruct): void {
    const region = Stack.of(scope).region;
    if (this.encryptionType === 'KMS_DSSE' && !Token.isUnresolved(region) && !region.startsWith('us-gov-')) {
      fail(scope, 'kmsDsseOutsideGovCloud', `Encryption KMS_DSSE is only available in the AWS GovCloud (US) regions, but the registry is in ${show(region)}. Use RegistryEncryption.kms(key) in this region.`);
    }
    const keyRegion = this.key?.env.region;
    if (keyRegion && !Token.isUnresolved(keyRegion) && !Token.isUnresolved(region) && keyRegion !== region) {
      fail(scope, 'kmsKeyInOtherRegion', `The KMS key ${this.key!.node.path} is in ${show(keyRegion)}, but the registry is in ${show(region)}. Amazon ECR needs a key in the repository's region: create or import a key in ${region}.`);
    }
  }

  /**
   * The CloudFormation encryption configuration of a repository: rendered identically everywhere.
   * @internal
   */
  public _render(): ecr.CfnRepository.EncryptionConfigurationProperty {
    return this.key
      ? { encryptionType: this.encryptionType, kmsKey: this.key.keyArn }
      : { encryptionType: this.encryptionType };
  }
}
