import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeJobs, RESULTS_FILE, type ExecuteSummary } from '../../harness/runner/execute.ts';
import { resultHashOf, sealResult } from '../../harness/runner/identity.ts';
import { readJournal } from '../../harness/runner/journal.ts';
import { mergeRuns, writeManifest } from '../../harness/runner/merge.ts';
import { shardJobs } from '../../harness/runner/plan.ts';
import type { ProgressSink } from '../../harness/runner/progress.ts';
import type { JobResult, RunManifest } from '../../harness/runner/types.ts';
import { fakePlan, fakeSpecs } from './fixtures/fake-job.ts';
import { withFrozenClock } from '../helpers/ticking-clock.ts';

const jobModule = new URL('./fixtures/fake-job.ts', import.meta.url).href;
const root = mkdtempSync(join(tmpdir(), 'orchbench-runner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => join(root, `run-${dirs++}`);

/** Results as comparable data: sorted by jobHash, timing removed. */
function normalised(results: readonly JobResult[]): unknown[] {
  return [...results].sort((a, b) => a.jobHash.localeCompare(b.jobHash)).map(({ timing: _t, ...rest }) => rest);
}

const jobs = fakePlan(fakeSpecs(['cpu-a', 'cpu-b'], ['s1', 's2'], 3));

/** The ETAs a run reported: at start, then after each job. */
interface Etas { start?: number; done: number[] }
const etaSink = (etas: Etas): ProgressSink => ({ start: (_t, _a, eta) => { etas.start = eta; }, jobDone: (_r, eta) => { etas.done.push(eta ?? NaN); }, note() {}, stop() {} });

// Each pool costs ~1.5 s of worker start-up (tsx), so one run at 1 and one at 2 workers serve as the reference.
let one: ExecuteSummary;
let oneDir: string;
let two: ExecuteSummary;
let twoDir: string;
const etasOne: Etas = { done: [] };
const etasTwo: Etas = { done: [] };
beforeAll(async () => {
  twoDir = freshDir();
  two = await executeJobs([...jobs].reverse(), { outDir: twoDir, workers: 2, jobModule, progress: etaSink(etasTwo) });
  oneDir = freshDir();
  // This thread's clock stands still (the jobs time themselves in the workers): the job in flight
  // when another ends has run 0 ms, so each ETA depends on the finished jobs' wall times alone.
  one = await withFrozenClock(() => executeJobs(jobs, { outDir: oneDir, workers: 1, jobModule, progress: etaSink(etasOne) }));
});

describe('executeJobs on a piscina pool', () => {
  it('gives identical results at 1 and 2 workers, with every line sealed by its resultHash', async () => {
    expect(one.results).toHaveLength(jobs.length);
    expect(one.results.every((r) => r.status === 'ok')).toBe(true);
    expect(normalised(two.results)).toEqual(normalised(one.results));
    for (const r of one.results) expect(resultHashOf(r)).toBe(r.resultHash);
    // Different seeds must give different results, or the comparison above proves nothing.
    expect(new Set(one.results.map((r) => r.resultHash)).size).toBe(jobs.length);
  });

  it('reports an ETA from expected costs: at start, after every job, and 0 after the last', () => {
    // The priors: a fake agent is not in the table (250 ms + 100 ms per 1000 decisions) and a fake
    // job does not say its decisions (1000): 350 ms per job, spread over the workers.
    expect(etasOne.start).toBe(jobs.length * 350);
    expect(etasTwo.start).toBe((jobs.length * 350) / 2);
    for (const etas of [etasOne, etasTwo]) {
      expect(etas.done).toHaveLength(jobs.length);
      for (const e of etas.done) expect(Number.isFinite(e) && e >= 0).toBe(true);
      expect(etas.done.at(-1)).toBe(0);
    }
    // Learned from the finished jobs: at 1 worker (jobs run in journal order), each job left is
    // expected to take the mean wall time of its agent's finished jobs, or of all finished jobs
    // while its agent has none (every prior here is the same); a model that kept its priors would
    // say 350 ms per job left.
    const done = readJournal(join(oneDir, RESULTS_FILE)).results;
    expect(done).toHaveLength(jobs.length);
    const meanMs = (rs: readonly JobResult[]): number => rs.reduce((s, r) => s + r.timing.wallMs, 0) / rs.length;
    const expected = done.map((_, i) => {
      const finished = done.slice(0, i + 1);
      return done.slice(i + 1).reduce((sum, r) => {
        const same = finished.filter((f) => f.agent === r.agent);
        return sum + meanMs(same.length > 0 ? same : finished);
      }, 0);
    });
    etasOne.done.forEach((e, i) => expect(e).toBeCloseTo(expected[i]!, 6));
  });

  it('records throwing, hanging, out-of-memory and crashing jobs as failed and finishes the others', async () => {
    const bad = fakePlan(fakeSpecs(['throw', 'hang', 'oom', 'crash', 'cpu'], ['s1'], 1));
    const good = fakePlan(fakeSpecs(['cpu'], ['s2'], 3));
    // One worker: the good jobs after the crash and the time-out can only run on replaced threads.
    const out = await executeJobs([...bad, ...good], { outDir: freshDir(), workers: 1, jobTimeoutS: 4, jobMemoryMb: 64, jobModule });
    const by = new Map(out.results.map((r) => [`${r.agent}/${r.scenario}`, r]));
    expect(by.get('throw/s1')).toMatchObject({ status: 'failed', reason: 'threw Error: agent exploded on seed 0' });
    expect(by.get('hang/s1')).toMatchObject({ status: 'failed', reason: 'time limit exceeded (4 s); worker terminated' });
    expect(by.get('oom/s1')).toMatchObject({ status: 'failed', reason: 'memory limit exceeded (64 MB heap); worker terminated' });
    expect(by.get('crash/s1')?.status).toBe('failed');
    expect(by.get('crash/s1')?.reason).toMatch(/^worker crashed: /);
    expect(out.results.filter((r) => r.agent === 'cpu').map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(out.failed).toBe(4);
  }, 60_000);

  it('refuses to overwrite a journal without resume', async () => {
    await expect(executeJobs(jobs, { outDir: twoDir, workers: 1, jobModule })).rejects.toThrow(/--resume/);
  });

  it('resumes after a torn last line: runs only the missing jobs and ends like an uninterrupted run', async () => {
    const dir = freshDir();
    await executeJobs(jobs.slice(0, 5), { outDir: dir, workers: 2, jobModule });
    const file = join(dir, RESULTS_FILE);
    // What a power loss mid-write leaves: the start of a line, no newline.
    const torn = readFileSync(file, 'utf8').split('\n')[0]!.slice(0, 40);
    appendFileSync(file, torn);
    const notes: string[] = [];
    const resumed = await executeJobs(jobs, {
      outDir: dir,
      workers: 2,
      resume: true,
      jobModule,
      progress: { start() {}, jobDone() {}, stop() {}, note: (m) => notes.push(m) },
    });
    expect(resumed.ran).toBe(jobs.length - 5);
    expect(resumed.skipped).toBe(5);
    expect(notes.join('\n')).toMatch(/:6: skipped: incomplete last line \(torn write\)/);
    expect(normalised(resumed.results)).toEqual(normalised(two.results));
    // The torn fragment stays (append-only) but was closed off: every later line parses.
    const journal = readJournal(file);
    expect(journal.results).toHaveLength(jobs.length);
    expect(journal.skipped.map((s) => s.line)).toEqual([6]);
  });

  it('retries failed jobs on resume', async () => {
    const dir = freshDir();
    const flaky = fakePlan(fakeSpecs(['cpu'], ['s1'], 2));
    // A journal where the first job failed (e.g. timed out on a loaded machine).
    await executeJobs(flaky.slice(0, 1), { outDir: dir, workers: 1, jobModule, jobTimeoutS: 0.001 });
    expect(readJournal(join(dir, RESULTS_FILE)).results[0]?.status).toBe('failed');
    const resumed = await executeJobs(flaky, { outDir: dir, workers: 1, jobModule, resume: true });
    expect(resumed.ran).toBe(2);
    expect(resumed.results.map((r) => r.status)).toEqual(['ok', 'ok']);
  });

  it('merges shards 1/2 and 2/2 into the unsharded result, and rejects conflicting results', async () => {
    const manifest = (shard?: string): RunManifest => ({
      command: ['test'], harnessVersion: 'test', nodeVersion: process.version, suite: 'testing', agents: ['cpu-a', 'cpu-b'],
      scenarios: ['s1', 's2'], seeds: 3, rootSeed: 0, jobsPlanned: jobs.length, jobsInSlice: 0, ...(shard ? { shard } : {}),
    });
    const shardDirs = [1, 2].map((index) => {
      const dir = freshDir();
      writeManifest(dir, manifest(`${index}/2`));
      return dir;
    });
    const slices = [1, 2].map((index) => shardJobs(jobs, { index, count: 2 }));
    expect(slices[0]!.length + slices[1]!.length).toBe(jobs.length);
    for (const [i, dir] of shardDirs.entries()) await executeJobs(slices[i]!, { outDir: dir, workers: 1, jobModule });
    const merged = mergeRuns(shardDirs, freshDir(), ['merge']);
    expect(normalised(merged.results)).toEqual(normalised(two.results));
    expect(merged.manifest.shard).toBeUndefined();
    expect(mergeRuns(shardDirs, freshDir(), ['merge'], { strict: true }).results).toHaveLength(jobs.length);

    // --strict: a shard missing is an error, and nothing is written; without it the merge goes on.
    const strictOut = freshDir();
    expect(() => mergeRuns([shardDirs[0]!], strictOut, ['merge'], { strict: true })).toThrow(/expected every shard of 2; found no directory for shard 2\/2[\s\S]*merge --strict: expected a result for each of the 12 planned jobs; found \d+ without one; nothing written/);
    expect(existsSync(join(strictOut, RESULTS_FILE))).toBe(false);
    expect(mergeRuns([shardDirs[0]!], freshDir(), ['merge']).results).toHaveLength(slices[0]!.length);

    // The same job with a different result in another directory is a conflict.
    const forged = freshDir();
    writeManifest(forged, manifest('1/2'));
    const line = readJournal(join(shardDirs[0]!, RESULTS_FILE)).results[0]!;
    // Self-consistent (resealed) but different: what a nondeterministic job would produce.
    const other = sealResult({ ...line, metrics: { ...line.metrics!, normalisedAuc: 42 } });
    writeFileSync(join(forged, RESULTS_FILE), `${JSON.stringify(other)}\n`);
    expect(() => mergeRuns([shardDirs[0]!, forged], freshDir(), ['merge'])).toThrow(/with resultHash .* found resultHash /);
  });
});
