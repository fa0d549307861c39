/**
 * Renderers of the computed report: a table for people (stdout), Markdown for CI summaries, JSON
 * for scripts (the report itself, schemaVersion 2), and one self-contained HTML page (inline SVG
 * and CSS, no script, nothing fetched). Pure: a report in, a string out.
 */
import { AuditReport, describeEncryption, RegistryReport, Saving } from './compute';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 -> `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** USD for people: `$0.10`, `$1,234.57` (`digits` decimals, 2 unless said). */
export function formatMoney(usd: number, digits = 2): string {
  const text = Math.abs(usd).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${usd < 0 ? '-' : ''}$${text}`;
}

/** A price keeps its own decimals, at least two: `$0.10`, `$0.023`. */
function formatPrice(usd: number): string {
  return formatMoney(usd, Math.min(6, Math.max(2, (String(usd).split('.')[1] ?? '').length)));
}

function formatSaving(saving: Saving): string {
  return `${formatBytes(saving.bytes)} (${saving.percent}%, ${formatMoney(saving.perMonth)}/month)`;
}

/** A count, or `unknown` when it could not be read. */
function count(value: number | null): string {
  return value === null ? 'unknown' : value.toLocaleString('en-US');
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows.map((row) => row.map((text, col) => text.padEnd(widths[col])).join('  ').trimEnd());
}

function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

function names(list: readonly string[], max = 4): string {
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')} +${list.length - max} more`;
}

/** The fix, said once for every outlier: encryption is set at creation only. */
function fixOnce(registry: RegistryReport): string {
  const main = describeEncryption(registry.islands[0].encryption);
  return `Encryption is set at creation only: for each, create a repository with ${main} (SharedLayerRegistry.addRepository or SharedRepository), push its images there, then retire the old one.`;
}

function registryLines(registry: RegistryReport): string[] {
  const lines: string[] = [];
  lines.push(`Registry ${registry.account} ${registry.region}`);
  if (registry.unreadable !== null) {
    lines.push(`  Not read        ${registry.unreadable}`);
    return lines;
  }
  const mounting = registry.blobMounting === 'UNKNOWN'
    ? `unknown (${registry.unknown.find((u) => u.part === 'blobMounting')?.reason ?? 'not read'})`
    : registry.blobMounting;
  lines.push(`  Blob mounting   ${mounting}`);
  lines.push(...ownersLines(registry));
  if (registry.repositories === null) {
    lines.push(`  Repositories    unknown (${registry.unknown.find((u) => u.part === 'repositories')?.reason ?? 'not read'})`);
  } else {
    lines.push(`  Repositories    ${count(registry.repositories)} (${count(registry.images)} images, ${count(registry.archivedImages)} archived, ${count(registry.distinctBlobs)} distinct blobs)`);
  }
  if (registry.missingManifests) {
    lines.push(`  Unread          ${registry.missingManifests} manifests could not be read: their blobs are not counted`);
  }
  if (registry.bytes && registry.savings) {
    lines.push('  Storage');
    lines.push(...table([
      ['without sharing', formatBytes(registry.bytes.withoutSharing), ''],
      ['with sharing', formatBytes(registry.bytes.withSharing), `saves ${formatSaving(registry.savings.withSharing)}`],
      ['as one island', formatBytes(registry.bytes.oneIsland), `saves ${formatSaving(registry.savings.oneIsland)}`],
    ]).map((l) => `    ${l}`));
  }
  if (registry.islands.length > 0) {
    lines.push(`  Islands         ${registry.islands.length}`);
    lines.push(...table([
      ['#', 'encryption', 'repositories', 'bytes', 'names'],
      ...registry.islands.map((island, i) => [
        String(i + 1), describeEncryption(island.encryption), String(island.repositories.length),
        formatBytes(island.bytes), names(island.repositories),
      ]),
    ]).map((l) => `    ${l}`));
  }
  if (registry.pullThroughCacheRepositories.length > 0) {
    lines.push(`  Pull-through    ${names(registry.pullThroughCacheRepositories)} (cannot mount: counted alone)`);
  }
  if (registry.outliers.length > 0) {
    lines.push(`  Order of the fix (outside the largest island, ${describeEncryption(registry.islands[0].encryption)}; largest saving first)`);
    lines.push(...table([
      ['#', 'repository', 'encryption', 'saves if it joined'],
      ...registry.outliers.map((o, i) => [String(i + 1), o.repository, describeEncryption(o.encryption),
        `${formatBytes(o.savingIfJoined.bytes)} (${formatMoney(o.savingIfJoined.perMonth)}/month)`]),
    ]).map((l) => `    ${l}`));
    lines.push(`  Fix             ${fixOnce(registry)}`);
  }
  if (registry.topSharedBlobs.length > 0) {
    lines.push('  Top shared blobs (by bytes that sharing within an island saves)');
    lines.push(...table([
      ['digest', 'size', 'saves', 'held by'],
      ...registry.topSharedBlobs.map((b) => [shortDigest(b.digest), formatBytes(b.size), formatBytes(b.savedBytes), names(b.repositories, 3)]),
    ]).map((l) => `    ${l}`));
  }
  for (const advisory of registry.advisories) {
    lines.push(`  Note            ${advisory}`);
  }
  for (const part of registry.unknown) {
    if (part.part !== 'blobMounting' && part.part !== 'repositories') {
      lines.push(`  Unknown         ${part.part}: ${part.reason}`);
    }
  }
  return lines;
}

