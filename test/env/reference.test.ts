/**
 * The clairvoyant reference is an upper reference: on every default and recorded scenario
 * (testing variants, 5 seeds), no baseline's evaluation reward exceeds the reference's beyond
 * the paired bootstrap interval of the per-seed difference (same seed = same requests, traces and
 * offsets for both). The neural agents (dqn, hybrid, dqn-informed) cost minutes per scenario to
 * run, so they are checked on their published, verifiable results of the default testing variants
 * (leaderboard/hl-speedup-v3-testing, 5 seeds): their recorded evaluation reward against the
 * recorded myopic reference (`evalRefs.oracleReward`, the same value `myopicReference` computes:
 * bench/rescale.ts recomputes it bit for bit), and against the upper bound recomputed here, which
 * none may exceed at all. The planning reference's value is at least the myopic one, so a result
 * not above the myopic reference is not above the planning reference either.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BASELINES, listBaselines, loadBaseline } from '../../baselines/index.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { myopicReference } from '../../harness/reference/index.ts';
import { aboveBound, upperBound } from '../../harness/reference/bound.ts';
import { loadScenario, loadSuite } from '../../harness/scenario/load.ts';
import { stratifiedBootstrap } from '../../harness/stats/index.ts';
import { PACKAGE_ROOT } from '../../harness/version.ts';

const SEEDS = [1, 2, 3, 4, 5];
const NEURAL = ['dqn', 'hybrid', 'dqn-informed'];
const competitors = listBaselines().filter((n) => !BASELINES[n]!.reference && !NEURAL.includes(n));

describe('the clairvoyant reference is not beaten beyond the bootstrap interval', () => {
  for (const suite of ['default', 'recorded'] as const) {
    it(`${suite} suite, testing variants, ${SEEDS.length} seeds: ${competitors.join(', ')}`, async () => {
      const beaten: string[] = [];
      for (const scenario of await loadSuite(suite, { variant: 'testing' })) {
        const env = new OrchestrationEnv(scenario);
        const reference = SEEDS.map((s) => myopicReference(env, (agent) => runEpisode(env, agent, s, { learningDecisions: 0 }).eval.meanReward));
        for (const name of competitors) {
          const factory = await loadBaseline(name);
          const diff = await Promise.all(SEEDS.map(async (s, i) => {
            const agent = await factory({ env: env.spec, seed: s, ...(BASELINES[name]!.privileged ? { simulator: env } : {}) } as never);
            const learn = BASELINES[name]!.learning ? {} : { learningDecisions: 0 };
            const r = runEpisode(env, agent, s, learn).eval.meanReward - reference[i]!;
            agent.dispose?.();
            return [r];
          }));
          const ci = stratifiedBootstrap([diff], (m) => m.reduce((t, row) => t + row[0]!, 0) / m.length, { seed: 7, reps: 1000, labels: [scenario.id, name] });
          if (ci.lo > 0) beaten.push(`${scenario.id}: ${name} beats the reference by ${ci.point} [${ci.lo}, ${ci.hi}] reward per request`);
        }
      }
      expect(beaten).toEqual([]);
    }, 600_000);
  }
});

describe('the neural agents on their published default-suite results (testing variants, 5 seeds)', () => {
  it(`${NEURAL.join(', ')}: not above the reference beyond the bootstrap interval, never above the upper bound`, async () => {
    interface Line { agent: string; scenario: string; variant: 'testing'; seed: number; provenance: { scenarioFile: string }; metrics: { eval: { meanReward: number; decisions: number }; evalRefs: { oracleReward: number } } }
    const lines = readFileSync(path.join(PACKAGE_ROOT, 'leaderboard/hl-speedup-v3-testing/results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line).filter((l) => NEURAL.includes(l.agent));
    expect(new Set(lines.map((l) => l.agent))).toEqual(new Set(NEURAL));
    const beaten: string[] = [];
    const groups = new Map<string, Line[]>();
    for (const l of lines) groups.set(`${l.scenario}/${l.agent}`, [...(groups.get(`${l.scenario}/${l.agent}`) ?? []), l]);
    const bounds = new Map<string, number>();
    for (const [key, group] of groups) {
      expect(group.length).toBe(5);
      for (const l of group) {
        const bk = `${l.scenario}/${l.seed}`;
        if (!bounds.has(bk)) {
          const env = new OrchestrationEnv(await loadScenario(path.join(PACKAGE_ROOT, l.provenance.scenarioFile), { variant: l.variant }));
          bounds.set(bk, upperBound(env, l.seed, 'eval', l.metrics.eval.decisions).meanReward);
        }
        if (aboveBound(l.metrics.eval.meanReward, bounds.get(bk)!)) beaten.push(`${key} seed ${l.seed}: above the upper bound`);
      }
      const diff = group.map((l) => [l.metrics.eval.meanReward - l.metrics.evalRefs.oracleReward]);
      const ci = stratifiedBootstrap([diff], (m) => m.reduce((t, row) => t + row[0]!, 0) / m.length, { seed: 7, reps: 1000, labels: key.split('/') });
      if (ci.lo > 0) beaten.push(`${key}: beats the reference by ${ci.point} [${ci.lo}, ${ci.hi}] reward per request`);
    }
    expect(beaten).toEqual([]);
  }, 120_000);
});
