import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { executeJobs } from '../../harness/runner/execute.ts';
import { planJobs } from '../../harness/runner/plan.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const out = mkdtempSync(join(tmpdir(), 'orchbench-example-headroom-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the bring-your-own example (scenarios/examples)', () => {
  it('has headroom: the latency-first greedy rule stays below the reference on every seed of the walkthrough', async () => {
    // The walkthrough's run (docs/traces.md), with the agents that matter here.
    const jobs = await planJobs({
      scenarios: [join(REPO_ROOT, 'scenarios/examples/byo-phone-log-1u-v1.json')],
      variant: 'testing',
      agents: [{ name: 'greedy-heuristic', kind: 'baseline' }, { name: 'static-device', kind: 'baseline' }],
      seeds: 2,
      rootSeed: 0,
    });
    const { results } = await executeJobs(jobs, { outDir: out, workers: 1 });
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    for (const r of results) {
      // Measured on 2026-12-06: greedy-heuristic 0.93 and static-device 0.90 (1 = the clairvoyant reference).
      expect(r.metrics!.normalisedEvalReward, `${r.agent} seed ${r.seed}`).toBeLessThan(0.97);
      expect(r.metrics!.normalisedEvalReward, `${r.agent} seed ${r.seed}`).toBeGreaterThan(0.5);
    }
  }, 120_000);
});
