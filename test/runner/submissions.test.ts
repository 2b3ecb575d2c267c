import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../harness/report/types.ts';
import { executeJobs } from '../../harness/runner/execute.ts';
import { OrphanReaper } from '../../harness/runner/orphans.ts';
import { planJobs, submissionRefs } from '../../harness/runner/plan.ts';
import type { JobResult, RunManifest } from '../../harness/runner/types.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repoRoot, 'bin/orchbench.js');
const fixture = (name: string): string => fileURLToPath(new URL(`../submission/fixtures/${name}`, import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'orchbench-runner-submissions-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const results = (dir: string): JobResult[] => readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JobResult);
const hashesOf = (rs: readonly JobResult[], agent: string): Map<number, string> => new Map(rs.filter((r) => r.agent === agent).map((r) => [r.seed, r.resultHash]));

/** `orchbench ARGS` from the package root; returns stdout, fails the test with stderr on a non-zero exit. */
function cli(args: string[], cwd = repoRoot): string {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`orchbench ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

describe('orchbench run --submissions (as a new user would)', () => {
  const agentDir = join(scratch, 'my-agent');
  const sandboxed = join(scratch, 'out-sandbox');
  const trusted = join(scratch, 'out-trusted');
  // The 2 s decision limit keeps a loaded machine's slow first decision from failing a good agent.
  const run = (out: string, ...extra: string[]): string =>
    cli(['run', '--suite', 'testing', '--scenarios', 'broadband-1u-loose-v1', '--agents', 'random,greedy-heuristic', '--submissions', agentDir, '--seeds', '2', '--workers', '2', '--decision-ms', '2000', '--out', out, ...extra]);

  it('puts a scaffolded submission on the leaderboard beside the baselines, marked as a submission (sandboxed by default)', () => {
    execFileSync(process.execPath, [bin, 'submission', 'init', agentDir, '--name', 'my-agent'], { cwd: repoRoot });
    run(sandboxed);
    const lb = JSON.parse(readFileSync(join(sandboxed, 'leaderboard.json'), 'utf8')) as Leaderboard;
    expect(lb.agents.map((a) => [a.id, a.kind])).toEqual([['greedy-heuristic', 'baseline'], ['my-agent', 'submission'], ['random', 'baseline']]);
    expect(lb.failures).toEqual([]);
    expect(readFileSync(join(sandboxed, 'leaderboard.md'), 'utf8')).toContain('my-agent (submission)');
    const manifest = JSON.parse(readFileSync(join(sandboxed, 'run.json'), 'utf8')) as RunManifest;
    expect(manifest).toMatchObject({ agents: ['random', 'greedy-heuristic', 'my-agent'], submissions: [{ name: 'my-agent', path: agentDir }], sandbox: true });
    const mine = results(sandboxed).filter((r) => r.agent === 'my-agent');
    expect(mine).toHaveLength(2);
    for (const r of mine) {
      expect(r).toMatchObject({ status: 'ok', agentKind: 'submission', provenance: { agentPath: agentDir, sandbox: true, scenarioFile: 'scenarios/default/broadband-1u-loose-v1.json' } });
      // Real steps counted as for an in-process agent without stats (every learning decision).
      expect(r.metrics!.realSteps).toBe(r.metrics!.curve.checkpoints.at(-1));
    }
  });

  it('gives bit-identical results in trusted mode, recording only the mode differently', () => {
    run(trusted, '--trusted');
    const [s, t] = [results(sandboxed), results(trusted)];
    for (const agent of ['my-agent', 'random', 'greedy-heuristic']) expect(hashesOf(t, agent)).toEqual(hashesOf(s, agent));
    expect(hashesOf(t, 'my-agent').size).toBe(2);
    expect(t.filter((r) => r.agent === 'my-agent').map((r) => r.provenance?.sandbox)).toEqual([undefined, undefined]);
    expect((JSON.parse(readFileSync(join(trusted, 'run.json'), 'utf8')) as RunManifest).sandbox).toBe(false);
  });

  it('verify re-runs the submission jobs from the folder the results record, from any directory', () => {
    const out = cli(['verify', sandboxed, '--json', '--decision-ms', '2000'], scratch);
    const report = JSON.parse(out) as { ok: boolean; reRun: number; entries: { agent: string; status: string }[] };
    expect(report.ok).toBe(true);
    expect(report.reRun).toBe(6);
    expect(report.entries.filter((e) => e.agent === 'my-agent').map((e) => e.status)).toEqual(['match', 'match']);
  });

  it('refuses a submission named like a baseline, or two submissions with one name', () => {
    const clash = join(scratch, 'clash');
    execFileSync(process.execPath, [bin, 'submission', 'init', clash, '--name', 'random'], { cwd: repoRoot });
    expect(() => submissionRefs([clash])).toThrow(/a name that is not a baseline's/);
    expect(() => submissionRefs([agentDir, agentDir])).toThrow(/a name no other submission of the run has/);
  });
});

describe('hostile submissions in a run', () => {
  it('are recorded as failed with the rule they broke, and the other jobs are ok', async () => {
    const agents = [{ name: 'greedy-heuristic', kind: 'baseline' as const }, ...submissionRefs([fixture('hostile-loop'), fixture('hostile-read'), fixture('hostile-throw-load')])];
    const jobs = await planJobs({ suite: 'testing', scenarios: ['broadband-1u-loose-v1'], agents, seeds: 1, rootSeed: 0, sandbox: true });
    const out = await executeJobs(jobs, { outDir: join(scratch, 'hostile'), workers: 2, jobTimeoutS: 30, decisionMs: 500 });
    const by = Object.fromEntries(out.results.map((r) => [r.agent, r]));
    expect(by['greedy-heuristic']?.status).toBe('ok');
    // SubmissionError messages as they are, not "threw SubmissionError: ...".
    expect(by['hostile-loop']).toMatchObject({ status: 'failed', reason: 'exceeded the 500 ms per-decision limit (in act)' });
    expect(by['hostile-read']?.reason).toMatch(/^read outside its folder: /);
    expect(by['hostile-throw-load']?.reason).toMatch(/^threw at load: /);
    expect(out.failed).toBe(3);
  }, 60_000);
});

describe('OrphanReaper', () => {
  /** A thread that starts a child process busy in a loop (it never reads its stdin) and reports its pid. */
  async function threadWithBusyChild(): Promise<{ thread: Worker; pid: number }> {
    const thread = new Worker(
      `const { spawn } = require('node:child_process');
       const child = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
       require('node:worker_threads').parentPort.postMessage(child.pid);`,
      { eval: true },
    );
    const [pid] = (await once(thread, 'message')) as [number];
    return { thread, pid };
  }
  /** Running (not gone, not a zombie waiting to be reaped). */
  const running = (pid: number): boolean => existsSync(`/proc/${pid}/stat`) && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

  it.skipIf(process.platform !== 'linux')('kills the process of a terminated thread, and not that of a live one (Linux only: reads /proc)', async () => {
    const reaper = new OrphanReaper();
    const dead = await threadWithBusyChild();
    const live = await threadWithBusyChild();
    try {
      await dead.thread.terminate();
      const killed: number[] = [];
      // The kernel re-parents the child once the terminated thread has fully exited.
      for (let i = 0; i < 100 && !killed.includes(dead.pid); i++) {
        killed.push(...reaper.reapOrphans());
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(killed).toEqual([dead.pid]);
      expect(running(dead.pid)).toBe(false);
      expect(running(live.pid)).toBe(true);
    } finally {
      await live.thread.terminate();
      for (let i = 0; i < 100 && running(live.pid); i++) {
        reaper.reapOrphans();
        await new Promise((r) => setTimeout(r, 20));
      }
      reaper.close();
    }
    expect(running(live.pid)).toBe(false);
  });
});
