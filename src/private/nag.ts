import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The id cdk-nag gives a wildcard resource of an IAM statement (`AwsSolutions-IAM5[Resource::<id>]`),
 * for the ARN exactly as the statement renders it in `scope`'s stack.
 *
 * cdk-nag flattens what CloudFormation receives: a `Ref` becomes `<Name>`, `Fn::GetAtt` becomes
 * `<Resource.Attribute>`, `Fn::Join` joins its parts. So the id of the same ARN depends on the app:
 * with `@aws-cdk/core:enablePartitionLiterals` (which `cdk init` sets) and a known region, the
 * partition is rendered `aws`; without it, `<AWS::Partition>`. Deriving the id from the rendered ARN
 * keeps an acknowledgement right in both.
 */
export function nagWildcardResourceId(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(arn))}]`;
}

function flatten(node: unknown): string {
  if (typeof node === 'string') {
    return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  }
  if (node && typeof node === 'object') {
    const fn = node as Record<string, unknown>;
    if (Array.isArray(fn['Fn::Join'])) {
      const [delimiter, parts] = fn['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(delimiter);
    }
    if ('Fn::Sub' in fn) {
      return flatten(fn['Fn::Sub']);
    }
    if (Array.isArray(fn['Fn::GetAtt'])) {
      const [resource, attribute] = fn['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ('Fn::ImportValue' in fn) {
      return flatten(fn['Fn::ImportValue']);
    }
    if ('Ref' in fn) {
      return `<${flatten(fn.Ref)}>`;
    }
  }
  return JSON.stringify(node);
}
