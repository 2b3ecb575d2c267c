/**
 * Opens generated leaderboard.html pages in headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core) and checks what a reader sees, at 1400 and 800 px: every plot rendered with data
 * marks and its legend inside it, no horizontal overflow of the main column, every agent in its own
 * colour (read from the rendered SVG), no console errors, no network request, a well-formed
 * document, and full-page screenshots. The page under test has 16 agents (14 competitors and the
 * two references) on scenarios with long names and 3 seeds, as a real small run has.
 * Set ORCHBENCH_SCREENSHOT_DIR to keep the screenshots; otherwise they go to a temp dir removed after.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH } from '../../bin/check-test-prereqs.ts';
import { writeLeaderboard } from '../../harness/report/leaderboard.ts';
import { REFERENCE_PALETTE } from '../../harness/report/plots.ts';
import type { Leaderboard } from '../../harness/report/types.ts';
import { META, TEST_STATS, fixtureResults, type FixtureAgent } from './fixtures.ts';

const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);
if (!HAS_CHROMIUM) console.warn(`skipping the leaderboard browser test: ${CHROMIUM_PATH} not found (npm test installs it as root; else: sudo apt-get install chromium)`);

const COMPETITORS: FixtureAgent[] = Array.from({ length: 14 }, (_, i) => ({
  name: i === 0 ? 'hybrid' : i === 1 ? 'my-submission' : `agent-with-a-long-name-${String(i).padStart(2, '0')}`,
  kind: i === 1 ? 'submission' : 'baseline',
  skill: 0.95 - 0.06 * i,
  tau: 50 + 40 * i,
  cost: 0.8 + 0.05 * i,
}));
const AGENTS: FixtureAgent[] = [...COMPETITORS, { name: 'random', skill: 0, tau: 1, cost: 1.6 }, { name: 'clairvoyant', skill: 1, tau: 1, cost: 0.7 }];
const SCENARIOS = ['lte-driving-16u-battery-deadlines-v3', 'lte-driving-4u-battery-v3', '3g-commute-4u-strict-battery-v3'];
const SEEDS = [1, 2, 3];
const TITLE = 'A leaderboard with sixteen agents';

/** What the page shows at one viewport width, measured in the page. */
interface Layout {
  viewport: number;
  documentWidth: number;
  /** Sections and figures whose content is wider than they are (a table scrolls inside its own box). */
  overflowing: string[];
  plots: { id: string; width: number; height: number; marks: number; legendsOutside: number; legends: number }[];
  /** Per plot: legend label -> the colour of its symbol. */
  legendColours: Record<string, Record<string, string>>;
}

async function layout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    // The test's tsconfig has no DOM types: this runs in the page, typed loosely.
    type Box = { left: number; right: number; top: number; bottom: number; width: number; height: number };
    type El = { getBoundingClientRect(): Box; scrollWidth: number; clientWidth: number; id: string; getAttribute(n: string): string | null; querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El>; textContent: string | null };
    const doc = (globalThis as unknown as { document: { documentElement: El; querySelectorAll(s: string): ArrayLike<El> } }).document;
    const win = globalThis as unknown as { innerWidth: number; getComputedStyle(e: El): { fill: string } };
    const overflowing: string[] = [];
    for (const el of Array.from(doc.querySelectorAll('section, figure.plot'))) {
      if (el.scrollWidth > el.clientWidth + 1) overflowing.push(el.id || el.getAttribute('data-plot') || '?');
    }
    const plots = [];
    const legendColours: Record<string, Record<string, string>> = {};
    for (const fig of Array.from(doc.querySelectorAll('figure.plot'))) {
      const id = fig.getAttribute('data-plot') ?? '?';
      const svg = fig.querySelector('svg')!;
      const box = svg.getBoundingClientRect();
      const legends = Array.from(svg.querySelectorAll('g.role-legend'));
      const outside = legends.filter((l) => {
        const b = l.getBoundingClientRect();
        return b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1 || b.bottom > box.bottom + 1;
      }).length;
      // vega tags data marks (not axes or legends) with role-mark.
      const marks = svg.querySelectorAll('g.role-mark > path, g.role-mark > line, g.role-mark > rect').length;
      plots.push({ id, width: box.width, height: box.height, marks, legendsOutside: outside, legends: legends.length });
      const colours: Record<string, string> = {};
      for (const entry of Array.from(svg.querySelectorAll('g.role-legend-entry g.role-scope > g'))) {
        const label = entry.querySelector('g.role-legend-label text')?.textContent;
        const symbol = entry.querySelector('g.role-legend-symbol path');
        if (label && symbol) colours[label] = win.getComputedStyle(symbol).fill;
      }
      legendColours[id] = colours;
    }
    return { viewport: win.innerWidth, documentWidth: doc.documentElement.scrollWidth, overflowing, plots, legendColours };
  });
}

