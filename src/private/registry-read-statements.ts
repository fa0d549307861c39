import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The IAM statements that reading a registry as the audit does takes (src/audit/read.ts): repositories
 * and manifests, the registry's own configuration, and the BLOB_MOUNTING setting. Shared by the audit
 * role (`RegistryAuditRole`, every region) and the monitor's function (`RegistryMonitor`, its own
 * region), which run the same read.
 *
 * Source: the Service Authorization Reference for Amazon ECR: DescribeRegistry,
 * DescribePullThroughCacheRules, DescribeRepositoryCreationTemplates and GetAccountSetting have no
 * resource type (Resource must be `*`); GetAccountSetting supports the `ecr:AccountSetting` condition key.
 *
 * @param repositories the ARN pattern of the repositories to read
 */
export function registryReadStatements(repositories: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ReadRepositoriesAndManifests',
      actions: ['ecr:DescribeRepositories', 'ecr:DescribeImages', 'ecr:BatchGetImage'],
      resources: [repositories],
    }),
    new iam.PolicyStatement({
      sid: 'ReadRegistry',
      // These actions have no resource type: Resource must be '*'.
      actions: ['ecr:DescribeRegistry', 'ecr:DescribePullThroughCacheRules', 'ecr:DescribeRepositoryCreationTemplates'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ReadBlobMountingSetting',
      // No resource type either; the ecr:AccountSetting condition key limits it to BLOB_MOUNTING.
      actions: ['ecr:GetAccountSetting'],
      resources: ['*'],
      conditions: { StringEquals: { 'ecr:AccountSetting': 'BLOB_MOUNTING' } },
    }),
  ];
}
