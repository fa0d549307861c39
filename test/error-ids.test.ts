/**
 * The ids of the library's errors and warnings: found in the source, one namespace, and every one of
 * them in docs/errors.md, which `npx projen docs:errors` generates from the source.
 */
import * as fs from 'fs';
import { CATALOG_FILE, collectIdUses, renderCatalog } from '../build-tools/error-catalog';

describe('error and warning ids', () => {
  const uses = collectIdUses();
  const ids = [...new Set(uses.map((u) => u.id))].sort();
  const catalog = fs.readFileSync(CATALOG_FILE, 'utf8');

  test('the library raises ids in one namespace, found in the source', () => {
    expect(ids.length).toBeGreaterThan(100);
    expect(ids).toEqual(expect.arrayContaining(['encryptionMismatch', 'registryPolicyPublic', 'containerAssetsOutsideIsland', 'invalidRepositoryName', 'weakKeyReference']));
    // What the catalogue calls an error is raised as one (a sample of each kind).
    expect(uses.find((u) => u.id === 'invalidRepositoryName')?.kind).toBe('error');
    expect(uses.find((u) => u.id === 'pullThroughCacheNotMounted')?.kind).toBe('warning');
  });

  test('docs/errors.md lists every id', () => {
    const missing = ids.filter((id) => !catalog.includes(`\`cdk-ecr-shared-layers:${id}\``));
    expect(missing).toEqual([]);
  });

  test('every id docs/errors.md and README.md list is raised by the library', () => {
    const readme = fs.readFileSync(`${__dirname}/../README.md`, 'utf8');
    const listed = [...`${catalog}\n${readme}`.matchAll(/`cdk-ecr-shared-layers:([\w.]+)`/g)].map((m) => m[1]);
    const unknown = [...new Set(listed)].filter((id) => !ids.includes(id) && id !== '<id>');
    expect(unknown).toEqual([]);
  });

  test('docs/errors.md is the one generated from the source (else: npx projen docs:errors)', () => {
    expect(catalog).toEqual(renderCatalog(uses));
  });
});
