// AWS region names and their partitions, with no import: shared by the construct library
// (src/private/aws-names.ts) and the audit CLI (src/audit/, bundled without aws-cdk-lib).
// Source: the AWS General Reference (Regions and zones) and botocore's endpoints.json partitions.

/**
 * A region name: an area (`us`, `eu`, `ap`... or `eusc`), an optional partition marker (`gov`,
 * `iso`, `isob`, `isoe`, `isof`), an optional country (`eusc-de-`), a compass direction, a number.
 * For example `eu-west-1`, `us-gov-west-1`, `cn-northwest-1`, `us-isob-east-1`, `eusc-de-east-1`.
 * A misspelt direction (`us-eats-1`) or a missing number (`us-east`) is not a region name.
 */
export const REGION = /^(?:[a-z]{2}|eusc)-(?:(?:gov|iso|isob|isoe|isof)-)?(?:[a-z]{2}-)?(?:central|(?:north|south)?(?:east|west)|north|south)-[0-9]{1,2}$/;

/** The partition of each region name prefix that is not the commercial partition `aws`. */
export const PARTITION_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['cn-', 'aws-cn'], ['us-gov-', 'aws-us-gov'], ['us-isob-', 'aws-iso-b'], ['us-iso-', 'aws-iso'],
  ['eu-isoe-', 'aws-iso-e'], ['us-isof-', 'aws-iso-f'], ['eusc-', 'aws-eusc'],
];

/** The partition of a region name from its prefix alone: `aws` unless a prefix above says otherwise. */
export function partitionOfRegionName(region: string): string {
  return PARTITION_PREFIXES.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}
