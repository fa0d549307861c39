/**
 * The figures docs/monitoring.md gives are measured, not remembered: the StackSet TemplateBody sizes
 * with monitoring (npx projen measure:baseline-template) and the monthly costs (npx projen
 * bench:monitor, bench/MONITOR-RESULTS.md). When a change moves one, update the page from the
 * measurement (the failure says which).
 */
import * as fs from 'fs';
import * as path from 'path';
import { MONITORED_BASELINES, measureBaselineTemplates } from '../../build-tools/measure-baseline-template';

const ROOT = path.resolve(__dirname, '..', '..');
const DOC = fs.readFileSync(path.join(ROOT, 'docs', 'monitoring.md'), 'utf8');

function block(name: string): string {
  const match = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(DOC);
  if (!match) {
    throw new Error(`docs/monitoring.md has no ${name} block`);
  }
  return match[1];
}

test('the TemplateBody sizes with monitoring are the measured ones, within the 51,200-byte limit', () => {
  // WHEN
  const measured = measureBaselineTemplates(MONITORED_BASELINES);

  // THEN
  const table = ['| Baseline | bytes |', '| --- | ---: |', ...measured.map((m) => `| ${m.name} | ${m.bytes.toLocaleString('en-US')} |`)].join('\n');
  expect(block('monitor-template')).toEqual(table);
  for (const m of measured) {
    expect(m.bytes).toBeLessThanOrEqual(51_200);
  }
}, 120_000);

test('the cost table is the benchmark\'s (bench/MONITOR-RESULTS.md)', () => {
  const results = fs.readFileSync(path.join(ROOT, 'bench', 'MONITOR-RESULTS.md'), 'utf8');
  const lines = results.split('\n');
  const header = lines.findIndex((line) => line.startsWith('| repositories | Lambda duration'));
  const end = lines.findIndex((line, i) => i > header && !line.startsWith('|'));
  const costTable = lines.slice(header, end);

  expect(header).toBeGreaterThan(0);
  expect(costTable.length).toBe(4);
  expect(block('monitor-costs')).toEqual(costTable.join('\n'));
});
