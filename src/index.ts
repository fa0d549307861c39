export * from './account-settings/ecr-account-setting';
