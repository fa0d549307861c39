/**
 * Prints a short summary of a synthesized cloud assembly: where the templates went, the stacks,
 * the repositories per registry with their encryption island, and the account settings applied.
 *
 * Usage: ts-node build-tools/summarize-assembly.ts <cdk.out directory>
 */
import { readFileSync, readdirSync, statSync } from 'fs';
import { join, relative } from 'path';

interface StackInfo {
  readonly name: string;
  readonly templateFile: string;
  readonly registry: string;
  readonly resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  readonly outputs: Record<string, { Value: unknown; Export?: { Name: string } }>;
}

function stacksOf(dir: string): StackInfo[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const stacks: StackInfo[] = [];
  for (const [name, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly') {
      stacks.push(...stacksOf(join(dir, artifact.properties.directoryName)));
    }
    if (artifact.type !== 'aws:cloudformation:stack') {
      continue;
    }
    const templateFile = join(dir, artifact.properties.templateFile);
    const template = JSON.parse(readFileSync(templateFile, 'utf8'));
    const env = String(artifact.environment ?? '').replace('aws://', '');
    stacks.push({
      name: artifact.displayName ?? name,
      templateFile,
      registry: env,
      resources: template.Resources ?? {},
      outputs: template.Outputs ?? {},
    });
  }
  return stacks;
}

/** Names a key the same way in every stack: a cross-stack import is followed to its export. */
type Exports = Map<string, { stack: StackInfo; value: unknown }>;

function describeKey(key: unknown, stack: StackInfo, exportsByName: Exports): string {
  const imported = (key as { 'Fn::ImportValue'?: string })['Fn::ImportValue'];
  if (typeof imported === 'string' && exportsByName.has(imported)) {
    const exported = exportsByName.get(imported)!;
    return describeKey(exported.value, exported.stack, exportsByName);
  }
  const getAtt = (key as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
  if (Array.isArray(getAtt)) {
    return `${stack.name}/${getAtt[0]}`;
  }
  const ref = (key as { Ref?: string }).Ref;
  return ref ? `${stack.name}/${ref}` : JSON.stringify(key);
}

function describeEncryption(config: any, stack: StackInfo, exportsByName: Exports): string {
  if (!config || config.EncryptionType === undefined || config.EncryptionType === 'AES256') {
    return 'AES256';
  }
  const key = config.KmsKey === undefined ? 'AWS managed key aws/ecr' : `key ${describeKey(config.KmsKey, stack, exportsByName)}`;
  return `${config.EncryptionType} (${key})`;
}

const dir = process.argv[2];
if (!dir || !statSync(dir).isDirectory()) {
  console.error('usage: summarize-assembly <cdk.out directory>');
  process.exit(2);
}
const stacks = stacksOf(dir);
const templates = readdirSync(dir).filter((f) => f.endsWith('.template.json'));
console.log(`\nSynthesized ${stacks.length} ${stacks.length === 1 ? 'stack' : 'stacks'}; templates are in ${relative(process.cwd(), dir) || dir}/ (${templates.length} at the top level)`);

interface RegistrySummary {
  repositories: number;
  templates: number;
  readonly configuration: string[];
  readonly islands: Map<string, number>;
  readonly settings: string[];
  readonly stacks: string[];
}
const exportsByName: Exports = new Map();
for (const stack of stacks) {
  for (const output of Object.values(stack.outputs)) {
    if (output.Export) {
      exportsByName.set(output.Export.Name, { stack, value: output.Value });
    }
  }
}
const registries = new Map<string, RegistrySummary>();
for (const stack of stacks) {
  const registry: RegistrySummary = registries.get(stack.registry)
    ?? { repositories: 0, templates: 0, configuration: [], islands: new Map<string, number>(), settings: [], stacks: [] };
  registries.set(stack.registry, registry);
  registry.stacks.push(stack.name);
  for (const resource of Object.values(stack.resources)) {
    if (resource.Type === 'AWS::ECR::Repository') {
      registry.repositories++;
      const island = describeEncryption(resource.Properties?.EncryptionConfiguration, stack, exportsByName);
      registry.islands.set(island, (registry.islands.get(island) ?? 0) + 1);
    }
    if (resource.Type === 'AWS::ECR::RepositoryCreationTemplate') {
      registry.templates++;
      const island = describeEncryption(resource.Properties?.EncryptionConfiguration, stack, exportsByName);
      registry.islands.set(island, (registry.islands.get(island) ?? 0) + 1);
      registry.configuration.push(`creation template ${resource.Properties?.Prefix} for ${(resource.Properties?.AppliedFor as string[] ?? []).join('+')}`);
    }
    if (resource.Type === 'AWS::ECR::ReplicationConfiguration') {
      const rules = (resource.Properties?.ReplicationConfiguration as any)?.Rules ?? [];
      const destinations = rules.flatMap((r: any) => r.Destinations.map((d: any) => `${d.RegistryId}/${d.Region}`));
      registry.configuration.push(`replication to ${destinations.join(', ')}`);
    }
    if (resource.Type === 'AWS::ECR::RegistryScanningConfiguration') {
      registry.configuration.push(`${resource.Properties?.ScanType} scanning`);
    }
    if (resource.Type === 'Custom::EcrAccountSetting') {
      registry.settings.push(`${resource.Properties?.SettingName}=${resource.Properties?.SettingValue}`);
    }
  }
}

for (const [name, registry] of registries) {
  console.log(`\nRegistry ${name || '(env-agnostic)'}: ${registry.stacks.length} ${registry.stacks.length === 1 ? 'stack' : 'stacks'} (${registry.stacks.join(', ')})`);
  console.log(`  repositories: ${registry.repositories}, creation templates: ${registry.templates}`);
  for (const [island, count] of registry.islands) {
    console.log(`  encryption island: ${island}: ${count} repositories and templates`);
  }
  for (const line of registry.configuration) {
    console.log(`  ${line}`);
  }
  console.log(`  account settings: ${registry.settings.length ? registry.settings.join(', ') : 'none'}`);
}
