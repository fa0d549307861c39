import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { qualifiedId } from './errors';

/** Adds an acknowledgeable warning with the library's id, for example `warn(scope, 'encryptionNotProvable', ...)`. */
export function warn(scope: IConstruct, id: string, message: string): void {
  Annotations.of(scope).addWarningV2(qualifiedId(id), message);
}
