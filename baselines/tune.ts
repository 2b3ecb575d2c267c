/**
 * The documented hyperparameter search of the learning baselines, on the tuning suite only
 * (`scenarios/tuning/*`, never the default or recorded scenarios) and on tuning seeds that the
 * runner never uses (1000, 1001, ...). Every learning baseline gets the same treatment: a small
 * grid, each point run on every tuning scenario and seed, scored by
 *   score = mean over (scenario, seed) of (normalised learning AUC + normalised eval reward) / 2,
 * both normalised between the random policy (0) and the clairvoyant reference (1) on the same scenario and seed.
 * The chosen values and searched ranges are copied by hand into each agent's DEFAULT_CONFIG
 * comment.
 *
 * Usage: `node --import tsx baselines/tune.ts q-learning|bandit [--variant full|testing] [--seeds 3]`
 */
import { parseArgs } from 'node:util';
import type { AgentFactory } from '../harness/agent.ts';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { runEpisode } from '../harness/env/episode.ts';
import { loadSuite } from '../harness/scenario/load.ts';
import { normalise, normalisedAuc } from '../harness/score/curves.ts';
import { loadBaseline } from './index.ts';
import { referenceRewards } from '../harness/score/job.ts';

type Grid = Record<string, unknown[]>;

/** The searched grids (the ranges recorded in each agent's config comment). */
const GRIDS: Record<string, Grid[]> = {
  // Two stages: step size, discount and exploration with the default bins, then the bins.
  'q-learning': [
    { learningRate: [0.05, 0.1, 0.2, 0.4], discount: [0, 0.1, 0.3], epsilonEnd: [0.003, 0.01, 0.05], epsilonDecayFraction: [0.03, 0.1, 0.3, 0.6] },
    {
      bins: [
        [10, 4, 1, 4, 1, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1],
        [20, 8, 1, 8, 1, 8, 4, 1, 1, 1, 1, 1, 1, 1, 1],
        [20, 16, 1, 8, 1, 16, 8, 1, 1, 1, 1, 1, 1, 1, 1],
        // With the causal-feedback features: the user's device backlog and the edge in-flight load.
        [20, 8, 1, 8, 1, 8, 4, 1, 1, 3, 1, 4, 1, 1, 1],
        // With the v2 battery's state of charge.
        [20, 8, 1, 8, 1, 8, 4, 1, 1, 1, 1, 1, 1, 4, 1],
      ],
    },
  ],
  bandit: [{ alpha: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3], ridgeLambda: [0.001, 0.01, 0.1, 1] }],
};

const WINDOW = 200;

/** Every combination of the grid's values. */
function points(grid: Grid): Record<string, unknown>[] {
  return Object.entries(grid).reduce<Record<string, unknown>[]>(
    (acc, [key, values]) => acc.flatMap((p) => values.map((v) => ({ ...p, [key]: v }))),
    [{}],
  );
}

interface Case {
  env: OrchestrationEnv;
  seed: number;
  learn: { randomRef: number; oracleRef: number };
  evalRefs: { random: number; oracle: number };
}


async function cases(variant: 'full' | 'testing', seeds: number): Promise<Case[]> {
  const out: Case[] = [];
  for (const scenario of await loadSuite('tuning', { variant })) {
    const env = new OrchestrationEnv(scenario);
    for (let k = 0; k < seeds; k++) {
      const seed = 1000 + k;
      // The same references as every job (random = 0, the clairvoyant reference = 1).
      const r = referenceRewards(scenario, seed);
      out.push({ env, seed, learn: { randomRef: r.randomReward, oracleRef: r.oracleReward }, evalRefs: { random: r.evalRefs.randomReward, oracle: r.evalRefs.oracleReward } });
    }
  }
  return out;
}

async function score(factory: AgentFactory, config: Record<string, unknown>, all: Case[]): Promise<{ auc: number; evalNorm: number; score: number }> {
  let auc = 0;
  let evalNorm = 0;
  for (const c of all) {
    const res = runEpisode(c.env, await factory({ env: c.env.spec, seed: c.seed, config }), c.seed);
    auc += normalisedAuc(res.learningRewards, { ...c.learn, window: WINDOW });
    evalNorm += normalise(res.eval.meanReward, c.evalRefs.random, c.evalRefs.oracle);
  }
  auc /= all.length;
  evalNorm /= all.length;
  return { auc, evalNorm, score: (auc + evalNorm) / 2 };
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { variant: { type: 'string', default: 'full' }, seeds: { type: 'string', default: '3' } } });
  const agent = positionals[0] ?? '';
  const stages = GRIDS[agent];
  if (!stages) throw new Error(`usage: tune.ts <${Object.keys(GRIDS).join('|')}> [--variant full|testing] [--seeds N]`);
  const variant = values.variant === 'testing' ? 'testing' : 'full';
  const all = await cases(variant, Number(values.seeds));
  const factory = await loadBaseline(agent);
  let best: Record<string, unknown> = {};
  for (const [i, grid] of stages.entries()) {
    const rows = [];
    for (const p of points(grid)) rows.push({ config: { ...best, ...p }, ...(await score(factory, { ...best, ...p }, all)) });
    rows.sort((a, b) => b.score - a.score);
    console.log(`# ${agent}, stage ${i + 1}, ${variant} variant, ${all.length} (scenario, seed) cases`);
    for (const r of rows) console.log(`${r.score.toFixed(4)}  auc ${r.auc.toFixed(4)}  eval ${r.evalNorm.toFixed(4)}  ${JSON.stringify(r.config)}`);
    best = rows[0]!.config;
  }
  console.log(`# chosen: ${JSON.stringify(best)}`);
}

await main();
