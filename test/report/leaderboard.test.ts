import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveRng } from '../../harness/rng.ts';
import { buildLeaderboard, readLeaderboard, runMetaFromManifest, writeLeaderboard } from '../../harness/report/leaderboard.ts';
import { toMarkdown } from '../../harness/report/markdown.ts';
import { paretoFront } from '../../harness/report/plots.ts';
import type { Aggregate, Leaderboard } from '../../harness/report/types.ts';
import { schemaIssues } from '../../harness/schema.ts';
import { AGENTS, META, REAL_STEPS, SCENARIOS, SEEDS, TEST_STATS, fixtureResults, type FixtureAgent } from './fixtures.ts';

/** Opening/closing tag stack check (XHTML syntax: void elements self-close). Returns the first problem. */
function wellFormedProblem(html: string): string | null {
  const stack: string[] = [];
  const body = html.replace(/^<!DOCTYPE html>/, '');
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/g)) {
    const [, close, name, rest] = m;
    if (rest!.endsWith('/')) continue;
    if (close) {
      const open = stack.pop();
      if (open !== name) return `</${name}> closes <${open ?? 'nothing'}> at offset ${m.index}`;
    } else stack.push(name!);
  }
  return stack.length ? `unclosed <${stack.join('> <')}>` : null;
}

