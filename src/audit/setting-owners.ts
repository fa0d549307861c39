/**
 * Reads the recorded owners of the `BLOB_MOUNTING` account setting of one registry: the
 * `Custom::EcrAccountSetting` resources (any stack, app or StackSet instance) that record themselves
 * in SSM Parameter Store, and records made by other tools or by hand. A platform team sees who relies
 * on the setting before it removes anything. A fault makes the list UNKNOWN with the reason.
 *
 * The record format is the account-setting contract's (src/account-settings/contract.ts); the audit's
 * declarations are emitted from src/audit/ alone, so the two lines it needs are here, and
 * test/audit/setting-owners.test.ts checks them against the contract.
 */
import { paginateGetParametersByPath, SSMClient } from '@aws-sdk/client-ssm';
import { Known, known, SettingOwnerModel, unknown } from './model';
import { describeFault } from './read';

/** Where the owners of BLOB_MOUNTING are recorded (contract.ts: `ownersPath('BLOB_MOUNTING')`). */
export const BLOB_MOUNTING_OWNERS_PATH = '/cdk-ecr-shared-layers/account-settings/BLOB_MOUNTING';

/** One owner record: JSON `{ value, stackId, logicalId }` from the handler, or a plain value from anything else. */
export function parseOwner(name: string, text: string | undefined): SettingOwnerModel {
  try {
    const json = JSON.parse(text ?? '') as { value?: unknown; stackId?: unknown; logicalId?: unknown };
    if (json && typeof json === 'object' && typeof json.value === 'string') {
      const owner = typeof json.stackId === 'string' ? `${json.stackId} ${typeof json.logicalId === 'string' ? json.logicalId : ''}`.trim() : name;
      return { owner, value: json.value };
    }
  } catch {
    // a plain value, written by hand or by another tool
  }
  return { owner: name, value: (text ?? '').trim() };
}

export async function readBlobMountingOwners(client: SSMClient): Promise<Known<readonly SettingOwnerModel[]>> {
  try {
    const owners: SettingOwnerModel[] = [];
    for await (const page of paginateGetParametersByPath({ client }, { Path: BLOB_MOUNTING_OWNERS_PATH, Recursive: true })) {
      for (const parameter of page.Parameters ?? []) {
        owners.push(parseOwner(parameter.Name ?? '', parameter.Value));
      }
    }
    return known(owners.sort((a, b) => a.owner.localeCompare(b.owner)));
  } catch (error) {
    return unknown(describeFault(error));
  }
}
