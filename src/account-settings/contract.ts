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

/** Settings a Delete may reset (those with an off value), and the value it writes. */
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
 *   failed; with `restore=`, it had started a write, and the Delete of the rollback puts `<VALUE>` back
 *   (unless another owner asks for the setting).
 * - `<LogicalId>:create-failed`: a Create whose properties named no valid setting.
 */
export interface PhysicalId {
  /** The setting's name, when the id names one. */
  readonly settingName?: string;
  /** The value found before the first write ('' = ECR returned none); undefined when the id records none. */
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

/** Reads a physical id written by the handler. */
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

// ---- the owners of a setting ------------------------------------------------------------------
//
// An account setting belongs to the account and region, not to a stack: its owners live in many
// stacks, apps and StackSet instances. Each `Custom::EcrAccountSetting` records itself as an owner
// in SSM Parameter Store of its account and region, one String parameter per owner:
//
//   /cdk-ecr-shared-layers/account-settings/<SETTING>/<stack name>/<stack uuid>/<LogicalId>
//
// written at Create and Update (before the setting), deleted at Delete (before any reset). A Delete
// never resets a setting while another owner asks for another value. Anything else may record
// itself too (Terraform's aws_ssm_parameter, a person): any parameter under the setting's path is an
// owner; its value is the setting value it asks for (JSON as below, or the plain value).

/** The root of every owner record. */
export const OWNERS_ROOT = '/cdk-ecr-shared-layers/account-settings';

/** The path under which the owners of one setting are recorded. */
export function ownersPath(settingName: string): string {
  return `${OWNERS_ROOT}/${settingName}`;
}

/** The name and id parts of a stack ARN (`arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>`). */
export function stackIdParts(stackId: string): { readonly name: string; readonly uuid: string } | undefined {
  const match = /^arn:[a-z0-9-]+:cloudformation:[a-z0-9-]+:\d{12}:stack\/([A-Za-z][A-Za-z0-9-]{0,127})\/([A-Za-z0-9-]{1,64})$/.exec(stackId);
  return match ? { name: match[1], uuid: match[2] } : undefined;
}

/** The owner record of one resource of one stack. */
export function ownerParameterName(settingName: string, stackId: string, logicalId: string): string {
  const stack = stackIdParts(stackId);
  if (!stack || !/^[A-Za-z0-9]{1,255}$/.test(logicalId)) {
    throw new Error(`Cannot name an owner record for stack ${JSON.stringify(stackId)} and logical id ${JSON.stringify(logicalId)}.`);
  }
  return `${ownersPath(settingName)}/${stack.name}/${stack.uuid}/${logicalId}`;
}

/** One recorded owner of a setting. */
export interface SettingOwner {
  /** The parameter that records it. */
  readonly parameterName: string;
  /** The value it asks for. */
  readonly value: string;
  /** The stack of a `Custom::EcrAccountSetting`; undefined for a record made by something else. */
  readonly stackId?: string;
  /** The logical id of a `Custom::EcrAccountSetting`. */
  readonly logicalId?: string;
}

/** The parameter value of an owner record. */
export function ownerRecordValue(value: string, stackId: string, logicalId: string): string {
  return JSON.stringify({ value, stackId, logicalId });
}

/** Reads an owner record written by the handler, or by hand (the plain value asked for). */
export function parseOwnerRecord(parameterName: string, text: string | undefined): SettingOwner {
  try {
    const json = JSON.parse(text ?? '') as { value?: unknown; stackId?: unknown; logicalId?: unknown };
    if (json && typeof json === 'object' && typeof json.value === 'string') {
      return {
        parameterName,
        value: json.value,
        stackId: typeof json.stackId === 'string' ? json.stackId : undefined,
        logicalId: typeof json.logicalId === 'string' ? json.logicalId : undefined,
      };
    }
  } catch {
    // a plain value, written by hand or by another tool
  }
  return { parameterName, value: (text ?? '').trim() };
}

/** How an owner is named in reasons and in the audit. */
export function ownerLabel(owner: SettingOwner): string {
  return owner.stackId ? `${owner.stackId} ${owner.logicalId ?? ''}`.trim() : owner.parameterName;
}

/**
 * The function's environment variable holding the id of its own stack (`AWS::StackId`): the
 * handler acts only on events of that stack, and records owners under it.
 */
export const STACK_ID_VARIABLE = 'OWNING_STACK_ID';
