import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import type { SharedLayerRegistry } from './shared-layer-registry';
import { RegistryScanning } from '../scanning/registry-scanning';
import { LayerSharingChecks } from '../validation/layer-sharing-checks';

/**
 * Properties of a `RegistryScanningConfiguration`.
 */
export interface RegistryScanningConfigurationProps {
  /** The registry whose repositories are scanned; the construct must be in its account and region. */
  readonly registry: SharedLayerRegistry;
  /** The scanning configuration. */
  readonly scanning: RegistryScanning;
}

/**
 * The scanning configuration (`AWS::ECR::RegistryScanningConfiguration`) of a `SharedLayerRegistry`.
 * It exists once per registry: a second one for the same account and region anywhere in the app
 * makes synthesis fail.
 *
 * With enhanced scanning, a filter that matches no repository of the registry (when every
 * repository name is known at synthesis) gets a warning
 * (`cdk-ecr-shared-layers:scanningFilterMatchesNothing`, a rule of the layer-sharing checks, for
 * every scanning configuration of the app).
 */
export class RegistryScanningConfiguration extends Construct {
  /** The scanning configuration rendered. */
  public readonly scanning: RegistryScanning;
  /** The underlying CloudFormation resource. */
  public readonly resource: ecr.CfnRegistryScanningConfiguration;

  constructor(scope: Construct, id: string, props: RegistryScanningConfigurationProps) {
    super(scope, id);
    props.registry._checkSameRegistry(this, 'registry scanning configuration');
    this.scanning = props.scanning;
    this.scanning._validate(this);
    this.resource = new ecr.CfnRegistryScanningConfiguration(this, 'Resource', {
      scanType: this.scanning.scanType,
      rules: this.scanning._renderRules(),
    });
    // One per registry: a second one for the same account and region fails synthesis.
    LayerSharingChecks._claimSingleton(this);
  }
}
