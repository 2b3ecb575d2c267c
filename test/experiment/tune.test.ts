/** The recorded hyperparameter search (`harness/experiment/tune.ts`). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBaseline, loadDefaultConfig } from '../../baselines/index.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { checkSpaces, DEFAULT_SEARCH_AGENTS, greedyLogAuc, runSearches, sampleConfigs, SEARCH_SPACES, type SearchRecord } from '../../harness/experiment/tune.ts';
import { loadSuite, TUNING_SUITES } from '../../harness/scenario/load.ts';

describe('search spaces', () => {
  it("declare the DQN's learningStarts, trainEvery, targetUpdateEvery and learning rate; as many fields for the hybrid; shared fields with the same range", () => {
    for (const f of ['learningStarts', 'trainEvery', 'targetUpdateEvery', 'learningRate']) expect(SEARCH_SPACES.dqn![f], f).toBeDefined();
    expect(Object.keys(SEARCH_SPACES.hybrid!).length).toBe(Object.keys(SEARCH_SPACES.dqn!).length);
    for (const f of Object.keys(SEARCH_SPACES.hybrid!).filter((k) => k in SEARCH_SPACES.dqn!)) {
      expect(SEARCH_SPACES.hybrid![f], f).toEqual(SEARCH_SPACES.dqn![f]);
    }
  });

  it('declare the v4 searches with equal effort: 7 fields each, the two DQNs the same space, the Q step and discount of hybrid-v4 as theirs', () => {
    const [dqn, informed, hybrid] = (['dqn-v4', 'dqn-informed', 'hybrid-v4'] as const).map((a) => SEARCH_SPACES[a]!);
    for (const space of [dqn, informed, hybrid]) expect(Object.keys(space!)).toHaveLength(7);
    expect(informed).toEqual(dqn);
    expect(hybrid!.gamma).toEqual(dqn!.gamma);
    expect(hybrid!.valueLearningRate).toEqual(dqn!.learningRate);
    expect((dqn!.gamma as { choice: number[] }).choice).toContain(0.95);
    // What `tune --suite tuning-v4` searches when no agents are named: these three, each with its space.
    expect(DEFAULT_SEARCH_AGENTS['tuning-v4']).toEqual(['dqn-v4', 'dqn-informed', 'hybrid-v4']);
    for (const suite of TUNING_SUITES) for (const a of DEFAULT_SEARCH_AGENTS[suite]) expect(SEARCH_SPACES[a], `${suite}: ${a}`).toBeDefined();
  });

  it("name only fields the agents' configs have (a stale declaration fails here, not hours into a search)", async () => {
    const [scenario] = await loadSuite('tuning', { variant: 'testing' });
    for (const agent of Object.keys(SEARCH_SPACES)) {
      const config = sampleConfigs(agent, SEARCH_SPACES[agent]!, 2)[1]!;
      const a = await (await loadBaseline(agent))({ env: new OrchestrationEnv(scenario!).spec, seed: 1, config });
      a.dispose?.();
    }
  }, 60_000);

  it('sample the defaults first, then seeded draws within the declared ranges, the same for the same budget', () => {
    const space = { a: { choice: [1, 2, 3] }, b: { logUniform: [1e-4, 1e-2] as const }, c: { uniform: [10, 20] as const, integer: true } };
    const configs = sampleConfigs('x', space, 50);
    expect(configs[0]).toEqual({});
    expect(configs).toHaveLength(50);
    for (const c of configs.slice(1)) {
      expect([1, 2, 3]).toContain(c.a);
      expect(c.b as number).toBeGreaterThanOrEqual(1e-4);
      expect(c.b as number).toBeLessThanOrEqual(1e-2);
      expect(Number.isInteger(c.c)).toBe(true);
      expect(c.c as number).toBeGreaterThanOrEqual(10);
      expect(c.c as number).toBeLessThanOrEqual(20);
    }
    expect(sampleConfigs('x', space, 50)).toEqual(configs);
    // A larger budget extends the same search.
    expect(sampleConfigs('x', space, 60).slice(0, 50)).toEqual(configs);
    expect(new Set(configs.slice(1).map((c) => c.a)).size).toBe(3);
    // With the agent's defaults, trial 0 records the searched fields' values (and only those); the draws do not change.
    const withDefaults = sampleConfigs('x', space, 50, { a: 2, c: 15, unsearched: true });
    expect(withDefaults[0]).toEqual({ a: 2, c: 15 });
    expect(withDefaults.slice(1)).toEqual(configs.slice(1));
  });

  it('reject a bad space file with JSON pointers', () => {
    expect(() => checkSpaces({ dqn: { learningRate: { logUniform: [0, 1] } }, nope: {} }, 'space.json')).toThrow(/space\.json#\/dqn\/learningRate[\s\S]*space\.json#\/nope/);
  });
});

describe('greedyLogAuc', () => {
  it('is the trapezoid area over log interactions divided by the log span (hand-computed)', () => {
    // 0 at 10, 1 at 100, 1 at 1000: area = 0.5 ln 10 + 1 ln 10 over 2 ln 10 = 0.75.
    expect(greedyLogAuc([10, 100, 1000], [0, 1, 1])).toBeCloseTo(0.75, 12);
    // The checkpoint at 0 (the untrained policy) has no place on a log axis: left out, not infinite.
    expect(greedyLogAuc([0, 10, 100, 1000], [-5, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(greedyLogAuc([0, 10], [-5, 0.4])).toBe(0.4);
    expect(greedyLogAuc([50], [0.4])).toBe(0.4);
  });
});

describe('runSearches (smoke: cheap agents, testing variant, tiny budget)', () => {
  it('runs the same budget for every agent on the tuning suite asked for (here tuning-v4) only and writes the records', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tune-'));
    try {
      const spaceFile = join(out, 'space.json');
      writeFileSync(spaceFile, JSON.stringify({ 'greedy-heuristic': { assumedWanRttMs: { choice: [20, 40] } }, bandit: { alpha: { logUniform: [0.01, 0.3] } } }));
      const records = await runSearches({ agents: ['greedy-heuristic', 'bandit'], budget: 2, seeds: 1, variant: 'testing', suite: 'tuning-v4', spaceFile, workers: 1, outDir: out });
      expect(records.map((r) => r.agent)).toEqual(['greedy-heuristic', 'bandit']);
      const v4 = (await loadSuite('tuning-v4', { variant: 'testing' })).map((s) => s.id);
      for (const r of records) {
        expect(r.suite).toBe('tuning-v4');
        expect(r.scenarios).toEqual(v4);
        expect(r.budget).toBe(2);
        expect(r.trials).toHaveLength(2);
        // Trial 0: the defaults at search time, by value (the searched field only).
        const defaults = (await loadDefaultConfig(r.agent))!;
        const field = r.agent === 'greedy-heuristic' ? 'assumedWanRttMs' : 'alpha';
        expect(r.trials[0]!.config).toEqual({ [field]: defaults[field] });
        for (const t of r.trials) {
          expect(t.cases).toHaveLength(r.scenarios.length);
          expect(t.score).not.toBeNull();
        }
        expect(r.best!.score).toBe(Math.max(...r.trials.map((t) => t.score!)));
        const saved = JSON.parse(readFileSync(join(out, `search-${r.agent}.json`), 'utf8')) as SearchRecord;
        expect(saved).toEqual(JSON.parse(JSON.stringify(r)));
      }
      expect(readFileSync(join(out, 'search.md'), 'utf8')).toContain('same budget for every agent: 2 configurations');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);
});