function errorSubject(error: { account?: string; region?: string }): string {
  return [error.account, error.region].filter(Boolean).join(' ') || '(fleet)';
}

/** The report for people. */
export function renderTable(report: AuditReport): string {
  const lines: string[] = [];
  for (const registry of report.registries) {
    lines.push(...registryLines(registry), '');
  }
  if (report.registries.length > 1) {
    const t = report.totals;
    lines.push(`Total over ${t.registries} registries: ${formatBytes(t.bytes.withoutSharing)} without sharing, `
      + `${formatBytes(t.bytes.withSharing)} with sharing (saves ${formatSaving(t.savings.withSharing)}), `
      + `${formatBytes(t.bytes.oneIsland)} as one island per registry (saves ${formatSaving(t.savings.oneIsland)})`, '');
  }
  for (const error of report.errors) {
    lines.push(`Not read ${errorSubject(error)}: ${error.operation}: ${error.reason}`);
  }
  if (report.registries.length === 0 && report.errors.length === 0) {
    lines.push('No registry to report.');
  }
  lines.push(`Prices: ${formatPrice(report.pricePerGbMonth)}/GB-month (GB = 2^30 bytes). Every blob (layer or config) counted once per digest.`);
  return lines.join('\n') + '\n';
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The report for CI summaries (GitHub step summary, merge-request notes). */
export function renderMarkdown(report: AuditReport): string {
  const lines: string[] = ['## ECR layer sharing audit', ''];
  lines.push('| Registry | Blob mounting | Repositories | Islands | Without sharing | With sharing | As one island |');
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of report.registries) {
    const islands = r.repositories === null ? 'unknown' : String(r.islands.length);
    lines.push(`| ${r.account} ${r.region} | ${r.blobMounting === 'UNKNOWN' ? 'unknown' : r.blobMounting} | ${count(r.repositories)} | ${islands} | `
      + (r.bytes && r.savings
        ? `${formatBytes(r.bytes.withoutSharing)} | ${formatBytes(r.bytes.withSharing)} (-${r.savings.withSharing.percent}%) | ${formatBytes(r.bytes.oneIsland)} (-${r.savings.oneIsland.percent}%) |`
        : 'unknown | unknown | unknown |'));
  }
  if (report.registries.length > 1) {
    const t = report.totals;
    lines.push(`| **Total** | | | | ${formatBytes(t.bytes.withoutSharing)} | ${formatBytes(t.bytes.withSharing)} (-${t.savings.withSharing.percent}%) | ${formatBytes(t.bytes.oneIsland)} (-${t.savings.oneIsland.percent}%) |`);
  }
  const findings: string[] = [];
  for (const r of report.registries) {
    const where = `${r.account} ${r.region}`;
    if (r.unreadable !== null) {
      findings.push(`- ${where}: not read: ${escapeCell(r.unreadable)}`);
      continue;
    }
    for (const [i, o] of r.outliers.entries()) {
      findings.push(`- ${where}: fix ${i + 1} (saves ${formatBytes(o.savingIfJoined.bytes)}, ${formatMoney(o.savingIfJoined.perMonth)}/month): ${escapeCell(o.fix)}`);
    }
    for (const u of r.unknown) {
      findings.push(`- ${where}: \`${u.part}\` unknown: ${escapeCell(u.reason)}`);
    }
    for (const a of r.advisories) {
      findings.push(`- ${where}: ${escapeCell(a)}`);
    }
  }
  for (const e of report.errors) {
    findings.push(`- ${[e.account, e.region].filter(Boolean).join(' ') || 'fleet'}: \`${e.operation}\` not read: ${escapeCell(e.reason)}`);
  }
  if (findings.length > 0) {
    lines.push('', '### Findings', '', ...findings);
  }
  return lines.join('\n') + '\n';
}

