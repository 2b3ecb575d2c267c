/**
 * Opens the generated leaderboard.html in headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core) and checks what a reader sees: every plot rendered with data marks, no console
 * errors, no network request, a well-formed document, and a full-page screenshot.
 * Set ORCHBENCH_SCREENSHOT_DIR to keep the screenshot; otherwise it goes to a temp dir removed after.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLeaderboard } from '../../harness/report/leaderboard.ts';
import type { Leaderboard } from '../../harness/report/types.ts';
import { AGENTS, META, SCENARIOS, TEST_STATS, fixtureResults } from './fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`skipping the leaderboard browser test: ${CHROMIUM} not found (install it with .ci/install-browser)`);

describe.skipIf(!HAS_CHROMIUM)(`leaderboard.html in headless Chromium (needs ${CHROMIUM})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'orchbench-e2e-'));
  const shotDir = process.env.ORCHBENCH_SCREENSHOT_DIR ?? dir;
  let browser: Browser;
  let page: Page;
  let lb: Leaderboard;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    lb = await writeLeaderboard(dir, fixtureResults(), META, TEST_STATS);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    await page.goto(pathToFileURL(join(dir, 'leaderboard.html')).href, { waitUntil: 'load' });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders every plot as a non-empty SVG with data marks', async () => {
    const plots = await page.$$eval('figure.plot', (figs) => figs.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      // vega tags data marks (not axes or legends) with role-mark.
      const marks = svg ? svg.querySelectorAll('g.role-mark > path, g.role-mark > line, g.role-mark > rect').length : 0;
      return { id: f.getAttribute('data-plot'), width: box?.width ?? 0, height: box?.height ?? 0, marks };
    }));
    expect(plots.map((p) => p.id).sort()).toEqual(lb.plots.map((p) => p.id).sort());
    for (const p of plots) {
      expect(p.width, p.id ?? '').toBeGreaterThan(100);
      expect(p.height, p.id ?? '').toBeGreaterThan(100);
      expect(p.marks, p.id ?? '').toBeGreaterThan(0);
    }
  });

  it('shows every agent and scenario, with no console error and no network request', async () => {
    const text = await page.innerText('body');
    for (const a of AGENTS) expect(text).toContain(a.name);
    for (const s of SCENARIOS) expect(text).toContain(s);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('is a well-formed document (parses as XHTML)', async () => {
    const html = readFileSync(join(dir, 'leaderboard.html'), 'utf8');
    const errors = await page.evaluate((src) => {
      // The test's tsconfig has no DOM types; this runs in the page.
      type Parser = new () => { parseFromString(s: string, type: string): { getElementsByTagName(tag: string): ArrayLike<{ textContent: string | null }> } };
      const doc = new (globalThis as unknown as { DOMParser: Parser }).DOMParser().parseFromString(src, 'application/xhtml+xml');
      return Array.from(doc.getElementsByTagName('parsererror'), (e) => e.textContent ?? '');
    }, html);
    expect(errors).toEqual([]);
  });

  it('writes a full-page screenshot', async () => {
    mkdirSync(shotDir, { recursive: true });
    const file = join(shotDir, 'leaderboard.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(20_000);
  });
});
