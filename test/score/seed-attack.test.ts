/**
 * The attack of issue 18, end to end: an agent that embeds the public seed derivation recovers its
 * episode from its first observation and predicts every hidden compute draw. In an open run the
 * attack works (and this test would catch a harness where it stopped working for the wrong reason);
 * in a sealed run it predicts nothing and gains nothing.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Agent, AgentContext } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import type { Seed } from '../../harness/rng.ts';
import { episodeSeed } from '../../harness/runner/plan.ts';
import { sealedEpisodeKey, type RunSecret } from '../../harness/runner/sealed.ts';
import { loadScenario, resolveScenarioFile } from '../../harness/scenario/load.ts';
import { scoreJob } from '../../harness/score/job.ts';
import { pairedBootstrap } from '../../harness/stats/bootstrap.ts';
import { createSeedAttack } from './fixtures/seed-attack.ts';

const SCENARIO = 'lte-driving-4u-battery-v3';
const scenario = await loadScenario(resolveScenarioFile(SCENARIO), { variant: 'testing' });
// A fixed secret keeps the test deterministic; a real sealed run draws a fresh one.
const hex = (s: string): string => createHash('sha256').update(s).digest('hex');
const SECRET: RunSecret = { runId: hex('run').slice(0, 32), secret: hex('seed-attack test secret') };
const attack = (predict: boolean) => (ctx: AgentContext) => createSeedAttack(ctx, { predict, publicScenario: scenario, rootSeeds: [0], jobIndices: 100 });
const SEEDS = 6;
const REQUESTS = 1000;

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Predicted and realised compute draws of the first REQUESTS learning decisions. */
function draws(seed: Seed): { predicted: number[]; realised: number[]; found: boolean } {
  const env = new OrchestrationEnv(scenario);
  const ctx = { env: env.spec, seed: 0 };
  const a = createSeedAttack(ctx, { predict: true, publicScenario: scenario, rootSeeds: [0], jobIndices: 100 });
  const predicted: number[] = [];
  const realised: number[] = [];
  const probe: Agent = {
    name: 'probe',
    act(obs) {
      // The draw the environment holds for the pending request (private: read here only to score the attack).
      if (realised.length < REQUESTS) {
        realised.push((env as unknown as { curDraw: number }).curDraw);
        predicted.push(a.prediction(obs));
      }
      return a.act(obs);
    },
  };
  runEpisode(env, probe, seed, { learningDecisions: REQUESTS, evaluationDecisions: 1 });
  return { predicted, realised, found: a.found() };
}

/** Attacker minus honest twin, normalised evaluation reward, per seed, and its paired bootstrap interval. */
async function gain(seeds: readonly Seed[]): Promise<{ diffs: number[]; attack: number; twin: number; interval: { point: number; lo: number; hi: number } }> {
  const diffs: number[] = [];
  let attackSum = 0;
  let twinSum = 0;
  for (const seed of seeds) {
    const [att, twin] = [await scoreJob(scenario, attack(true), seed, { checkpointEval: false }), await scoreJob(scenario, attack(false), seed, { checkpointEval: false })];
    diffs.push(att.metrics.normalisedEvalReward - twin.metrics.normalisedEvalReward);
    attackSum += att.metrics.normalisedEvalReward;
    twinSum += twin.metrics.normalisedEvalReward;
  }
  const mean = (x: Float64Array): number => x.reduce((s, v) => s + v, 0) / x.length;
  return { diffs, attack: attackSum / seeds.length, twin: twinSum / seeds.length, interval: pairedBootstrap([diffs], mean, { seed: 18, labels: ['seed-attack'] }) };
}

describe('the seed attack', () => {
  it('works in an open run: it finds its episode, predicts the compute draws (r > 0.99) and beats its honest twin beyond the paired interval', async () => {
    const d = draws(episodeSeed(0, 7));
    expect(d.found).toBe(true);
    expect(d.predicted).toHaveLength(REQUESTS);
    const r = pearson(d.predicted, d.realised);
    console.log(`open: correlation of predicted and realised compute draws over ${REQUESTS} requests: ${r.toFixed(4)}`);
    expect(r).toBeGreaterThan(0.99);
    const g = await gain(Array.from({ length: SEEDS }, (_, i) => episodeSeed(0, i)));
    console.log(`open: normalised eval reward, attack ${g.attack.toFixed(3)}, honest twin ${g.twin.toFixed(3)}`);
    console.log(`open: attack - honest twin (normalised eval reward) per seed ${g.diffs.map((x) => x.toFixed(3)).join(' ')}; mean ${g.interval.point.toFixed(3)} [${g.interval.lo.toFixed(3)}, ${g.interval.hi.toFixed(3)}]`);
    expect(g.interval.lo).toBeGreaterThan(0);
  }, 600_000);

  it('fails in a sealed run: no candidate matches, its predictions are chance (r < 0.05 over 1,000 requests) and it is no better than its twin', async () => {
    const d = draws(sealedEpisodeKey(SECRET, 7));
    expect(d.found).toBe(false);
    const r = pearson(d.predicted, d.realised);
    console.log(`sealed: correlation of predicted and realised compute draws over ${REQUESTS} requests: ${r.toFixed(4)}`);
    expect(r).toBeLessThan(0.05);
    const g = await gain(Array.from({ length: SEEDS }, (_, i) => sealedEpisodeKey(SECRET, i)));
    console.log(`sealed: normalised eval reward, attack ${g.attack.toFixed(3)}, honest twin ${g.twin.toFixed(3)}`);
    console.log(`sealed: attack - honest twin per seed ${g.diffs.map((x) => x.toFixed(3)).join(' ')}; mean ${g.interval.point.toFixed(3)} [${g.interval.lo.toFixed(3)}, ${g.interval.hi.toFixed(3)}]`);
    expect(g.interval.lo).toBeLessThanOrEqual(0);
  }, 600_000);
});
