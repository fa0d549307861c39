/**
 * The catalogue of the library's error and warning ids, read from the source (src/, without the
 * Lambda handler and the audit CLI): every call that raises an id, with its kind, its file and its
 * message (the parts known only at run time shown as `…`).
 *
 * `npx projen docs:errors` writes it to docs/errors.md; test/error-ids.test.ts fails when that file
 * is stale or misses an id.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export const ROOT = path.resolve(__dirname, '..');
export const CATALOG_FILE = path.join(ROOT, 'docs', 'errors.md');
const SRC = path.join(ROOT, 'src');
const NAMESPACE = 'cdk-ecr-shared-layers';

export type Kind = 'error' | 'warning';

/** One place in the source that raises an id. */
export interface IdUse {
  readonly id: string;
  readonly kind: Kind;
  /** Relative to the repository root, with forward slashes. */
  readonly file: string;
  /** The message, `…` where the text is known only at run time ('' when it is not written there). */
  readonly message: string;
}

/** Helpers that raise an id: the position of the id argument and the kind. */
const RAISERS: Readonly<Record<string, { readonly idArg: number; readonly kind: Kind }>> = {
  fail: { idArg: 1, kind: 'error' },
  error: { idArg: 0, kind: 'error' },
  errorText: { idArg: 0, kind: 'error' },
  invalid: { idArg: 1, kind: 'error' },
  warn: { idArg: 1, kind: 'warning' },
  // A rule's finding (src/validation/rule.ts): `warning(CHECK_IDS.X, subject, message)`.
  warning: { idArg: 0, kind: 'warning' },
  addWarningV2: { idArg: 0, kind: 'warning' },
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return ['handler', 'audit'].includes(entry.name) ? [] : sourceFiles(full);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.generated.ts') ? [full] : [];
  }).sort();
}

/** The text of a string or template expression, `…` for each substitution. */
function textOf(node: ts.Expression | undefined): string {
  if (!node) {
    return '';
  }
  if (ts.isStringLiteralLike(node)) {
    return node.text;
  }
  if (ts.isTemplateExpression(node)) {
    return node.head.text + node.templateSpans.map((span) => `…${span.literal.text}`).join('');
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return textOf(node.left) + textOf(node.right);
  }
  if (ts.isParenthesizedExpression(node)) {
    return textOf(node.expression);
  }
  return '…';
}

const ID_TEXT = /^[a-z][A-Za-z0-9]+$/;

/** An id of a table of ids (`CHECK_IDS`), with the level and description its doc comment gives (`E: ...`, `W: ...`). */
interface TableId {
  readonly id: string;
  readonly kind: Kind;
  readonly file: string;
  readonly description: string;
}

/**
 * The ids a file declares as constants: `export const ENCRYPTION_MISMATCH = 'encryptionMismatch'`, or
 * as a table `export const CHECK_IDS = { ENCRYPTION_MISMATCH: 'encryptionMismatch' }` (then named
 * `CHECK_IDS.ENCRYPTION_MISMATCH`).
 */
function constantsOf(file: ts.SourceFile, table: TableId[]): Map<string, string> {
  const constants = new Map<string, string>();
  const relative = path.relative(ROOT, file.fileName).split(path.sep).join('/');
  file.forEachChild((statement) => {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || !declaration.initializer) {
          continue;
        }
        if (ts.isStringLiteral(declaration.initializer) && ID_TEXT.test(declaration.initializer.text)) {
          constants.set(declaration.name.text, declaration.initializer.text);
        }
        const initializer = ts.isAsExpression(declaration.initializer) ? declaration.initializer.expression : declaration.initializer;
        if (ts.isObjectLiteralExpression(initializer)) {
          for (const property of initializer.properties) {
            if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && ts.isStringLiteral(property.initializer)
              && ID_TEXT.test(property.initializer.text)) {
              constants.set(`${declaration.name.text}.${property.name.text}`, property.initializer.text);
              const doc = ts.getLeadingCommentRanges(file.text, property.getFullStart())
                ?.map((range) => file.text.slice(range.pos, range.end)).join(' ') ?? '';
              const level = /\/\*\*\s*([EW]):\s*([\s\S]*?)\s*\*\//.exec(doc);
              if (level) {
                table.push({ id: property.initializer.text, kind: level[1] === 'E' ? 'error' : 'warning', file: relative, description: level[2] });
              }
            }
          }
        }
      }
    }
  });
  return constants;
}

