import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCES_DIR } from '../../harness/reference/cache.ts';
import { executeJobs } from '../../harness/runner/execute.ts';
import { resultHashOf } from '../../harness/runner/identity.ts';
import { runJob } from '../../harness/runner/job.ts';
import { episodeSeed, planJobs, type AgentRef } from '../../harness/runner/plan.ts';
import type { JobResult } from '../../harness/runner/types.ts';
import { CURRENT_SCALE } from '../../harness/reference/scale.ts';

const root = mkdtempSync(join(tmpdir(), 'orchbench-job-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const baselines = (...names: string[]): AgentRef[] => names.map((name) => ({ name, kind: 'baseline' }));
const strip = (rs: readonly JobResult[]): unknown[] => rs.map(({ timing: _t, ...rest }) => rest);

// The testing variant of a one-user scenario: jobs take tens of ms, so pool start-up dominates.
const scenarios = ['broadband-1u-loose-v1'];

describe('real jobs (environment + baselines)', () => {
  it('gives identical results at 1 and 2 workers, and the clairvoyant reference scores ~1 on itself', async () => {
    const jobs = await planJobs({ suite: 'testing', scenarios, agents: baselines('random', 'greedy-heuristic', 'clairvoyant', 'q-learning'), seeds: 2, rootSeed: 5 });
    expect(jobs).toHaveLength(8);
    expect(new Set(jobs.map((j) => j.spec.seed))).toEqual(new Set([episodeSeed(5, 0), episodeSeed(5, 1)]));
    const one = await executeJobs(jobs, { outDir: join(root, 'w1'), workers: 1 });
    const two = await executeJobs([...jobs].reverse(), { outDir: join(root, 'w2'), workers: 2 });
    expect(one.results.map((r) => [r.agent, r.status, r.reason])).toEqual(one.results.map((r) => [r.agent, 'ok', undefined]));
    expect(strip(two.results)).toEqual(strip(one.results));
    for (const r of one.results) {
      expect(resultHashOf(r)).toBe(r.resultHash);
      const m = r.metrics!;
      // Common random numbers: every agent on the same seed sees the same references.
      const sameSeed = one.results.filter((o) => o.seed === r.seed);
      expect(new Set(sameSeed.map((o) => JSON.stringify(o.metrics!.refs))).size).toBe(1);
      expect(m.curve.checkpoints.at(-1)).toBe(m.realSteps);
      // Not exactly 1: the AUC averages trailing-window means, which weight early rewards differently.
      if (r.agent === 'clairvoyant') expect(Math.abs(m.normalisedAuc - 1)).toBeLessThan(0.01);
    }
    // New lines say their scale; each (scenario, seed)'s references are kept in the run folder, the same at any worker count.
    expect(new Set(one.results.map((r) => r.scale))).toEqual(new Set([CURRENT_SCALE]));
    const cache = (d: string): string[] => readdirSync(join(root, d, REFERENCES_DIR)).sort();
    expect(cache('w1').length).toBeGreaterThan(0);
    expect(cache('w2')).toEqual(cache('w1'));
    for (const f of cache('w1')) expect(readFileSync(join(root, 'w2', REFERENCES_DIR, f), 'utf8')).toBe(readFileSync(join(root, 'w1', REFERENCES_DIR, f), 'utf8'));
    // Re-running one job in this thread (what `verify` does) reproduces its line.
    const again = await runJob(jobs[0]!.spec);
    const recorded = one.results.find((r) => r.jobHash === jobs[0]!.id.jobHash)!;
    expect(again.resultHash).toBe(recorded.resultHash);
  });

  it('--resume reuses the run folder\'s references (a tampered one shows, and verify, which recomputes, catches it)', async () => {
    const dir = join(root, 'resume');
    const first = await planJobs({ suite: 'testing', scenarios, agents: baselines('static-device'), seeds: 1, rootSeed: 3 });
    await executeJobs(first, { outDir: dir, workers: 1 });
    for (const f of readdirSync(join(dir, REFERENCES_DIR))) {
      const p = join(dir, REFERENCES_DIR, f);
      writeFileSync(p, readFileSync(p, 'utf8').replace(/"eval":\{"randomReward":-?[0-9.e-]+/, '"eval":{"randomReward":-7'));
    }
    const more = await planJobs({ suite: 'testing', scenarios, agents: baselines('static-device', 'static-edge'), seeds: 1, rootSeed: 3 });
    const resumed = await executeJobs(more, { outDir: dir, workers: 1, resume: true });
    expect(resumed).toMatchObject({ ran: 1, skipped: 1 });
    const edge = resumed.results.find((r) => r.agent === 'static-edge')!;
    expect(edge.metrics!.evalRefs.randomReward).toBe(-7);
    const again = await runJob(more.find((j) => j.spec.agent === 'static-edge')!.spec);
    expect(again.metrics!.evalRefs.randomReward).not.toBe(-7);
    expect(again.resultHash).not.toBe(edge.resultHash);
  });

  it('records a throwing and a hanging submission agent as failed while the others finish', async () => {
    const agents: AgentRef[] = [
      { name: 'hanging', kind: 'submission', path: fixture('hanging-agent.ts') },
      { name: 'throwing', kind: 'submission', path: fixture('throwing-agent.ts') },
      ...baselines('static-edge'),
    ];
    const jobs = await planJobs({ suite: 'testing', scenarios, agents, seeds: 1, rootSeed: 0 });
    const out = await executeJobs(jobs, { outDir: join(root, 'bad'), workers: 2, jobTimeoutS: 4 });
    const by = Object.fromEntries(out.results.map((r) => [r.agent, r]));
    expect(by.hanging).toMatchObject({ status: 'failed', reason: 'time limit exceeded (4 s); worker terminated' });
    expect(by.throwing).toMatchObject({ status: 'failed', reason: 'threw Error: throwing agent gave up after 100 decisions' });
    expect(by['static-edge']?.status).toBe('ok');
    expect(by.hanging?.metrics).toBeUndefined();
  }, 60_000);

  it('changes the job hash when the agent code, seed or variant changes, and not otherwise', async () => {
    const plan = (agent: string, seeds: number, suite: 'testing' | 'default') =>
      planJobs({ suite, scenarios, agents: baselines(agent), seeds, rootSeed: 0 });
    const [a, b, c, d] = await Promise.all([plan('random', 2, 'testing'), plan('random', 2, 'testing'), plan('static-edge', 1, 'testing'), plan('random', 1, 'default')]);
    expect(a.map((j) => j.id.jobHash)).toEqual(b.map((j) => j.id.jobHash));
    expect(a[0]!.id.jobHash).not.toBe(a[1]!.id.jobHash);
    // static-edge lives in another file than random, so its code hash differs.
    expect(c[0]!.id.agentCodeHash).not.toBe(a[0]!.id.agentCodeHash);
    expect(d[0]!.id.jobHash).not.toBe(a[0]!.id.jobHash);
  });
});
