/**
 * Measures the TemplateBody that RegistryBaselineStackSet passes to CloudFormation, for a range of
 * baselines from the defaults to every option set, and prints one line per baseline and the range
 * the README quotes ("Organization rollout"). test/readme-figures.test.ts compares the README
 * with this measurement.
 *
 *   npx projen measure:baseline-template
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import {
  BaselineEncryption, BasicScanTypeVersion, LifecycleRule, RegistryBaselineStackSet, RegistryBaselineStackSetProps,
  RegistryPolicyScope, RegistryScanning, TagStatus,
} from '../src';

type BaselineOptions = Omit<RegistryBaselineStackSetProps, 'organizationalUnitIds' | 'regions'>;

/** The baselines measured, from the defaults to every option set (each realistic in size). */
export const BASELINES: ReadonlyArray<readonly [string, BaselineOptions]> = [
  ['defaults (AES256, blob mounting, ROOT creation template)', {}],
  ['README example (V2, basic scanning, one lifecycle rule)', {
    registryPolicyScope: RegistryPolicyScope.V2,
    scanning: RegistryScanning.basic({ scanOnPush: ['*'] }),
    lifecycleRules: [LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 14 })],
  }],
  ['AWS managed key (aws/ecr)', { encryption: BaselineEncryption.AWS_MANAGED_KEY }],
  ['a key per account', { encryption: BaselineEncryption.keyPerAccount({ alias: 'alias/ecr-registry' }) }],
  ['every option', {
    encryption: BaselineEncryption.keyPerAccount({ alias: 'alias/ecr-registry' }),
    blobMounting: true,
    registryPolicyScope: RegistryPolicyScope.V2,
    basicScanTypeVersion: BasicScanTypeVersion.AWS_NATIVE,
    accountSettingsRemovalPolicy: RemovalPolicy.DESTROY,
    accountSettingsRevision: '2026-11-25',
    imageTagMutability: ecr.TagMutability.IMMUTABLE_WITH_EXCLUSION,
    imageTagMutabilityExclusionFilters: ['latest', 'dev-*'],
    lifecycleRules: [
      LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 14, description: 'Drop untagged images after two weeks' }),
      LifecycleRule.archiveAfterDaysSincePull({ days: 180 }),
      LifecycleRule.expireFromArchiveAfterDays({ days: 365 }),
    ],
    scanning: RegistryScanning.enhanced({ scanOnPush: ['*'], continuous: ['prod/*', 'platform/*'] }),
    replication: [{ destinations: [{ region: 'us-west-2' }, { region: 'eu-central-1', account: '222222222222' }], repositoryPrefixes: ['prod', 'platform'] }],
  }],
];

/**
 * The same baselines with the registry monitor in every stack instance (`monitoring: true`): its
 * inline function, schedules, alarm and dashboard. Printed apart from the range above.
 */
export const MONITORED_BASELINES: ReadonlyArray<readonly [string, BaselineOptions]> = [
  ['defaults + monitoring', { monitoring: true }],
  ['every option + monitoring', { ...BASELINES[BASELINES.length - 1][1], monitoring: true }],
];

export interface BaselineMeasure {
  readonly name: string;
  /** Bytes of the TemplateBody (UTF-8). */
  readonly bytes: number;
}

/** Synthesizes each baseline and reads the TemplateBody of its stack set. */
export function measureBaselineTemplates(baselines: ReadonlyArray<readonly [string, BaselineOptions]> = BASELINES): BaselineMeasure[] {
  return baselines.map(([name, options]) => {
    const stack = new Stack(new App(), 'Organization', { env: { account: '111111111111', region: 'us-east-1' } });
    const stackSet = new RegistryBaselineStackSet(stack, 'Baseline', {
      ...options,
      organizationalUnitIds: ['ou-ab12-cdef3456'],
      regions: ['eu-west-1', 'ap-southeast-2'],
    });
    return { name, bytes: Buffer.byteLength(String(stackSet.resource.templateBody), 'utf8') };
  });
}

/** Kilobytes of 1,000 bytes, one decimal, as the README writes them. */
export function kb(bytes: number): string {
  return (bytes / 1000).toFixed(1);
}

/** The range as the README writes it: `6.7-11.4 KB`. */
export function range(measures: readonly BaselineMeasure[]): string {
  const sizes = measures.map((m) => m.bytes);
  return `${kb(Math.min(...sizes))}-${kb(Math.max(...sizes))} KB`;
}

if (require.main === module) {
  const measures = measureBaselineTemplates();
  for (const m of measures) {
    console.log(`${m.bytes.toLocaleString('en-US').padStart(7)} bytes  ${m.name}`);
  }
  console.log(`TemplateBody: ${range(measures)} (CloudFormation accepts at most 51,200 bytes)`);
  const monitored = measureBaselineTemplates(MONITORED_BASELINES);
  for (const m of monitored) {
    console.log(`${m.bytes.toLocaleString('en-US').padStart(7)} bytes  ${m.name}`);
  }
  console.log(`TemplateBody with monitoring: ${range(monitored)} (CloudFormation accepts at most 51,200 bytes)`);
}
