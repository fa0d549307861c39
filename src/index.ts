export * from './account-settings/ecr-account-setting';
export * from './encryption';
export * from './lifecycle/lifecycle-rule';
export * from './registry/shared-layer-registry';
export * from './registry/shared-repository';