/** The results in a seeded random order. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  const rng = deriveRng(seed, 'test-shuffle');
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('writeLeaderboard', () => {
  const dirA = mkdtempSync(join(tmpdir(), 'orchbench-lb-a-'));
  const dirB = mkdtempSync(join(tmpdir(), 'orchbench-lb-b-'));
  const results = fixtureResults();
  let lb: Leaderboard;
  const read = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8');

  beforeAll(async () => {
    await writeLeaderboard(dirA, results, META, TEST_STATS);
    // Same results in another order (workers finish in any order): the files must not change.
    await writeLeaderboard(dirB, shuffled(results, 1), META, TEST_STATS);
    lb = readLeaderboard(join(dirA, 'leaderboard.json'));
  });
  afterAll(() => {
    rmSync(dirA, { recursive: true, force: true });
    rmSync(dirB, { recursive: true, force: true });
  });

  it('writes a leaderboard.json that validates against its schema, and the schema rejects a broken one', () => {
    expect(schemaIssues('leaderboard', lb, 'leaderboard.json')).toEqual([]);
    const broken = JSON.parse(read(dirA, 'leaderboard.json')) as Record<string, unknown>;
    delete broken.failures;
    (broken.statistics as { confidence: number }).confidence = 95;
    const pointers = schemaIssues('leaderboard', broken, 'x').map((i) => i.pointer);
    expect(pointers).toContain('/failures');
    expect(pointers).toContain('/statistics/confidence');
  });

  it('is byte-identical for identical input, whatever the order of the results', () => {
    for (const f of ['leaderboard.json', 'leaderboard.md', 'leaderboard.html']) expect(read(dirB, f), f).toBe(read(dirA, f));
  });

  it('lists every failed job with its reason and leaves it out of the statistics', () => {
    const sub = AGENTS.find((a) => a.kind === 'submission')!;
    expect(lb.failures).toHaveLength(sub.failSeeds!.length * SCENARIOS.length);
    expect(lb.failures.every((f) => f.agent === sub.name && f.reason.includes('time limit'))).toBe(true);
    const cell = lb.cells.find((c) => c.agent === sub.name)!;
    expect(cell.seeds).not.toContain(sub.failSeeds![0]);
    expect(cell.failed).toBe(1);
    expect(read(dirA, 'leaderboard.md')).toContain('time limit exceeded');
  });

  it('escapes a failure reason that is a Markdown link: it shows as text, never as a link', () => {
    const link = '[click](javascript:alert(1))';
    const md = toMarkdown({ ...lb, failures: lb.failures.map((f) => ({ ...f, reason: link })) });
    expect(md).toContain('[click\\](javascript:alert(1))');
    expect(md).not.toMatch(/[^\\]\]\(/);
    // A line that would define a link reference is escaped too.
    expect(toMarkdown({ ...lb, title: '[x]: javascript:alert(1)' })).toContain('# \\[x]: javascript');
  });

  it('marks submissions as such', () => {
    expect(lb.agents.find((a) => a.id === 'my-submission')!.kind).toBe('submission');
    expect(read(dirA, 'leaderboard.md')).toContain('my-submission (submission)');
  });

  it('ranks each objective in its own direction', () => {
    const order = (metric: string) => lb.rankings.objectives.find((o) => o.metric === metric)!.order.map((e) => e.agent);
    // Fixture skills: hybrid > dqn > random; latency and energy fall with skill.
    expect(order('normalisedAuc')[0]).toBe('hybrid');
    expect(order('normalisedAuc').at(-1)).toBe('dqn');
    expect(order('evalMeanLatencyMs')[0]).toBe('hybrid');
    expect(lb.rankings.overall.order[0]!.agent).toBe('hybrid');
    // random is a reference (the 0 of the scale): shown in its own band, never ranked.
    expect(order('normalisedAuc')).not.toContain('random');
    expect(lb.rankings.overall.unranked.find((u) => u.agent === 'random')!.reason).toMatch(/reference of the normalised scale \(0\)/);
    // The overall rank is the rank by the normalised evaluation reward (the scenario's own reward).
    expect(lb.rankings.overall.order).toEqual(lb.rankings.objectives.find((o) => o.metric === 'normalisedEvalReward')!.order);
    expect(lb.rankings.sampleEfficiency.order).toEqual(lb.rankings.objectives.find((o) => o.metric === 'interactionsToThreshold')!.order);
  });

  it('counts a run that never reaches the threshold as the whole budget and reports the reach rate', () => {
    const random = lb.aggregates.find((a) => a.agent === 'random')!;
    expect(random.reach.reached).toBe(0);
    expect(random.metrics.interactionsToThreshold.iqm.point).toBe(REAL_STEPS);
    const hybrid = lb.aggregates.find((a) => a.agent === 'hybrid')!;
    expect(hybrid.reach.rate).toBeGreaterThan(0);
    expect(hybrid.metrics.interactionsToThreshold.iqm.point).toBeLessThan(REAL_STEPS);
  });

  it('gives intervals that contain their point estimates and curves at log-spaced checkpoints', () => {
    for (const c of lb.cells) {
      for (const e of Object.values(c.metrics)) {
        expect(e.iqm.lo).toBeLessThanOrEqual(e.iqm.point + 1e-12);
        expect(e.iqm.hi).toBeGreaterThanOrEqual(e.iqm.point - 1e-12);
      }
      expect(c.curve.checkpoints.at(-1)).toBe(REAL_STEPS);
      c.curve.lo.forEach((lo, i) => expect(lo).toBeLessThanOrEqual(c.curve.hi[i]!));
    }
    // The submission lost one seed per scenario: its aggregate matrix is one run shorter.
    expect(lb.aggregates.find((a) => a.agent === 'my-submission')!.runsPerScenario).toBe(SEEDS.length - 1);
  });

  it('reports the probability of improvement for every pair, above one half for the stronger agent', () => {
    const n = AGENTS.length;
    expect(lb.improvement.pairs).toHaveLength((n * (n - 1)) / 2);
    const p = lb.improvement.pairs.find((x) => x.x === 'dqn' && x.y === 'random')!;
    expect(p.probability.point).toBeGreaterThan(0.9);
  });

  it('writes a self-contained, well-formed HTML page naming every agent and scenario', () => {
    const html = read(dirA, 'leaderboard.html');
    expect(wellFormedProblem(html)).toBeNull();
    for (const a of AGENTS) expect(html).toContain(a.name);
    for (const s of SCENARIOS) expect(html).toContain(`id="scenario-${s}"`);
    expect(html).not.toMatch(/\ssrc\s*=/i);
    for (const m of html.matchAll(/\shref\s*=\s*"([^"]*)"/gi)) expect(m[1]).toMatch(/^#/);
    expect(html).not.toMatch(/<script|<link\s/i);
    const figures = [...html.matchAll(/<figure class="plot"[^>]*data-plot="([^"]+)"/g)].map((m) => m[1]);
    expect(figures.sort()).toEqual(lb.plots.map((p) => p.id).sort());
    expect(html).toContain(META.command);
  });

  it('keeps the vega-lite specs, with their data, in the JSON', () => {
    const curves = lb.plots.filter((p) => p.id.startsWith('learning-curves-'));
    expect(curves).toHaveLength(SCENARIOS.length);
    const values = (curves[0]!.spec.data as { values: { agent: string }[] }).values;
    expect(new Set(values.map((v) => v.agent))).toEqual(new Set(AGENTS.map((a) => a.name)));
  });
});

describe('paretoFront', () => {
  const agg = (agent: string, latencyMs: number, energyMj: number): Aggregate => ({
    agent,
    metrics: {
      evalMeanLatencyMs: { iqm: { point: latencyMs, lo: latencyMs, hi: latencyMs } },
      deviceEnergyMj: { iqm: { point: energyMj, lo: energyMj, hi: energyMj } },
    },
  }) as unknown as Aggregate;

  it('keeps exactly the points no other point beats on both latency and energy', () => {
    const front = paretoFront([agg('fast', 10, 50), agg('frugal', 40, 5), agg('dominated', 45, 60), agg('middle', 20, 20), agg('tie', 20, 20)]);
    expect([...front].sort()).toEqual(['fast', 'frugal', 'middle', 'tie']);
  });
});

describe('runMetaFromManifest', () => {
  it('quotes the command for a shell and lists the seeds actually run', () => {
    const manifest = {
      command: ['orchbench', 'run', '--agents', 'dqn,hybrid', '--out', 'my results'],
      harnessVersion: '0.1.0', nodeVersion: 'v20.20.2', suite: 'testing', agents: ['dqn', 'hybrid'], scenarios: SCENARIOS,
      seeds: 2, rootSeed: 7, jobsPlanned: 12, jobsInSlice: 12,
    };
    const meta = runMetaFromManifest(manifest, fixtureResults(AGENTS.slice(0, 1), SCENARIOS, [9, 4]));
    expect(meta.command).toBe("orchbench run --agents dqn,hybrid --out 'my results'");
    expect(meta.seeds).toEqual([4, 9]);
    expect(meta.rootSeed).toBe(7);
  });
});

describe('buildLeaderboard with failures everywhere', () => {
  it('still validates, lists every failure and leaves an agent whose jobs all failed unranked', () => {
    const broken: FixtureAgent[] = [
      { name: 'crashy', skill: 0.5, tau: 100, failSeeds: SEEDS },
      { name: 'half', skill: 0.5, tau: 100 },
    ];
    const lb = buildLeaderboard(fixtureResults(broken, SCENARIOS, SEEDS), META, TEST_STATS);
    expect(schemaIssues('leaderboard', lb, 'leaderboard.json')).toEqual([]);
    expect(lb.failures).toHaveLength(SEEDS.length * SCENARIOS.length);
    expect(lb.rankings.overall.unranked).toEqual([{ agent: 'crashy', reason: 'no successful run on any scenario' }]);
    expect(lb.rankings.overall.order.map((e) => e.agent)).toEqual(['half']);
  });

  it('draws no learning curve for a scenario without a successful run', () => {
    const results = fixtureResults([{ name: 'crashy', skill: 0.5, tau: 100, failSeeds: SEEDS }], ['edge-light'], SEEDS)
      .concat(fixtureResults([{ name: 'ok', skill: 0.5, tau: 100 }], ['crowded-edge'], SEEDS));
    const lb = buildLeaderboard(results, META, TEST_STATS);
    expect(lb.plots.map((p) => p.id)).not.toContain('learning-curves-edge-light');
    expect(lb.plots.map((p) => p.id)).toContain('learning-curves-crowded-edge');
    // 'ok' ran on one of the two scenarios only: not ranked, with the reason.
    expect(lb.rankings.overall.unranked).toEqual([
      { agent: 'crashy', reason: 'no successful run on any scenario' },
      { agent: 'ok', reason: 'no successful run on edge-light' },
    ]);
  });
});
