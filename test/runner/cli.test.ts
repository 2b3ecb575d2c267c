import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { executeJobs } from '../../harness/runner/execute.ts';
import { latestByJob, readJournal } from '../../harness/runner/journal.ts';
import { planJobs } from '../../harness/runner/plan.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const root = mkdtempSync(join(tmpdir(), 'orchbench-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const bin = join(REPO_ROOT, 'bin', 'orchbench.js');
// Many tiny jobs on one worker, so a kill lands while most are still to run.
const args = ['run', '--suite', 'testing', '--scenarios', 'broadband-1u-loose-v1', '--agents', 'random,static-edge', '--seeds', '30', '--workers', '1'];
const TOTAL = 60;

const lines = (dir: string): number => (existsSync(join(dir, 'results.jsonl')) ? readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).length : 0);
const strip = (dir: string): unknown[] => latestByJob(readJournal(join(dir, 'results.jsonl')).results).map(({ timing: _t, ...rest }) => rest);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('orchbench run (CLI)', () => {
  it('loses at most the jobs in flight on kill -9, and --resume ends like an uninterrupted run', async () => {
    const killed = join(root, 'killed');
    const child = spawn(process.execPath, [bin, ...args, '--out', killed], { cwd: REPO_ROOT, stdio: 'ignore' });
    let running = true;
    const exited = new Promise<NodeJS.Signals | null>((r) =>
      child.on('exit', (_code, signal) => {
        running = false;
        r(signal);
      }),
    );
    while (running && lines(killed) < 3) await sleep(20);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const before = lines(killed);
    // The kill must land mid-run, or this test proves nothing.
    expect(before).toBeLessThan(TOTAL);
    expect(readJournal(join(killed, 'results.jsonl')).skipped).toEqual([]);

    const resumed = spawnSync(process.execPath, [bin, ...args, '--out', killed, '--resume'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`${TOTAL} jobs, ${before} already in the journal`);
    // kill -9 left the run's lock behind: the resumed run says so and takes it over.
    expect(resumed.stderr).toMatch(/run\.lock was left by a run that is no longer running \(pid \d+ on .*\); taken over/);
    expect(lines(killed)).toBe(TOTAL);
    expect(resumed.stderr).toMatch(/^\[\d+\/60\] (random|static-edge) broadband-1u-loose-v1 \d+ ok \d+\.\ds$/m);
    expect(existsSync(join(killed, 'leaderboard.json'))).toBe(true);

    // The uninterrupted run of the same plan, in-process (saves a CLI start-up).
    const whole = join(root, 'whole');
    const plan = await planJobs({ suite: 'testing', scenarios: ['broadband-1u-loose-v1'], agents: [{ name: 'random', kind: 'baseline' }, { name: 'static-edge', kind: 'baseline' }], seeds: 30, rootSeed: 0 });
    await executeJobs(plan, { outDir: whole, workers: 2 });
    expect(strip(killed)).toEqual(strip(whole));
  }, 120_000);

  it('rejects a bad flag with a located message and no stack trace', () => {
    const r = spawnSync(process.execPath, [bin, 'run', '--suite', 'testing', '--shard', '3/2', '--out', join(root, 'bad')], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--shard: expected i/n with 1 <= i <= n');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
