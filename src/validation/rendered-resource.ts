import { CfnResource, DefaultTokenResolver, IPostProcessor, IResolvable, IResolveContext, Reference, StringConcat, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

// What CloudFormation receives for one resource is `Properties` = the L1's properties (typed L1,
// L2 or generic CfnResource alike: `cfnProperties`, rendered to CloudFormation names by
// `renderProperties`, both the protected API CfnResource offers its subclasses), resolved, with every
// override deep-merged on top, as aws-cdk-lib does when it writes the template.
//
// Overrides (`addOverride`, `addPropertyOverride`, `addDeletionOverride`, `addPropertyDeletionOverride`)
// are kept by aws-cdk-lib in a private field, readable only through its `@internal` `_toCloudFormation()`.
// The checks do not touch either: every override method of CfnResource funnels into the public
// `addOverride(path, value)`, so the library records the calls made there (once per copy of
// aws-cdk-lib, before any user code can call it on a resource of the app), and replays them here,
// with aws-cdk-lib's own path rules (`.` separates, `\.` escapes) and merge rules (objects merge,
// `undefined` deletes, anything else replaces).
//
// Cost: recording is an array push per override call; reading resolves only the properties a rule
// asks for, once per resource (see `RenderedResource.get`).

const RECORDED = Symbol.for('cdk-ecr-shared-layers.overrides');
/** What `RenderedResource.raw` returns for a resource with overrides. */
export const OVERRIDDEN = Symbol('overridden');
const PATCHED = Symbol.for('cdk-ecr-shared-layers.overridesRecorded');

type Overridable = CfnResource & { [RECORDED]?: Array<readonly [string, unknown]> };

/** Records the override calls of every CfnResource (idempotent: once per copy of aws-cdk-lib). */
export function recordOverrides(): void {
  const prototype = CfnResource.prototype as unknown as Record<symbol, unknown> & { addOverride(path: string, value: unknown): void };
  if (prototype[PATCHED]) {
    return;
  }
  const original = prototype.addOverride;
  Object.defineProperty(prototype, PATCHED, { value: true, enumerable: false });
  Object.defineProperty(prototype, 'addOverride', {
    configurable: true,
    writable: true,
    value: function addOverride(this: Overridable, path: string, value: unknown): void {
      original.call(this, path, value);
      if (!Object.prototype.hasOwnProperty.call(this, RECORDED)) {
        Object.defineProperty(this, RECORDED, { value: [], enumerable: false });
      }
      this[RECORDED]!.push([path, value]);
    },
  });
}

recordOverrides();

/** The `Properties` overrides of a resource, as aws-cdk-lib stores them (an object tree, `undefined` = delete). */
function propertyOverrides(resource: CfnResource): Record<string, unknown> | undefined {
  const calls = (resource as Overridable)[RECORDED];
  if (calls === undefined) {
    return undefined;
  }
  const raw: Record<string, unknown> = Object.create(null);
  for (const [path, value] of calls) {
    // As CfnResource.addOverride: walk, replacing what is not a plain object by an object.
    const parts = splitOnPeriods(path);
    let current = raw;
    while (parts.length > 1) {
      const key = parts.shift()!;
      const next = current[key];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) {
        current[key] = Object.create(null);
      }
      current = current[key] as Record<string, unknown>;
    }
    current[parts.shift()!] = value;
  }
  const properties = raw.Properties;
  // An override of the whole `Properties` with a non-object, or none at all.
  return properties !== null && typeof properties === 'object' ? properties as Record<string, unknown> : undefined;
}

/** aws-cdk-lib's path syntax of overrides: `.` separates, `\.` is a literal dot. */
function splitOnPeriods(path: string): string[] {
  const parts = [''];
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && i + 1 < path.length) {
      parts[parts.length - 1] += path[++i];
    } else if (c === '.') {
      parts.push('');
    } else {
      parts[parts.length - 1] += c;
    }
  }
  return parts;
}

/** aws-cdk-lib's merge of overrides into the rendered resource. */
function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const existing = target[key];
      if (existing === null || typeof existing !== 'object') {
        target[key] = {};
      }
      deepMerge(target[key] as Record<string, unknown>, value as Record<string, unknown>);
      const merged = target[key] as Record<string, unknown>;
      // aws-cdk-lib drops an object emptied by deletions.
      if (!Array.isArray(merged) && Object.keys(merged).length === 0) {
        delete target[key];
      }
    } else if (value === undefined) {
      delete target[key];
    } else {
      target[key] = value;
    }
  }
}

/**
 * A resolver that keeps references recognisable: a `Reference` (the ARN of a key construct, a
 * parameter, a pseudo parameter) resolves to a marker string, so that a rule can tell which construct
 * a value points to after `Lazy` values and overrides are resolved; everything else resolves as in
 * the template.
 */
class MarkingResolver extends DefaultTokenResolver {
  private readonly markers = new Map<string, Reference>();

  constructor() {
    super(new StringConcat());
  }

