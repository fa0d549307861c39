/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use the DOM's types)
/**
 * The audit's HTML page in a real browser: Debian's chromium (build-tools/install-chromium.sh)
 * driven by playwright-core, with no network. The page is rendered, its elements measured, and a
 * screenshot of the chart read back pixel by pixel. Where chromium is not installed, the suite is
 * skipped and its title says so.
 */
import { existsSync } from 'fs';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { computeReport } from '../../src/audit/compute';
import { known, RegistryModel, RepositoryModel, unknown } from '../../src/audit/model';
import { CHART_COLOURS, renderHtml } from '../../src/audit/render';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const MIB = 1024 * 1024;

const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found; install it with build-tools/install-chromium.sh`;
const suite = missing ? describe.skip : describe;

function repo(name: string, blobs: string[], encryption: RepositoryModel['encryption'] = { type: 'AES256' }): RepositoryModel {
  return { name, encryption, pullThroughCache: false, images: 2, archivedImages: 0, blobs: new Set(blobs), missingManifests: 0 };
}

function model(account: string, repositories: RepositoryModel[], blobSizes: Record<string, number>,
  overrides: Partial<RegistryModel> = {}): RegistryModel {
  return {
    account,
    region: 'eu-west-1',
    blobMounting: known('ENABLED'),
    repositories: known(repositories),
    blobSizes: new Map(Object.entries(blobSizes)),
    pullThroughCacheRules: known([]),
    creationTemplates: known([]),
    replication: known([]),
    apiCalls: 9,
    ...overrides,
  };
}

// A fleet of three registries: one with three islands (the chart's three bars differ), one in one island, one not read.
const kms = (key: string) => ({ type: 'KMS', kmsKey: `arn:aws:kms:eu-west-1:111111111111:key/${key}` });
const sizes = { base: 400 * MIB, runtime: 200 * MIB, a: 30 * MIB, b: 20 * MIB, c: 10 * MIB, d: 5 * MIB, e: 1 * MIB };
const cause = 'CredentialsProviderError: Could not load credentials from any providers';
const report = computeReport([
  model('111111111111', [
    repo('team/api', ['base', 'runtime', 'a']), repo('team/web', ['base', 'runtime', 'b']), repo('team/worker', ['base', 'c']),
    repo('legacy/billing', ['base', 'runtime', 'd'], kms('k1')), repo('legacy/batch', ['base', 'e'], kms('k2')),
  ], sizes),
  model('222222222222', [repo('svc/one', ['base', 'a']), repo('svc/two', ['base', 'b'])], sizes),
  model('333333333333', [], {}, {
    blobMounting: unknown(cause),
    repositories: unknown(cause),
    pullThroughCacheRules: unknown(cause),
    creationTemplates: unknown(cause),
    replication: unknown(cause),
  }),
], []);

/** The RGB of each pixel asked for, read back from a PNG screenshot through a canvas of a blank page. */
async function pixels(page: Page, png: Buffer, points: Array<{ x: number; y: number }>): Promise<number[][]> {
  return page.evaluate(async ({ data, at }) => {
    const image = new Image();
    image.src = `data:image/png;base64,${data}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    return at.map(({ x, y }) => Array.from(context.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)));
  }, { data: png.toString('base64'), at: points });
}

function rgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

