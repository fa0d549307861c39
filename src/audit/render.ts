/**
 * Renderers of the computed report: a table for people (stdout), Markdown for CI summaries, JSON
 * for scripts (the report itself, schemaVersion 1). Pure: a report in, a string out.
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

function formatSaving(saving: Saving): string {
  return `${formatBytes(saving.bytes)} (${saving.percent}%, $${saving.perMonth.toFixed(2)}/month)`;
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

function registryLines(registry: RegistryReport): string[] {
  const lines: string[] = [];
  lines.push(`Registry ${registry.account} ${registry.region}`);
  const mounting = registry.blobMounting === 'UNKNOWN'
    ? `UNKNOWN (${registry.unknown.find((u) => u.part === 'blobMounting')?.reason ?? 'not read'})`
    : registry.blobMounting;
  lines.push(`  Blob mounting   ${mounting}`);
  lines.push(...ownersLines(registry));
  lines.push(`  Repositories    ${registry.repositories} (${registry.images} images, ${registry.archivedImages} archived, ${registry.distinctBlobs} distinct blobs)`);
  if (registry.missingManifests > 0) {
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
  for (const outlier of registry.outliers) {
    lines.push(`  Fix             ${outlier.fix}`);
  }
  if (registry.topSharedBlobs.length > 0) {
    lines.push('  Top shared blobs');
    lines.push(...table([
      ['digest', 'size', 'repositories', 'held by'],
      ...registry.topSharedBlobs.map((b) => [shortDigest(b.digest), formatBytes(b.size), String(b.repositories.length), names(b.repositories, 3)]),
    ]).map((l) => `    ${l}`));
  }
  for (const advisory of registry.advisories) {
    lines.push(`  Note            ${advisory}`);
  }
  for (const part of registry.unknown) {
    if (part.part !== 'blobMounting') {
      lines.push(`  UNKNOWN         ${part.part}: ${part.reason}`);
    }
  }
  return lines;
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
    lines.push(`UNKNOWN ${[error.account, error.region].filter(Boolean).join(' ') || '(fleet)'}: ${error.operation}: ${error.reason}`);
  }
  if (report.registries.length === 0 && report.errors.length === 0) {
    lines.push('No registry to report.');
  }
  lines.push(`Prices: $${report.pricePerGbMonth}/GB-month (GB = 2^30 bytes). Every blob (layer or config) counted once per digest.`);
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
    lines.push(`| ${r.account} ${r.region} | ${r.blobMounting} | ${r.repositories} | ${r.islands.length} | `
      + (r.bytes && r.savings
        ? `${formatBytes(r.bytes.withoutSharing)} | ${formatBytes(r.bytes.withSharing)} (-${r.savings.withSharing.percent}%) | ${formatBytes(r.bytes.oneIsland)} (-${r.savings.oneIsland.percent}%) |`
        : 'UNKNOWN | UNKNOWN | UNKNOWN |'));
  }
  if (report.registries.length > 1) {
    const t = report.totals;
    lines.push(`| **Total** | | | | ${formatBytes(t.bytes.withoutSharing)} | ${formatBytes(t.bytes.withSharing)} (-${t.savings.withSharing.percent}%) | ${formatBytes(t.bytes.oneIsland)} (-${t.savings.oneIsland.percent}%) |`);
  }
  const findings: string[] = [];
  for (const r of report.registries) {
    for (const o of r.outliers) {
      findings.push(`- ${r.account} ${r.region}: ${escapeCell(o.fix)}`);
    }
    for (const u of r.unknown) {
      findings.push(`- ${r.account} ${r.region}: \`${u.part}\` UNKNOWN: ${escapeCell(u.reason)}`);
    }
    for (const a of r.advisories) {
      findings.push(`- ${r.account} ${r.region}: ${escapeCell(a)}`);
    }
  }
  for (const e of report.errors) {
    findings.push(`- ${[e.account, e.region].filter(Boolean).join(' ') || 'fleet'}: \`${e.operation}\` UNKNOWN: ${escapeCell(e.reason)}`);
  }
  if (findings.length > 0) {
    lines.push('', '### Findings', '', ...findings);
  }
  return lines.join('\n') + '\n';
}

/** The report for scripts: schemaVersion 1 (docs/audit.md). */
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
    return [`  Owners          UNKNOWN (${owners.reason})`];
  }
  return [`  Owners          ${owners.value.length === 0 ? 'none recorded' : owners.value.map((o) => `${o.owner} (${o.value})`).join('; ')}`];
}
