/**
 * Footprint of the account-setting machinery, one App per variant, each synthesized into
 * `$BENCH_OUTDIR/<variant>`: the library's `EcrAccountSetting` against aws-cdk-lib's
 * `AwsCustomResource` calling ECR PutAccountSetting, and the registry's fixed cost against a bare key.
 */
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as cr from 'aws-cdk-lib/custom-resources';
import { benchParams, CONTEXT, ENV } from './harness';
import * as lib from '../../src';

const SETTINGS: Array<[string, string]> = [['BLOB_MOUNTING', 'ENABLED'], ['REGISTRY_POLICY_SCOPE', 'V2'], ['BASIC_SCAN_TYPE_VERSION', 'AWS_NATIVE']];

/** What aws-cdk-lib offers for an API call at deploy time: AwsCustomResource (SDK v3 handler, a file asset). */
function awsCustomResource(stack: Stack, name: string, value: string): void {
  const call: cr.AwsSdkCall = {
    service: 'ECR',
    action: 'PutAccountSetting',
    parameters: { name, value },
    physicalResourceId: cr.PhysicalResourceId.of(name),
  };
  new cr.AwsCustomResource(stack, `Setting${name}`, {
    onCreate: call,
    onUpdate: call,
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    // The favourable setting for AwsCustomResource: no npm install of the SDK at deploy time.
    installLatestAwsSdk: false,
  });
}

const VARIANTS: Record<string, (stack: Stack) => void> = {
  'stack-empty': () => undefined,
  'setting-1': (stack) => {
    lib.EcrAccountSetting.blobMounting(stack, 'BlobMounting');
  },
  'setting-3': (stack) => {
    for (const [name, value] of SETTINGS) {
      new lib.EcrAccountSetting(stack, `Setting${name}`, { name, value });
    }
  },
  'acr-1': (stack) => awsCustomResource(stack, SETTINGS[0][0], SETTINGS[0][1]),
  'acr-3': (stack) => {
    for (const [name, value] of SETTINGS) {
      awsCustomResource(stack, name, value);
    }
  },
  'key-only': (stack) => {
    new kms.Key(stack, 'RegistryKey');
  },
  'registry-0': (stack) => {
    const key = new kms.Key(stack, 'RegistryKey');
    new lib.SharedLayerRegistry(stack, 'Registry', {
      encryption: lib.RegistryEncryption.kms(key),
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      lifecycleRules: [lib.LifecycleRule.expireAfterDaysSincePush({ tagStatus: lib.TagStatus.UNTAGGED, days: 14 })],
    });
  },
};

const { outdir } = benchParams();
for (const [variant, build] of Object.entries(VARIANTS)) {
  const app = new App({ outdir: join(outdir, variant), context: CONTEXT });
  build(new Stack(app, 'Bench', { env: ENV }));
  app.synth();
}