/** An id expression: a literal, a constant, `x.id ?? 'default'`, with or without the namespace. */
function idOf(node: ts.Expression | undefined, constants: ReadonlyMap<string, string>): string | undefined {
  if (!node) {
    return undefined;
  }
  let id: string | undefined;
  if (ts.isStringLiteralLike(node)) {
    id = node.text;
  } else if (ts.isIdentifier(node)) {
    id = constants.get(node.text);
  } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
    id = constants.get(`${node.expression.text}.${node.name.text}`);
  } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) {
    id = idOf(node.right, constants);
  }
  if (id === undefined) {
    return undefined;
  }
  id = id.startsWith(`${NAMESPACE}:`) ? id.slice(NAMESPACE.length + 1) : id;
  return /^[\w.]+$/.test(id) ? id : undefined;
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) {
    return callee.text;
  }
  if (ts.isPropertyAccessExpression(callee)) {
    return callee.name.text;
  }
  return undefined;
}

/** Every place in src/ that raises an id. */
export function collectIdUses(): IdUse[] {
  // Constants may be imported from another file: collect them all first.
  const files = sourceFiles(SRC).map((file) => ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true));
  const constants = new Map<string, string>();
  const table: TableId[] = [];
  for (const file of files) {
    for (const [name, value] of constantsOf(file, table)) {
      constants.set(name, value);
    }
  }
  const uses: IdUse[] = [];
  for (const file of files) {
    const relative = path.relative(ROOT, file.fileName).split(path.sep).join('/');
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const raiser = RAISERS[calleeName(node) ?? ''];
        const id = raiser && idOf(node.arguments[raiser.idArg], constants);
        if (raiser && id !== undefined) {
          // The message: the first text argument after the id (a rule's finding has its subject between).
          const message = node.arguments.slice(raiser.idArg + 1).find((a) => ts.isStringLiteralLike(a) || ts.isTemplateExpression(a)
            || (ts.isBinaryExpression(a) && a.operatorToken.kind === ts.SyntaxKind.PlusToken));
          uses.push({ id, kind: raiser.kind, file: relative, message: textOf(message) });
        }
      }
      // A rule's finding: `{ id: ENCRYPTION_MISMATCH, message: ... }` (an error, see src/validation/rule.ts).
      if (ts.isObjectLiteralExpression(node)) {
        const property = (name: string) => node.properties
          .find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name);
        const idProperty = property('id');
        const messageProperty = property('message');
        const id = idProperty && messageProperty ? idOf(idProperty.initializer, constants) : undefined;
        if (id !== undefined && /^[a-z]/.test(id)) {
          uses.push({ id, kind: 'error', file: relative, message: textOf(messageProperty!.initializer) });
        }
      }
      // Account setting values accepted with a warning: `[AccountSettingName.X]: { discouraged: { V1: '...' } }`
      // raise `<X>.<value>`.
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'discouraged'
        && ts.isObjectLiteralExpression(node.initializer)) {
        const setting = node.parent.parent;
        if (ts.isPropertyAssignment(setting) && ts.isComputedPropertyName(setting.name) && ts.isPropertyAccessExpression(setting.name.expression)) {
          for (const value of node.initializer.properties) {
            if (ts.isPropertyAssignment(value) && (ts.isIdentifier(value.name) || ts.isStringLiteral(value.name))) {
              const id = `${setting.name.expression.name.text}.${value.name.text}`;
              uses.push({ id, kind: 'warning', file: relative, message: textOf(value.initializer) });
            }
          }
        }
      }
      node.forEachChild(visit);
    };
    visit(file);
  }
  // A table's id raised only through code the walk above cannot follow: its doc comment describes it.
  for (const entry of table) {
    if (!uses.some((u) => u.id === entry.id)) {
      uses.push({ id: entry.id, kind: entry.kind, file: entry.file, message: entry.description });
    }
  }
  return uses;
}