suite(missing ? `the HTML page in chromium (skipped: ${missing})` : 'the HTML page in chromium', () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
    // Nothing may be fetched: record and refuse every request the page makes.
    await page.route('**/*', async (route) => {
      requests.push(route.request().url());
      await route.abort();
    });
    await page.setContent(renderHtml(report), { waitUntil: 'load' });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
  });

  test('the page loads nothing from the network and runs no script', async () => {
    expect(requests).toEqual([]);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.title()).toBe('ECR layer sharing audit');
  });

  test('the fleet overview has a row per registry and a total; the unread registry says unknown and why, once', async () => {
    const rows = await page.locator('table.overview tbody tr').allInnerTexts();

    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^111111111111 eu-west-1\tENABLED\t5\t3\t/);
    expect(rows[2]).toMatch(/^333333333333 eu-west-1\tunknown\tunknown\tunknown\tunknown/);
    expect(rows[3]).toMatch(/^Total/);
    const unread = page.locator('section[data-registry="333333333333 eu-west-1"]');
    expect(await unread.innerText()).toContain(`Not read: ${cause}`);
    expect((await page.content()).split('Could not load credentials').length - 1).toBe(1);
  });

  test('per registry: the chart\'s bars are as long as their bytes, in order without sharing > with sharing > one island', async () => {
    const section = page.locator('section[data-registry="111111111111 eu-west-1"]');
    const bars = await section.locator('svg.chart rect.bar').evaluateAll((rects) => rects.map((r) => {
      const box = r.getBoundingClientRect();
      return { series: r.getAttribute('data-series'), bytes: Number(r.getAttribute('data-bytes')), width: box.width, height: box.height };
    }));
    const registry = report.registries[0];

    expect(bars.map((b) => b.series)).toEqual(['withoutSharing', 'withSharing', 'oneIsland']);
    expect(bars.map((b) => b.bytes)).toEqual([registry.bytes!.withoutSharing, registry.bytes!.withSharing, registry.bytes!.oneIsland]);
    expect(bars[0].width).toBeGreaterThan(bars[1].width);
    expect(bars[1].width).toBeGreaterThan(bars[2].width);
    for (const bar of bars) {
      expect(bar.height).toBeGreaterThan(10);
      expect(Math.abs(bar.width / bars[0].width - bar.bytes / bars[0].bytes)).toBeLessThan(0.01);
    }
    // nothing overflows the page sideways
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1100);
  });

  test('a screenshot of the chart shows each bar in its colour, and the page background past the longest bar', async () => {
    const chart = page.locator('section[data-registry="111111111111 eu-west-1"] svg.chart');
    const box = (await chart.boundingBox())!;
    const png = await chart.screenshot();
    const bars = await chart.locator('rect.bar').evaluateAll((rects, origin) => rects.map((r) => {
      const b = r.getBoundingClientRect();
      return { x: b.x - origin.x, y: b.y - origin.y, width: b.width, height: b.height };
    }), { x: box.x, y: box.y });

    const [centres, ends] = await Promise.all([
      pixels(page, png, bars.map((b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 }))),
      // just past the end of the shortest bar, in the row of the longest: still the longest bar's colour
      pixels(page, png, [
        { x: bars[2].x + bars[2].width + 3, y: bars[0].y + bars[0].height / 2 },
        { x: bars[2].x + bars[2].width + 3, y: bars[2].y + 2 },
      ]),
    ]);

    const expected = [CHART_COLOURS.withoutSharing, CHART_COLOURS.withSharing, CHART_COLOURS.oneIsland].map(rgb);
    centres.forEach((pixel, i) => pixel.forEach((channel, c) => expect(Math.abs(channel - expected[i][c])).toBeLessThanOrEqual(3)));
    ends[0].forEach((channel, c) => expect(Math.abs(channel - expected[0][c])).toBeLessThanOrEqual(3));
    // past the shortest bar in its own row: the page's white (or its label's text, never the bar's colour)
    expect(ends[1]).not.toEqual(expected[2]);
    expect(ends[1].every((channel) => channel > 200)).toBe(true);
  });

  test('the islands with their sizes, and the outliers in the order of the fix', async () => {
    const section = page.locator('section[data-registry="111111111111 eu-west-1"]');
    const islands = await section.locator('table.islands tbody tr').allInnerTexts();
    const outliers = await section.locator('table.outliers tbody tr').allInnerTexts();

    expect(islands).toHaveLength(3);
    expect(islands[0]).toMatch(/^1\tAES256\t3\t660\.0 MiB\tteam\/api, team\/web, team\/worker$/);
    // legacy/billing shares runtime with the largest island: joining saves 400 + 200 MiB; legacy/batch 400 MiB
    expect(outliers).toEqual([
      expect.stringMatching(/^1\tlegacy\/billing\tKMS .*key\/k1\t600\.0 MiB\t\$0\.06$/),
      expect.stringMatching(/^2\tlegacy\/batch\tKMS .*key\/k2\t400\.0 MiB\t\$0\.04$/),
    ]);
  });
});
