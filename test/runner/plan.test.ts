import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumber, RULES } from '../../harness/bounds.ts';
import { InputError } from '../../harness/errors.ts';
import { resolveAgent } from '../../harness/runner/agents.ts';
import { defaultBaselines } from '../../baselines/index.ts';
import { CostModel } from '../../harness/runner/cost.ts';
import { parseShard, planJobs, planShards, shardJobs } from '../../harness/runner/plan.ts';
import { selectScenarios } from '../../harness/scenario/select.ts';
import { fakePlan, fakeSpecs } from './fixtures/fake-job.ts';

describe('shards', () => {
  it('parses i/n and rejects anything else with a located InputError', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    for (const bad of ['0/2', '3/2', '1/0', '1-2', '', '1/2/3']) {
      expect(() => parseShard(bad)).toThrow(InputError);
      expect(() => parseShard(bad)).toThrow(/--shard: expected i\/n/);
    }
  });

  it('splits any plan into disjoint shards that cover it, the same whatever the plan order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 7 }), fc.integer(), (seeds, count, salt) => {
        const jobs = fakePlan(fakeSpecs(['dqn', 'random', 'a-submission'], [`s${salt}`], seeds));
        const shards = Array.from({ length: count }, (_, i) => shardJobs(jobs, { index: i + 1, count }).map((j) => j.id.jobHash));
        const all = shards.flat();
        expect(new Set(all).size).toBe(jobs.length);
        expect(all.length).toBe(jobs.length);
        expect(new Set(shardJobs([...jobs].reverse(), { index: 1, count }).map((j) => j.id.jobHash))).toEqual(new Set(shards[0]));
      }),
      { numRuns: 50 },
    );
  });

  it('balances shards by expected cost: longest first, each to the least loaded shard (LPT)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 9 }), (seeds, count) => {
        const jobs = fakePlan(fakeSpecs(['dqn', 'hybrid', 'random', 'a-submission'], ['s'], seeds));
        const shards = planShards(jobs, count);
        const loads = shards.map((s) => s.expectedMs);
        expect(loads.reduce((a, b) => a + b, 0)).toBeCloseTo(jobs.reduce((a, j) => a + CostModel.priorMs(j), 0), 6);
        // LPT's bound: the busiest shard exceeds the least busy one by at most one job.
        const longest = Math.max(...jobs.map((j) => CostModel.priorMs(j)));
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(longest + 1e-9);
      }),
      { numRuns: 50 },
    );
  });

  it('on the default run (default suite and baselines, 10 seeds) the slowest of 4 or 16 shards is within 10% of the mean', async () => {
    const plan = await planJobs({ suite: 'default', agents: defaultBaselines().map((name) => ({ name, kind: 'baseline' as const })), seeds: 10, rootSeed: 0 });
    expect(plan.length).toBe(770);
    for (const count of [4, 16]) {
      const loads = planShards(plan, count).map((s) => s.expectedMs);
      const mean = loads.reduce((a, b) => a + b, 0) / count;
      expect(Math.max(...loads) / mean, `${count} shards`).toBeLessThan(1.1);
    }
  }, 120_000);
});

describe('run flags', () => {
  it('names the flag, the expectation and the value', () => {
    expect(parseNumber('--seeds', '3', RULES.seeds)).toBe(3);
    expect(() => parseNumber('--seeds', 'x', RULES.seeds)).toThrow('--seeds: expected integer from 1 to 100000 (seeds); found "x"');
    expect(() => parseNumber('--seeds', '', RULES.seeds)).toThrow(InputError);
  });

  it('selects scenarios by id and lists the valid ids for an unknown one', () => {
    expect(selectScenarios({ suite: 'testing', scenarios: ['broadband-4u-battery-v2'] }).scenarios[0]!.file).toMatch(/default-v2\/broadband-4u-battery-v2\.json$/);
    expect(selectScenarios({ suite: 'testing', scenarios: ['broadband-1u-loose-v1'] }).scenarios[0]!.file).toMatch(/legacy\/broadband-1u-loose-v1\.json$/);
    expect(() => selectScenarios({ suite: 'testing', scenarios: ['nope'] })).toThrow(/--scenarios: expected a scenario file, or the id of a shipped scenario \(.*broadband-4u-battery-v2/);
  });
});

describe('unknown agents', () => {
  it('refuses a name that is no baseline and points at --submissions (the README gate example passed --agents my-orchestrator)', async () => {
    await expect(resolveAgent({ agent: 'my-orchestrator', agentKind: 'baseline' })).rejects.toThrow(/--agents: expected one of the baselines random, .*a submission \(a folder\) is run with --submissions DIR; found "my-orchestrator"/);
  });
});
