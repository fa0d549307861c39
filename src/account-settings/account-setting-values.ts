/** Values of the `REGISTRY_POLICY_SCOPE` account setting. */
export enum RegistryPolicyScope {
  /** The registry policy applies to all ECR actions (recommended). */
  V2 = 'V2',
  /** The original scope; Amazon ECR advises against going back to it (synthesis warns). */
  V1 = 'V1',
}

/** Values of the `BASIC_SCAN_TYPE_VERSION` account setting. */
export enum BasicScanTypeVersion {
  /** AWS native basic scanning (Clair was retired on 2026-02-02). */
  AWS_NATIVE = 'AWS_NATIVE',
}