/** Every id, sorted. */
export function collectIds(): string[] {
  return [...new Set(collectIdUses().map((u) => u.id))].sort();
}

const AREAS: ReadonlyArray<readonly [string, string]> = [
  ['src/registry/', 'Registry, repositories and registry-wide configuration'],
  ['src/encryption.ts', 'Encryption'],
  ['src/lifecycle/', 'Lifecycle rules'],
  ['src/replication/', 'Replication'],
  ['src/scanning/', 'Scanning'],
  ['src/validation/', 'Layer-sharing checks (whole app, at synthesis)'],
  ['src/account-settings/', 'Account settings'],
  ['src/audit-role/', 'Audit role'],
  ['src/stacksets/', 'Organization rollout (StackSets)'],
];

function areaOf(file: string): string {
  return AREAS.find(([prefix]) => file.startsWith(prefix))?.[1] ?? 'Other';
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

/** docs/errors.md, as `npx projen docs:errors` writes it. */
export function renderCatalog(uses: readonly IdUse[] = collectIdUses()): string {
  const byId = new Map<string, IdUse[]>();
  for (const use of uses) {
    byId.set(use.id, [...(byId.get(use.id) ?? []), use]);
  }
  const lines: string[] = [
    '<!-- Generated by `npx projen docs:errors` from the source (build-tools/error-catalog.ts). Do not edit. -->',
    '# Errors and warnings',
    '',
    'Every error and warning of cdk-ecr-shared-layers carries a stable id, `cdk-ecr-shared-layers:<id>`. An error stops',
    '`cdk synth` and reads `[cdk-ecr-shared-layers:<id>] <construct path>: <message>`: what is wrong, the value received,',
    'what is expected and how to fix it (a value known only at deploy time is shown as "a value known at deploy time").',
    'The layer-sharing checks report their errors by the stack that holds a construct they are about.',
    '',
    'A warning is acknowledged where it is raised, when you have checked what it says:',
    '',
    '```ts nocompile',
    'Validations.of(scope).acknowledge({ id: \'cdk-ecr-shared-layers:pullThroughCacheNotMounted\', reason: \'...\' });',
    '```',
    '',
    `${byId.size} ids, by area. The messages are those of the source; \`…\` stands for what is filled in at synthesis.`,
    '',
  ];
  const areas = new Map<string, string[]>();
  for (const [id, list] of byId) {
    const area = areaOf(list[0].file);
    areas.set(area, [...(areas.get(area) ?? []), id]);
  }
  const order = [...AREAS.map(([, name]) => name), 'Other'];
  for (const area of order.filter((a) => areas.has(a))) {
    lines.push(`## ${area}`, '', '| id | kind | message | source |', '|---|---|---|---|');
    const ids = areas.get(area)!.sort((a, b) => {
      const kind = (id: string) => (byId.get(id)!.some((u) => u.kind === 'error') ? 0 : 1);
      return kind(a) - kind(b) || a.localeCompare(b);
    });
    for (const id of ids) {
      const list = byId.get(id)!;
      const kinds = [...new Set(list.map((u) => u.kind))].sort().join(', ');
      const messages = [...new Set(list.map((u) => u.message).filter((m) => m !== '' && m !== '…'))];
      const files = [...new Set(list.map((u) => u.file))];
      lines.push(`| \`${NAMESPACE}:${id}\` | ${kinds} | ${messages.map(escapeCell).join('<br><br>') || '(the message of the error it wraps)'} | ${files.map((f) => `[${path.basename(f)}](../${f})`).join(', ')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

if (require.main === module) {
  fs.writeFileSync(CATALOG_FILE, renderCatalog());
  console.log(`docs:errors: ${path.relative(ROOT, CATALOG_FILE)} (${collectIds().length} ids)`);
}
