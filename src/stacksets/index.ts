export * from './baseline-encryption';
export * from './registry-baseline-stack-set';
export * from './baseline-options';
