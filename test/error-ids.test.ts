import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(__dirname, '..', 'src');
const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'handler' ? [] : sources(full);
    }
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every id the library raises: `fail(scope, '<id>', ...)`, `error('<id>', ...)`, `warn(scope, '<id>', ...)`, rule ids. */
function idsInSource(): string[] {
  const ids = new Set<string>();
  const patterns = [
    /\bfail\([\w.!]+, '([\w.]+)'/g,
    /\berror\('([\w.]+)'/g,
    /\berrorText\('([\w.]+)'/g,
    /\bwarn\([\w.()!]+, '([\w.]+)'/g,
    /\binvalid\([\w.]+, '([\w.]+)'/g,
    /\.id \?\? '([\w.]+)'/g,
    /'cdk-ecr-shared-layers:(\w+)'/g,
    /^ {2}[A-Z_0-9]+: '(\w+)',$/gm,
    /^export const [A-Z_0-9]+ = '([a-z]\w+)';$/gm,
  ];
  for (const file of sources(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        ids.add(match[1]);
      }
    }
  }
  return [...ids].sort();
}

describe('error and warning ids', () => {
  const ids = idsInSource();

  test('the library raises ids in one namespace, found in the source', () => {
    expect(ids.length).toBeGreaterThan(100);
    expect(ids).toEqual(expect.arrayContaining(['encryptionMismatch', 'registryPolicyPublic', 'containerAssetsOutsideIsland', 'invalidRepositoryName']));
  });

  test('the README lists every id', () => {
    const missing = ids.filter((id) => !README.includes(`\`cdk-ecr-shared-layers:${id}\``));
    expect(missing).toEqual([]);
  });

  test('every id the README lists is raised by the library', () => {
    const listed = [...README.matchAll(/`cdk-ecr-shared-layers:([\w.]+)`/g)].map((m) => m[1]);
    // The account-setting warnings are named after the setting and value (`<name>.<value>`).
    const unknown = [...new Set(listed)].filter((id) => !ids.includes(id) && !/^[A-Z_]+\.[A-Z0-9_]+$/.test(id));
    expect(unknown).toEqual([]);
  });
});
