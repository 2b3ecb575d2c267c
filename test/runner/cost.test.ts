import { describe, expect, it } from 'vitest';
import { CostModel, DEFAULT_PRIOR_MS_PER_KILO_DECISION, etaMs, PRIOR_JOB_OVERHEAD_MS, PRIOR_MS_PER_KILO_DECISION } from '../../harness/runner/cost.ts';
import { groupByEpisode } from '../../harness/runner/execute.ts';
import { formatEta } from '../../harness/runner/progress.ts';
import type { PlannedJob } from '../../harness/runner/types.ts';
import { listBaselines } from '../../baselines/index.ts';
import { fakePlan, fakeSpecs } from './fixtures/fake-job.ts';

const job = (agent: string, decisions: number, scenario = 's', seed = 0): PlannedJob => ({ ...fakePlan(fakeSpecs([agent], [scenario], 1).map((s) => ({ ...s, seed })))[0]!, decisions });

describe('expected job cost', () => {
  it('has a prior for every baseline, and the neural agents cost the most per decision', () => {
    for (const name of listBaselines()) expect(PRIOR_MS_PER_KILO_DECISION[name], name).toBeGreaterThan(0);
    expect(CostModel.priorMs(job('dqn', 20_000))).toBeGreaterThan(10 * CostModel.priorMs(job('greedy-heuristic', 20_000)));
    // A fixed part plus a part that scales with the budget.
    expect(CostModel.priorMs(job('dqn', 4000)) - PRIOR_JOB_OVERHEAD_MS).toBeCloseTo(4 * (CostModel.priorMs(job('dqn', 1000)) - PRIOR_JOB_OVERHEAD_MS), 9);
    expect(CostModel.priorMs(job('my-submission', 1000))).toBe(PRIOR_JOB_OVERHEAD_MS + DEFAULT_PRIOR_MS_PER_KILO_DECISION);
  });

  it('learns each agent rate from finished jobs, and scales the priors of agents not seen by the machine speed', () => {
    const m = new CostModel();
    expect(m.expectedMs(job('dqn', 2000))).toBe(CostModel.priorMs(job('dqn', 2000)));
    // A bandit job twice as slow as its prior; a dqn job at 3 ms per decision.
    m.observe(job('bandit', 1000), 2 * CostModel.priorMs(job('bandit', 1000)));
    m.observe(job('dqn', 1000), 3000);
    expect(m.expectedMs(job('dqn', 5000))).toBeCloseTo(15_000, 6);
    // hybrid not seen yet: prior x (total actual / total prior).
    const speed = (2 * CostModel.priorMs(job('bandit', 1000)) + 3000) / (CostModel.priorMs(job('bandit', 1000)) + CostModel.priorMs(job('dqn', 1000)));
    expect(m.expectedMs(job('hybrid', 1000))).toBeCloseTo(CostModel.priorMs(job('hybrid', 1000)) * speed, 6);
  });

  it('estimates the remaining time as remaining work over the threads, never below the longest remaining job', () => {
    const m = new CostModel();
    m.observe(job('random', 1000), 10);
    m.observe(job('dqn', 1000), 1000);
    // 4 random jobs (10 ms each) and a dqn job (1000 ms) on 2 threads: the dqn job bounds it.
    const pending = [job('dqn', 1000), ...[1, 2, 3, 4].map(() => job('random', 1000))];
    expect(etaMs(m, pending, [], 2)).toBe(1000);
    // 4 dqn jobs on 2 threads, one of them running for 400 ms already: (3 x 1000 + 600) / 2.
    const running = [{ job: job('dqn', 1000), elapsedMs: 400 }];
    expect(etaMs(m, [1, 2, 3].map(() => job('dqn', 1000)), running, 2)).toBe(1800);
    expect(etaMs(m, [], [], 2)).toBe(0);
  });

  it('orders episode groups most expensive first, plan order on ties', () => {
    const jobs = [job('random', 1000, 'cheap', 0), job('random', 1000, 'cheap', 1), job('dqn', 1000, 'dear', 0), job('random', 1000, 'dear', 0), job('random', 100_000, 'long', 0)];
    const groups = groupByEpisode(jobs).map((g) => g.map((j) => `${j.spec.scenario}/${j.spec.seed}/${j.spec.agent}`));
    expect(groups).toEqual([['dear/0/dqn', 'dear/0/random'], ['long/0/random'], ['cheap/0/random'], ['cheap/1/random']]);
  });

  it('formats an ETA', () => {
    expect(formatEta(undefined)).toBe('?');
    expect(formatEta(12_400)).toBe('12s');
    expect(formatEta(250_000)).toBe('4m10s');
    expect(formatEta(3_720_000)).toBe('1h02m');
  });
});
