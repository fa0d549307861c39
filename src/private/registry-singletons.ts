import { IConstruct } from 'constructs';
import { errorText } from './errors';
import { registryKeyOf } from './registry-key';

interface Claim {
  readonly owner: IConstruct;
  readonly kind: string;
}

/** Every claim of an app, per app root. */
const CLAIMS_BY_ROOT = new WeakMap<IConstruct, Claim[]>();
/** Every construct that claimed a registry singleton. */
const OWNERS = new WeakSet<IConstruct>();

/** Whether `owner` claimed a registry singleton (its duplicates are reported by the claim). */
export function isClaimed(owner: IConstruct): boolean {
  return OWNERS.has(owner);
}

/**
 * Declares `owner` as the one owner of a thing that exists once per ECR registry (an account
 * setting, the replication or scanning configuration, the registry policy, the registry itself).
 *
 * A second owner of the same kind in the same account and region, anywhere in the app (all stacks,
 * nested stages included), makes `app.synth()` fail naming every owner: otherwise the last deploy
 * would silently overwrite the others.
 *
 * @param kind what is claimed, as shown in the error (for example `ECR account setting BLOB_MOUNTING`)
 * @param fix how to resolve the conflict
 */
export function claimRegistrySingleton(owner: IConstruct, kind: string, fix: string): void {
  const root = owner.node.root;
  let claims = CLAIMS_BY_ROOT.get(root);
  if (!claims) {
    claims = [];
    CLAIMS_BY_ROOT.set(root, claims);
  }
  claims.push({ owner, kind });
  OWNERS.add(owner);
  const all = claims;
  owner.node.addValidation({
    validate: () => {
      const registry = registryKeyOf(owner);
      const same = all.filter((c) => c.kind === kind && registryKeyOf(c.owner).key === registry.key);
      // Report once, from the first owner.
      if (same.length < 2 || same[0].owner !== owner) {
        return [];
      }
      return [errorText('duplicateRegistrySingleton',
        `${kind} is defined ${same.length} times for ${registry.label}: ${same.map((c) => c.owner.node.path).join(', ')}. `
        + `It exists once per registry (account and region), so the last deploy would silently win. ${fix}`)];
    },
  });
}
