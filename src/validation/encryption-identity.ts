import { CfnParameter, CfnResource, Reference, Stack, Stage, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { OVERRIDDEN, RenderContext, RenderedResource } from './rendered-resource';
import { KMS_ALIAS, KMS_KEY_ARN_PARTS } from '../private/aws-names';

/**
 * The normalised encryption of a repository or creation template, as far as synthesis can know it.
 *
 * - `known`: the type and key are known. Two known encryptions with the same `id` are identical.
 * - not `known`: the key (or the whole configuration) is a token that cannot be followed (a
 *   parameter, an import, a computed ARN). Its `type` may still be known (`?` when not), and two
 *   known types that differ prove a difference.
 */
export interface EncryptionIdentity {
  /** Equal ids mean identical encryption (only meaningful when `known`). */
  readonly id: string;
  /** For messages, for example `KMS (key Platform/Key)`. */
  readonly label: string;
  /** Whether the type and key are known. */
  readonly known: boolean;
  /** `AES256`, `KMS`, `KMS_DSSE`, or `?` when unknown. */
  readonly type: string;
  /** How the key is given: none (AES256), the AWS managed key, a key construct of the app, a literal key id. */
  readonly keyKind: 'none' | 'managed' | 'construct' | 'literal' | 'unknown';
  /** Why it cannot be compared (unknown only). */
  readonly reason?: string;
}

/** The result of comparing two encryptions. */
export enum Comparison {
  SAME = 'same',
  DIFFERENT = 'different',
  UNPROVABLE = 'unprovable',
}

const AES256: EncryptionIdentity = { id: 'AES256', label: 'AES256', known: true, type: 'AES256', keyKind: 'none' };
const KEY_ID = /^(mrk-)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$/i;

/**
 * Normalises encryption configurations as CloudFormation receives them (`EncryptionType`, `KmsKey`,
 * resolved, references kept as markers), with a cache: the repositories of one registry render one
 * configuration, so each distinct configuration is analysed once.
 */
export class EncryptionNormaliser {
  private readonly byText = new Map<string, EncryptionIdentity>();
  private readonly byObject = new Map<object, Map<string, EncryptionIdentity>>();

  constructor(private readonly context: RenderContext) {}

  /**
   * The identity of a resource's `EncryptionConfiguration` as CloudFormation receives it. Without
   * overrides, one configuration object (shared by the repositories of a registry) is analysed once
   * per account and region.
   */
  public normalise(resource: RenderedResource): EncryptionIdentity {
    const raw = resource.raw('EncryptionConfiguration');
    if (raw === undefined) {
      return AES256;
    }
    if (raw === OVERRIDDEN || raw === null || typeof raw !== 'object') {
      return this.normaliseResolved(resource.resource, resource.get('EncryptionConfiguration'));
    }
    const stack = Stack.of(resource.resource);
    const env = `${stack.account}:${stack.region}`;
    let byEnv = this.byObject.get(raw);
    if (byEnv === undefined) {
      byEnv = new Map();
      this.byObject.set(raw, byEnv);
    }
    let identity = byEnv.get(env);
    if (identity === undefined) {
      identity = this.normaliseResolved(resource.resource, resource.get('EncryptionConfiguration'));
      byEnv.set(env, identity);
    }
    return identity;
  }

  /** The identity of a resolved `EncryptionConfiguration` of a construct (its stack's account and region place a bare key id). */
  public normaliseResolved(scope: IConstruct, configuration: unknown): EncryptionIdentity {
    if (configuration === undefined || configuration === null) {
      return AES256;
    }
    const stack = Stack.of(scope);
    const env = `${Token.isUnresolved(stack.account) ? '?' : stack.account}:${Token.isUnresolved(stack.region) ? '?' : stack.region}`;
    let text: string;
    try {
      text = `${env}\u0000${JSON.stringify(configuration)}`;
    } catch {
      return unknown('the encryption configuration cannot be read');
    }
    let identity = this.byText.get(text);
    if (!identity) {
      identity = this.compute(configuration, env);
      this.byText.set(text, identity);
    }
    return identity;
  }

  private compute(configuration: unknown, env: string): EncryptionIdentity {
    if (typeof configuration !== 'object' || this.context.referenceOf(configuration) !== undefined) {
      return unknown('the whole encryption configuration is a token');
    }
    const { EncryptionType: encryptionType, KmsKey: kmsKey } = configuration as Record<string, unknown>;
    if (encryptionType === undefined) {
      return AES256;
    }
    if (typeof encryptionType !== 'string' || this.context.isDeployTime(encryptionType)) {
      return unknown('the encryption type is a token');
    }
    if (encryptionType === 'AES256') {
      return AES256;
    }
    if (kmsKey === undefined || kmsKey === null || kmsKey === '') {
      return { id: `${encryptionType}|aws/ecr`, label: `${encryptionType} (AWS managed key aws/ecr)`, known: true, type: encryptionType, keyKind: 'managed' };
    }
    const reference = this.context.referenceOf(kmsKey);
    if (reference !== undefined) {
      return referenceIdentity(encryptionType, reference);
    }
    if (typeof kmsKey === 'string' && !this.context.isDeployTime(kmsKey)) {
      return keyIdentity(encryptionType, kmsKey, env);
    }
    if (kmsKey !== null && typeof kmsKey === 'object' && 'Fn::ImportValue' in kmsKey) {
      return unknown('the key comes from a token that cannot be followed (for example Fn.importValue)', encryptionType, 'an imported value');
    }
    return unknown('the key ARN is computed (for example the ARN of an alias, or a joined string)', encryptionType, 'a computed ARN');
  }
}

/** Compares two encryptions: same, provably different, or not provable either way. */
export function compareEncryption(a: EncryptionIdentity, b: EncryptionIdentity): Comparison {
  // The types alone prove a difference (KMS vs AES256), even when a key is not known.
  if (a.type !== '?' && b.type !== '?' && a.type !== b.type) {
    return Comparison.DIFFERENT;
  }
  if (!a.known || !b.known) {
    return Comparison.UNPROVABLE;
  }
  if (a.id === b.id) {
    return Comparison.SAME;
  }
  // Same KMS type, different keys. A key construct of the app is a customer managed key that differs
  // from the AWS managed key and from every other key construct; a literal key id differs from other
  // literal key ids. A literal id may however be the id of a key construct, or of the AWS managed key.
  const kinds = new Set([a.keyKind, b.keyKind]);
  if (kinds.size === 1 || (kinds.has('construct') && kinds.has('managed'))) {
    return Comparison.DIFFERENT;
  }
  return Comparison.UNPROVABLE;
}

/**
 * A key given as text. ECR (like KMS) names a key by ARN, or by key id in the repository's own account
 * and region; a multi-Region key's replicas share the key id but are other keys for ECR (another region
 * in the ARN), so the identity is account + region + key id.
 */
function keyIdentity(encryptionType: string, kmsKey: string, env: string): EncryptionIdentity {
  const arn = KMS_KEY_ARN_PARTS.exec(kmsKey);
  const bare = KEY_ID.test(kmsKey) ? kmsKey : undefined;
  if (arn !== null || bare !== undefined) {
    const where = arn !== null ? `${arn[2]}:${arn[1]}` : env;
    const keyId = arn !== null ? arn[3] : bare!;
    return { id: `${encryptionType}|key/${where}/${keyId.toLowerCase()}`, label: `${encryptionType} (key ${kmsKey})`, known: true, type: encryptionType, keyKind: 'literal' };
  }
  if (KMS_ALIAS.test(kmsKey)) {
    return unknown(`the key is given as the alias ${kmsKey}, which may point to any key`, encryptionType, kmsKey);
  }
  return unknown(`the key ${kmsKey} is neither a key ARN nor a key id`, encryptionType, kmsKey);
}

function referenceIdentity(encryptionType: string, token: Reference): EncryptionIdentity {
  const target: IConstruct = token.target;
  if (CfnResource.isCfnResource(target) && target.cfnResourceType === 'AWS::KMS::Key') {
    const path = displayPath(target);
    return { id: `${encryptionType}|construct:${target.node.path}`, label: `${encryptionType} (key ${path})`, known: true, type: encryptionType, keyKind: 'construct' };
  }
  if (target instanceof CfnParameter) {
    return unknown(`the key comes from the parameter ${target.node.path}`, encryptionType, `parameter ${target.node.path}`);
  }
  return unknown(`the key is an attribute of ${target.node.path}, not of a KMS key`, encryptionType, `from ${displayPath(target)}`);
}

function unknown(reason: string, encryptionType?: string, keyText?: string): EncryptionIdentity {
  const type = encryptionType ?? '?';
  const label = encryptionType === undefined ? 'an encryption given as a token' : `${type} (key ${keyText ?? 'unknown'})`;
  return { id: `?${label}`, label, known: false, type, keyKind: 'unknown', reason };
}

/** The path of a construct as users know it: an L2 rather than its `Resource` L1. */
export function displayPath(construct: IConstruct): string {
  return subject(construct).node.path;
}

/**
 * The construct users see for a resource: the L2 that owns an L1 (`Resource`, or `Default` of a
 * CustomResource), up to the construct they created.
 */
export function subject(construct: IConstruct): IConstruct {
  let current = construct;
  for (let scope = current.node.scope; (current.node.id === 'Resource' || current.node.id === 'Default') && scope !== undefined
    && !Stack.isStack(scope) && !Stage.isStage(scope); scope = current.node.scope) {
    current = scope;
  }
  return current;
}
