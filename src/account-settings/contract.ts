/**
 * The contract between the `EcrAccountSetting` construct and its inline Lambda handler: the
 * resource type, the resource properties and their version, and the format of the physical id.
 * Imported by both sides (the handler bundles it), so neither can drift from the other.
 *
 * It must stay free of aws-cdk-lib and of the AWS SDK: it is part of the inline handler.
 */

/** The CloudFormation resource type of an account setting. Part of the public contract: never change it. */
export const ACCOUNT_SETTING_RESOURCE_TYPE = 'Custom::EcrAccountSetting';

/**
 * The version of the resource properties the construct writes.
 *
 * The handler also accepts every version in `SUPPORTED_PROPERTIES_VERSIONS`, because Delete and
 * rollback events carry the properties written by the library version that created the resource.
 */
export const PROPERTIES_VERSION = '1';

/** The properties versions the handler understands (the current one and every older one still deployed). */
export const SUPPORTED_PROPERTIES_VERSIONS: readonly string[] = ['1'];

/** What a Delete does with the setting. */
export type OnDelete = 'RETAIN' | 'RESET';

/** The resource properties, as the construct writes them (CloudFormation passes every value as a string). */
export interface AccountSettingProperties {
  /** The account setting's name, for example `BLOB_MOUNTING`. */
  readonly SettingName: string;
  /** The value Create and Update apply. */
  readonly SettingValue: string;
  /** `RETAIN` (leave the setting on Delete) or `RESET` (write `ResetValue` when nothing else asks for the setting). */
  readonly OnDelete: OnDelete;
  /** The value a Delete writes when `OnDelete` is `RESET`. */
  readonly ResetValue?: string;
  /** `PROPERTIES_VERSION` of the library that wrote the properties. */
  readonly PropertiesVersion: string;
}

/**
 * The oldest `@aws-sdk/client-ecr` with `GetAccountSettingCommand` and `PutAccountSettingCommand`.
 * The Lambda runtime provides the SDK; a runtime with an older one gets a FAILED answer naming this.
 */
export const MINIMUM_CLIENT_ECR_VERSION = '3.624.0';

/**
 * Settings a Delete may reset (those with an off value). The provider's role keeps its rights to
 * them whatever the template holds now, because a Delete of a setting removed from the stack runs
 * in CloudFormation's cleanup phase, after the role's policy was updated to the new template.
 */
export const RESETTABLE_SETTINGS: Readonly<Record<string, string>> = { BLOB_MOUNTING: 'DISABLED' };

const PREFIX = 'EcrAccountSetting';
const FOUND = 'found=';
const RESTORE = 'restore=';
const CREATE_FAILED = 'create-failed';
/** Written in place of a value when ECR returned none. */
const NO_VALUE = '-';

/**
 * What a physical id says. Physical ids:
 * - `EcrAccountSetting:<NAME>:found=<VALUE>`: created; `<VALUE>` is what the setting was before
 *   this resource first applied its value (`-` when ECR returned none). Kept unchanged by every
 *   Update that keeps the name, so CloudFormation never sends a Delete for a value change.
 * - `EcrAccountSetting:<NAME>:create-failed` and `...:create-failed:restore=<VALUE>`: the Create
 *   failed; with `restore=`, it had started a write, and the Delete of the rollback puts `<VALUE>` back.
 * - `EcrAccountSetting:<NAME>` and `<LogicalId>:create-failed`: written by version 0.x of the library.
 */
export interface PhysicalId {
  /** The setting's name, when the id names one. */
  readonly settingName?: string;
  /** The value found before the first write; undefined = not recorded; '' = ECR returned none. */
  readonly found?: string;
  /** The Create failed: the resource never existed. */
  readonly createFailed: boolean;
  /** The value to put back after a failed Create that had started a write. */
  readonly restore?: string;
}

function encodeValue(value: string | undefined): string {
  return value ? value : NO_VALUE;
}

function decodeValue(value: string): string {
  return value === NO_VALUE ? '' : value;
}

/** The physical id of a created setting, recording the value found before the first write. */
export function createdPhysicalId(settingName: string, found: string | undefined): string {
  return `${PREFIX}:${settingName}:${FOUND}${encodeValue(found)}`;
}

/** The physical id of a failed Create; `restore` when a write had started (the value it found). */
export function failedCreatePhysicalId(settingName: string | undefined, logicalId: string, restore?: string | undefined): string {
  const base = settingName ? `${PREFIX}:${settingName}:${CREATE_FAILED}` : `${logicalId}:${CREATE_FAILED}`;
  return restore === undefined ? base : `${base}:${RESTORE}${encodeValue(restore)}`;
}

/** Reads a physical id written by any version of the handler. */
export function parsePhysicalId(physicalId: string | undefined): PhysicalId {
  const parts = (physicalId ?? '').split(':');
  const createFailed = parts.includes(CREATE_FAILED);
  if (parts[0] !== PREFIX || !parts[1]) {
    return { createFailed };
  }
  const found = parts.find((p) => p.startsWith(FOUND));
  const restore = parts.find((p) => p.startsWith(RESTORE));
  return {
    settingName: parts[1],
    createFailed,
    found: found === undefined ? undefined : decodeValue(found.slice(FOUND.length)),
    restore: restore === undefined ? undefined : decodeValue(restore.slice(RESTORE.length)),
  };
}