/** The report for scripts: schemaVersion 2 (docs/audit.md). */
export function renderJson(report: AuditReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** Who relies on BLOB_MOUNTING (its recorded owners), under the setting. */
function ownersLines(registry: RegistryReport): string[] {
  const owners = registry.blobMountingOwners;
  if (!owners) {
    return [];
  }
  if (owners.state === 'UNKNOWN') {
    return [`  Owners          unknown (${owners.reason})`];
  }
  return [`  Owners          ${owners.value.length === 0 ? 'none recorded' : owners.value.map((o) => `${o.owner} (${o.value})`).join('; ')}`];
}

// ---------------------------------------------------------------------------------------------
// HTML: one page, no script, no external resource (fonts are the system's), readable offline.

/** The chart's bar colours (also checked by the browser test): without sharing, with sharing, as one island. */
export const CHART_COLOURS = { withoutSharing: '#c0392b', withSharing: '#e69f00', oneIsland: '#0072b2' } as const;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 0; background: #fff; }
main { max-width: 1040px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 32px 0 8px; border-top: 1px solid #d0d7de; padding-top: 20px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.meta { color: #57606a; margin: 0 0 16px; }
table { border-collapse: collapse; margin: 6px 0 12px; width: 100%; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid #d8dee4; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.notice { background: #fff8c5; border: 1px solid #d4a72c; padding: 8px 12px; border-radius: 6px; }
.error { background: #ffebe9; border: 1px solid #cf222e; padding: 8px 12px; border-radius: 6px; }
svg.chart { display: block; width: 100%; max-width: 960px; height: auto; }
code { font-size: 13px; }
table.overview td:first-child { white-space: nowrap; }
`;

function barChart(registry: RegistryReport): string {
  const bytes = registry.bytes!;
  const rows = [
    { key: 'withoutSharing', label: 'without sharing', value: bytes.withoutSharing, colour: CHART_COLOURS.withoutSharing },
    { key: 'withSharing', label: 'with sharing', value: bytes.withSharing, colour: CHART_COLOURS.withSharing },
    { key: 'oneIsland', label: 'as one island', value: bytes.oneIsland, colour: CHART_COLOURS.oneIsland },
  ];
  const width = 960;
  const labelWidth = 150;
  const valueWidth = 110;
  const barMax = width - labelWidth - valueWidth - 20;
  const rowHeight = 34;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const title = `Bytes stored in ${registry.account} ${registry.region}: without sharing ${formatBytes(bytes.withoutSharing)}, `
    + `with sharing ${formatBytes(bytes.withSharing)}, as one island ${formatBytes(bytes.oneIsland)}`;
  const bars = rows.map((r, i) => {
    const y = 8 + i * rowHeight;
    const w = Math.max(r.value > 0 ? 2 : 0, Math.round((r.value / max) * barMax));
    return `<text x="${labelWidth - 10}" y="${y + 17}" text-anchor="end" font-size="14" fill="#1f2328">${r.label}</text>`
      + `<rect class="bar" data-series="${r.key}" data-bytes="${r.value}" x="${labelWidth}" y="${y}" width="${w}" height="24" fill="${r.colour}"/>`
      + `<text x="${labelWidth + w + 8}" y="${y + 17}" font-size="14" fill="#1f2328">${formatBytes(r.value)}</text>`;
  }).join('');
  return `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${8 + rows.length * rowHeight}" width="${width}" height="${8 + rows.length * rowHeight}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${bars}</svg>`;
}

function htmlTable(head: string[], rows: string[][], numeric: number[] = []): string {
  const cell = (tag: string, text: string, i: number) => `<${tag}${numeric.includes(i) ? ' class="num"' : ''}>${text}</${tag}>`;
  return `<table><thead><tr>${head.map((h, i) => cell('th', escapeHtml(h), i)).join('')}</tr></thead>`
    + `<tbody>${rows.map((row) => `<tr>${row.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('')}</tbody></table>`;
}

function registryId(registry: RegistryReport): string {
  return `registry-${registry.account}-${registry.region}`.replace(/[^A-Za-z0-9-]/g, '-');
}

function registryHtml(registry: RegistryReport): string {
  const parts: string[] = [];
  parts.push(`<section class="registry" id="${registryId(registry)}" data-registry="${escapeHtml(`${registry.account} ${registry.region}`)}">`);
  parts.push(`<h2>Registry ${escapeHtml(registry.account)} ${escapeHtml(registry.region)}</h2>`);
  if (registry.unreadable !== null) {
    parts.push(`<p class="error">Not read: ${escapeHtml(registry.unreadable)}</p></section>`);
    return parts.join('\n');
  }
  const mounting = registry.blobMounting === 'UNKNOWN' ? 'unknown' : registry.blobMounting;
  parts.push(`<p class="meta">Blob mounting <strong>${mounting}</strong> · ${count(registry.repositories)} repositories · ${count(registry.images)} images`
    + ` · ${count(registry.distinctBlobs)} distinct blobs</p>`);
  if (registry.bytes && registry.savings) {
    parts.push(barChart(registry));
    parts.push(`<p>With sharing the registry stores ${formatBytes(registry.bytes.withSharing)}: ${escapeHtml(formatSaving(registry.savings.withSharing))} saved. `
      + `As one island: ${formatBytes(registry.bytes.oneIsland)}, ${escapeHtml(formatSaving(registry.savings.oneIsland))} saved.</p>`);
  }
  if (registry.islands.length > 0) {
    parts.push(`<h3>Islands (${registry.islands.length})</h3>`);
    parts.push(htmlTable(['#', 'encryption', 'repositories', 'bytes', 'names'], registry.islands.map((island, i) => [
      String(i + 1), escapeHtml(describeEncryption(island.encryption)), String(island.repositories.length),
      formatBytes(island.bytes), escapeHtml(names(island.repositories, 8)),
    ]), [0, 2, 3]).replace('<table>', '<table class="islands">'));
  }
  if (registry.outliers.length > 0) {
    parts.push('<h3>Order of the fix (largest saving first)</h3>');
    parts.push(htmlTable(['#', 'repository', 'encryption', 'saves if it joined', 'per month'], registry.outliers.map((o, i) => [
      String(i + 1), escapeHtml(o.repository), escapeHtml(describeEncryption(o.encryption)),
      formatBytes(o.savingIfJoined.bytes), formatMoney(o.savingIfJoined.perMonth),
    ]), [0, 3, 4]).replace('<table>', '<table class="outliers">'));
    parts.push(`<p>${escapeHtml(fixOnce(registry))}</p>`);
  }
  const notes = [
    ...registry.advisories,
    ...registry.unknown.map((u) => `${u.part} unknown: ${u.reason}`),
  ];
  if (notes.length > 0) {
    parts.push(`<h3>Notes</h3><ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** One self-contained page (no script, no network): a chart per registry, islands, the order of the fix, a fleet overview. */
export function renderHtml(report: AuditReport): string {
  const body: string[] = [];
  body.push('<h1>ECR layer sharing audit</h1>');
  body.push(`<p class="meta">${report.registries.length} ${report.registries.length === 1 ? 'registry' : 'registries'} · storage at `
    + `${formatPrice(report.pricePerGbMonth)}/GB-month (GB = 2<sup>30</sup> bytes) · every blob counted once per digest</p>`);
  if (report.registries.length > 1) {
    const t = report.totals;
    body.push('<h2>Overview</h2>');
    body.push(htmlTable(['registry', 'blob mounting', 'repositories', 'islands', 'without sharing', 'with sharing', 'as one island'],
      [...report.registries.map((r) => [
        `<a href="#${registryId(r)}">${escapeHtml(`${r.account} ${r.region}`)}</a>`,
        r.blobMounting === 'UNKNOWN' ? 'unknown' : r.blobMounting,
        count(r.repositories),
        r.repositories === null ? 'unknown' : String(r.islands.length),
        r.bytes ? formatBytes(r.bytes.withoutSharing) : 'unknown',
        r.bytes && r.savings ? `${formatBytes(r.bytes.withSharing)} (-${r.savings.withSharing.percent}%)` : 'unknown',
        r.bytes && r.savings ? `${formatBytes(r.bytes.oneIsland)} (-${r.savings.oneIsland.percent}%)` : 'unknown',
      ]), [
        '<strong>Total</strong>', '', '', '', formatBytes(t.bytes.withoutSharing),
        `${formatBytes(t.bytes.withSharing)} (-${t.savings.withSharing.percent}%)`, `${formatBytes(t.bytes.oneIsland)} (-${t.savings.oneIsland.percent}%)`,
      ]], [2, 3, 4, 5, 6]).replace('<table>', '<table class="overview">'));
  }
  for (const registry of report.registries) {
    body.push(registryHtml(registry));
  }
  if (report.errors.length > 0) {
    body.push('<h2>Not read</h2>');
    body.push(`<ul class="errors">${report.errors.map((e) => `<li>${escapeHtml(`${errorSubject(e)}: ${e.operation}: ${e.reason}`)}</li>`).join('')}</ul>`);
  }
  if (report.registries.length === 0 && report.errors.length === 0) {
    body.push('<p class="notice">No registry to report.</p>');
  }
  return '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    + '<title>ECR layer sharing audit</title>\n'
    + `<style>${STYLE}</style>\n</head>\n<body>\n<main>\n${body.join('\n')}\n</main>\n</body>\n</html>\n`;
}