  public resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): unknown {
    if (Reference.isReference(t)) {
      const marker = `\u0001ref${this.markers.size}\u0001`;
      this.markers.set(marker, t);
      return marker;
    }
    return super.resolveToken(t, context, postProcessor);
  }

  /** The reference a resolved value is, when it is exactly one. */
  public referenceOf(value: unknown): Reference | undefined {
    return typeof value === 'string' ? this.markers.get(value) : undefined;
  }

  /** Whether a resolved value still holds a value known only at deploy time. */
  public isDeployTime(value: unknown): boolean {
    if (typeof value === 'string') {
      return value.includes('\u0001ref');
    }
    return value !== null && typeof value === 'object';
  }
}

/** Resolves the resources of one analysis (one resolver: markers are unique within it). */
export class RenderContext {
  private readonly resolver = new MarkingResolver();

  /** The reference a resolved value is (a marker), when it is exactly one. */
  public referenceOf(value: unknown): Reference | undefined {
    return this.resolver.referenceOf(value);
  }

  /** Whether a resolved value is known only at deploy time (a reference, an intrinsic function). */
  public isDeployTime(value: unknown): boolean {
    return this.resolver.isDeployTime(value);
  }

  /** Resolves a value in the scope of a construct (its stack). */
  public resolve(scope: IConstruct, value: unknown, removeEmpty = true): unknown {
    return Tokenization.resolve(value, { scope, resolver: this.resolver, preparing: false, removeEmpty });
  }

  /** The properties CloudFormation receives for `resource`, read one by one on demand. */
  public render(resource: CfnResource): RenderedResource {
    return new RenderedResource(this, resource);
  }
}

/** The properties of one resource as CloudFormation receives them (overrides applied, tokens resolved). */
export class RenderedResource {
  private unresolved?: Record<string, unknown>;
  private typed?: Record<string, unknown>;
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly context: RenderContext, public readonly resource: CfnResource) {}

  /** The CloudFormation type. */
  public get type(): string {
    return this.resource.cfnResourceType;
  }

  /** One top-level property (CloudFormation name), resolved; `undefined` when absent. */
  public get(name: string): unknown {
    if (this.cache.has(name)) {
      return this.cache.get(name);
    }
    const raw = this.raw(name);
    // Fast path: without overrides, an absent property or a literal string, number or boolean is
    // rendered as it is (the renderers of aws-cdk-lib change names, never such values).
    const literal = raw === undefined || typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean';
    const value = literal && !Token.isUnresolved(raw)
      ? raw
      : this.context.resolve(this.resource, this.properties()[name]);
    this.cache.set(name, value);
    return value;
  }

  /**
   * The value of a property as the construct holds it, before rendering and resolution, when no
   * override touches the resource (else `OVERRIDDEN`): the registry's repositories share one
   * encryption configuration object, so its identity can be computed once.
   */
  public raw(name: string): unknown {
    if ((this.resource as Overridable)[RECORDED] !== undefined) {
      return OVERRIDDEN;
    }
    this.typed ??= (this.resource as unknown as { readonly cfnProperties: Record<string, unknown> }).cfnProperties ?? {};
    const typed = this.typed;
    // A typed L1 holds camelCase names; a generic CfnResource the CloudFormation names.
    const camel = `${name.charAt(0).toLowerCase()}${name.slice(1)}`;
    return camel in typed ? typed[camel] : typed[name];
  }

  /** The reference a resolved value is, when it is exactly one. */
  public referenceOf(value: unknown): Reference | undefined {
    return this.context.referenceOf(value);
  }

  private properties(): Record<string, unknown> {
    if (this.unresolved === undefined) {
      const resource = this.resource as unknown as {
        readonly cfnProperties: Record<string, unknown>;
        renderProperties(props: Record<string, unknown>): Record<string, unknown>;
      };
      // The rendered properties (CloudFormation names), then the overrides, resolved separately as
      // aws-cdk-lib does. A property whose rendering throws (a wrong type) is left to synthesis to report.
      // aws-cdk-lib renders the resolved properties; rendering them before resolution gives the same
      // result (the renderers pass tokens through) without resolving properties no rule reads, so that
      // is tried first, and resolution first only when a renderer refuses an unresolved value.
      let rendered: Record<string, unknown>;
      try {
        rendered = { ...(resource.renderProperties(resource.cfnProperties ?? {}) ?? {}) };
      } catch {
        try {
          const resolved = this.context.resolve(this.resource, resource.cfnProperties ?? {}) as Record<string, unknown>;
          rendered = { ...(resource.renderProperties(resolved ?? {}) ?? {}) };
        } catch {
          rendered = {};
        }
      }
      const overrides = propertyOverrides(this.resource);
      if (overrides !== undefined) {
        const resolvedOverrides = this.context.resolve(this.resource, overrides, false) as Record<string, unknown> | undefined;
        for (const key of Object.keys(overrides)) {
          // Resolve the overridden properties first, then merge (as in the template).
          rendered[key] = this.context.resolve(this.resource, rendered[key]);
        }
        deepMerge(rendered, resolvedOverrides ?? {});
        for (const key of Object.keys(overrides)) {
          if (overrides[key] === undefined) {
            delete rendered[key];
          }
        }
      }
      this.unresolved = rendered;
    }
    return this.unresolved;
  }
}