/** `rgb(r, g, b)` as `#rrggbb`. */
function hex(rgb: string): string {
  const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(rgb);
  return m ? `#${m.slice(1).map((v) => Number(v).toString(16).padStart(2, '0')).join('')}` : rgb;
}

describe.skipIf(!HAS_CHROMIUM)(`leaderboard.html in headless Chromium (needs ${CHROMIUM_PATH})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'orchbench-e2e-'));
  const shotDir = process.env.ORCHBENCH_SCREENSHOT_DIR ?? dir;
  let browser: Browser;
  let lb: Leaderboard;
  const pages = new Map<number, Page>();
  const layouts = new Map<number, Layout>();
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    lb = await writeLeaderboard(dir, fixtureResults(AGENTS, SCENARIOS, SEEDS), { ...META, seeds: SEEDS, title: TITLE }, TEST_STATS);
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    for (const width of [1400, 800]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
      await page.goto(pathToFileURL(join(dir, 'leaderboard.html')).href, { waitUntil: 'load' });
      pages.set(width, page);
      layouts.set(width, await layout(page));
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const width of [1400, 800]) {
    describe(`at ${width} px`, () => {
      it('has no horizontal overflow of the main column (wide tables scroll inside their own box)', () => {
        const l = layouts.get(width)!;
        expect(l.viewport).toBe(width);
        expect(l.documentWidth).toBeLessThanOrEqual(width);
        expect(l.overflowing).toEqual([]);
      });

      it('renders every plot as a non-empty SVG with data marks, its legend inside it', () => {
        const l = layouts.get(width)!;
        expect(l.plots.map((p) => p.id).sort()).toEqual(lb.plots.map((p) => p.id).sort());
        for (const p of l.plots) {
          expect(p.width, p.id).toBeGreaterThan(100);
          expect(p.height, p.id).toBeGreaterThan(100);
          expect(p.marks, p.id).toBeGreaterThan(0);
          expect(p.legends, p.id).toBeGreaterThan(0);
          expect(p.legendsOutside, p.id).toBe(0);
        }
      });

      it('draws every agent in its own colour, the references in grey', () => {
        const colours = layouts.get(width)!.legendColours['latency-energy']!;
        expect(Object.keys(colours).sort()).toEqual(AGENTS.map((a) => a.name).sort());
        const competitorColours = COMPETITORS.map((a) => hex(colours[a.name]!));
        expect(new Set(competitorColours).size).toBe(COMPETITORS.length);
        expect(['random', 'clairvoyant'].map((a) => hex(colours[a]!)).sort()).toEqual([...REFERENCE_PALETTE].sort());
        for (const c of competitorColours) expect(REFERENCE_PALETTE).not.toContain(c);
        // The learning curves use the same colour for each agent.
        const curves = layouts.get(width)!.legendColours[`learning-curves-${SCENARIOS[0]}`]!;
        for (const a of AGENTS) expect(hex(curves[a.name]!), a.name).toBe(hex(colours[a.name]!));
      });

      it('writes a full-page screenshot', async () => {
        mkdirSync(shotDir, { recursive: true });
        const file = join(shotDir, `leaderboard-${width}.png`);
        await pages.get(width)!.screenshot({ path: file, fullPage: true });
        expect(statSync(file).size).toBeGreaterThan(20_000);
      });
    });
  }

  it('shows the title, every agent and scenario, the few-seeds caveat; no console error, no network request', async () => {
    const text = await pages.get(1400)!.innerText('body');
    expect(text).toContain(TITLE);
    for (const a of AGENTS) expect(text).toContain(a.name);
    for (const s of SCENARIOS) expect(text).toContain(s);
    expect(text).toContain('every interval on this page rests on 3 seed(s) per scenario');
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('is a well-formed document (parses as XHTML)', async () => {
    const html = readFileSync(join(dir, 'leaderboard.html'), 'utf8');
    const errors = await pages.get(1400)!.evaluate((src) => {
      type Parser = new () => { parseFromString(s: string, type: string): { getElementsByTagName(tag: string): ArrayLike<{ textContent: string | null }> } };
      const doc = new (globalThis as unknown as { DOMParser: Parser }).DOMParser().parseFromString(src, 'application/xhtml+xml');
      return Array.from(doc.getElementsByTagName('parsererror'), (e) => e.textContent ?? '');
    }, html);
    expect(errors).toEqual([]);
  });
});
