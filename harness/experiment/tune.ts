/**
 * The hyperparameter search behind the DQN and Hybrid Learner defaults, on the tuning scenarios
 * only (`scenarios/tuning/*`, testing budgets; never default or recorded scenarios or their
 * seeds). Every configuration gets the same seeds (common random numbers); configurations are
 * ranked by mean normalised AUC (a continuous score; interactions-to-threshold is shown beside it).
 *
 * Run: `node --import tsx harness/experiment/tune.ts dqn|hybrid [seeds=2]` (prints one line per
 * configuration; the chosen values are recorded in the agent's config comment).
 */
import type { AgentFactory } from '../agent.ts';
import { deriveSeed } from '../rng.ts';
import { loadSuite } from '../scenario/load.ts';
import { scoreJob } from '../score/job.ts';

/**
 * The grid searched per agent (the cartesian product of the listed values), over the agent's
 * current defaults. The hybrid's grid has as many points as the DQN's (10); it is for the rewritten
 * Hybrid Learner and has not been run yet.
 */
export const SEARCH_SPACE: Record<'dqn' | 'hybrid', Record<string, unknown[]>> = {
  dqn: { gamma: [0, 0.5], epsilonDecaySteps: [125, 250, 500, 1000, 3000] },
  hybrid: { posteriorScale: [0.25, 0.5, 1, 2, 4], untrustedPosteriorScale: [1, 2] },
};

/** Every combination of a grid, in a fixed order. */
export function gridConfigs(space: Record<string, unknown[]>): Record<string, unknown>[] {
  return Object.entries(space).reduce<Record<string, unknown>[]>(
    (acc, [key, values]) => acc.flatMap((c) => values.map((v) => ({ ...c, [key]: v }))),
    [{}],
  );
}

/** Seed `i` of the tuning runs: a different stream from every evaluation seed. */
export function tuningSeed(i: number): number {
  return deriveSeed(101, 'tuning-seed', i);
}

/** One configuration's scores over the tuning scenarios and seeds. */
export interface TuningRow {
  config: Record<string, unknown>;
  meanAuc: number;
  /** Interactions to threshold per run (null = not reached). */
  interactions: (number | null)[];
}

/** Runs the grid of `agent` on the tuning suite (testing budgets), `seeds` seeds per scenario. */
export async function tune(agent: 'dqn' | 'hybrid', seeds: number): Promise<TuningRow[]> {
  const factory = ((await import(`../../baselines/${agent}.ts`)) as { createAgent: AgentFactory }).createAgent;
  const scenarios = await loadSuite('tuning', { variant: 'testing' });
  const rows: TuningRow[] = [];
  for (const config of gridConfigs(SEARCH_SPACE[agent])) {
    const aucs: number[] = [];
    const interactions: (number | null)[] = [];
    for (const s of scenarios) {
      for (let i = 0; i < seeds; i++) {
        const { metrics } = await scoreJob(s, factory, tuningSeed(i), { config });
        aucs.push(metrics.normalisedAuc);
        interactions.push(metrics.interactionsToThreshold);
      }
    }
    rows.push({ config, meanAuc: aucs.reduce((a, b) => a + b, 0) / aucs.length, interactions });
    process.stdout.write(`${JSON.stringify(rows[rows.length - 1])}\n`);
  }
  return rows.sort((a, b) => b.meanAuc - a.meanAuc);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const agent = process.argv[2];
  if (agent !== 'dqn' && agent !== 'hybrid') throw new Error('usage: tune.ts dqn|hybrid [seeds]');
  const best = await tune(agent, Number(process.argv[3] ?? 2));
  process.stdout.write(`best: ${JSON.stringify(best[0])}\n`);
}
