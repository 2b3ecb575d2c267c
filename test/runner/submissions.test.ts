import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLeaderboard, writeLeaderboard } from '../../harness/report/leaderboard.ts';
import type { Leaderboard } from '../../harness/report/types.ts';
import { provenanceHashOf, sealResult } from '../../harness/runner/identity.ts';
import { eventually } from '../submission/helpers.ts';
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
      expect(r).toMatchObject({ status: 'ok', agentKind: 'submission', provenance: { agentPath: agentDir, sandbox: true, scenarioFile: 'scenarios/legacy/broadband-1u-loose-v1.json' } });
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

  it('records in each submission line which isolation ran, and shows it on the leaderboard', () => {
    for (const r of results(sandboxed).filter((x) => x.agent === 'my-agent')) {
      expect(r.provenance?.isolation).toMatchObject({ tool: 'bubblewrap', namespaces: ['user', 'pid', 'ipc', 'uts', 'net', 'mount', 'cgroup'], uid: 65534, limits: { processes: 64, decisionMs: 2000 } });
      expect(r.provenanceHash).toMatch(/^[0-9a-f]{64}$/);
    }
    const lb = JSON.parse(readFileSync(join(sandboxed, 'leaderboard.json'), 'utf8')) as Leaderboard;
    expect(lb.reproducibility.isolation).toEqual([expect.stringMatching(/^isolated with bubblewrap \d+\.\d+.*: my-agent$/)]);
    expect(readFileSync(join(sandboxed, 'leaderboard.md'), 'utf8')).toMatch(/\| submissions \| isolated with bubblewrap .*my-agent \|/);
    const t = JSON.parse(readFileSync(join(trusted, 'leaderboard.json'), 'utf8')) as Leaderboard;
    expect(t.reproducibility.isolation).toEqual(['TRUSTED, without isolation (results of the whole run may be affected): my-agent']);
    expect(results(trusted).filter((x) => x.agent === 'my-agent').map((x) => x.provenance?.trusted)).toEqual([true, true]);
  });

  it('verify re-runs the submission jobs from the folder the results record, from any directory, isolated', () => {
    const out = cli(['verify', sandboxed, '--json', '--decision-ms', '2000'], scratch);
    const report = JSON.parse(out) as { ok: boolean; reRun: number; entries: { agent: string; status: string }[] };
    expect(report.ok).toBe(true);
    expect(report.reRun).toBe(6);
    expect(report.entries.filter((e) => e.agent === 'my-agent').map((e) => e.status)).toEqual(['match', 'match']);
  });

  it('verify re-runs trusted lines isolated too, and says which jobs ran trusted', () => {
    const out = cli(['verify', trusted, '--decision-ms', '2000', '--sample', '1', '--seed', '3'], scratch);
    expect(out).toMatch(/line \d+: my-agent on broadband-1u-loose-v1, seed \d+ \(ran TRUSTED, without isolation; re-run isolated here\)/);
    expect(out).toMatch(/note: 2 line\(s\) come from submissions run trusted/);
    expect(out.trim().split('\n').at(-1)).toMatch(/^verify: OK \(6 lines sealed-checked, 1 re-run, 0 bad, 2 from trusted submissions\)$/);
  });

  it('verify catches provenance edited after the run (sandbox removed, agentPath pointed elsewhere)', () => {
    const forged = join(scratch, 'forged');
    mkdirSync(forged);
    const lines = results(sandboxed).map((r) => {
      if (r.agent !== 'my-agent') return r;
      const { sandbox: _s, isolation: _i, ...rest } = r.provenance!;
      return { ...r, provenance: { ...rest, agentPath: join(scratch, 'elsewhere') } };
    });
    writeFileSync(join(forged, 'results.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = spawnSync(process.execPath, [bin, 'verify', forged, '--no-rerun'], { cwd: scratch, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/TAMPERED line \d+: my-agent .*\n\s+provenance \(paths, isolation\) hashes to [0-9a-f]+, but the line records provenanceHash [0-9a-f]+: edited after the run/);
    expect(r.stdout).toMatch(/verify: FAILED \(6 lines sealed-checked, 0 re-run, 2 bad/);
  });

  it('verify never imports a module file a forged line points at, whether its seals were recomputed or not', () => {
    const marker = join(scratch, 'evil-ran');
    const evil = join(scratch, 'evil.mjs');
    writeFileSync(evil, `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x'); export const createAgent = () => ({ name: 'evil', act: () => 0 });\n`);
    const mine = results(sandboxed).find((r) => r.agent === 'my-agent')!;
    const provenance = { scenarioFile: mine.provenance!.scenarioFile, agentPath: evil, trusted: true };
    const dir = join(scratch, 'forged-module');
    mkdirSync(dir);
    // Seals recomputed (they hold no secret): re-run refused, the line differs.
    writeFileSync(join(dir, 'results.jsonl'), `${JSON.stringify({ ...mine, provenance, provenanceHash: provenanceHashOf({ resultHash: mine.resultHash, provenance }) })}\n`);
    const resealed = spawnSync(process.execPath, [bin, 'verify', dir], { cwd: scratch, encoding: 'utf8' });
    expect(resealed.status).toBe(1);
    expect(resealed.stdout).toMatch(/re-run threw: .*evil\.mjs: expected the folder of submission "my-agent" \(verify re-runs submissions isolated; a bare module file can run only trusted\); found a file/);
    // Seals left broken: tampered, and not re-run at all.
    writeFileSync(join(dir, 'results.jsonl'), `${JSON.stringify({ ...mine, provenance })}\n`);
    const broken = spawnSync(process.execPath, [bin, 'verify', dir], { cwd: scratch, encoding: 'utf8' });
    expect(broken.stdout).toMatch(/verify: FAILED \(1 lines sealed-checked, 0 re-run, 1 bad/);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses --sandbox where bubblewrap is missing, says how to install it, and writes nothing', () => {
    const out = join(scratch, 'no-bwrap');
    const env = { ...process.env, ORCHBENCH_BWRAP: '/nonexistent/bwrap' };
    const r = spawnSync(process.execPath, [bin, 'run', '--suite', 'testing', '--scenarios', 'broadband-1u-loose-v1', '--agents', 'random', '--submissions', agentDir, '--seeds', '1', '--out', out], { cwd: repoRoot, encoding: 'utf8', env });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--sandbox: expected bubblewrap \(bwrap\) and prlimit, to isolate submissions: install bubblewrap \(Debian\/Ubuntu: apt-get install bubblewrap;.*or pass --trusted/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, 'run.json'))).toBe(false);
    const check = spawnSync(process.execPath, [bin, 'submission', 'check', agentDir], { cwd: repoRoot, encoding: 'utf8', env });
    expect(check.status).not.toBe(0);
    expect(check.stderr).toMatch(/apt-get install bubblewrap/);
  });

  it('refuses a submission named like a baseline, or two submissions with one name', () => {
    const clash = join(scratch, 'clash');
    execFileSync(process.execPath, [bin, 'submission', 'init', clash, '--name', 'random'], { cwd: repoRoot });
    expect(() => submissionRefs([clash])).toThrow(/a name that is not a baseline's/);
    expect(() => submissionRefs([agentDir, agentDir])).toThrow(/a name no other submission of the run has/);
  });
});

/** A copy of a fixture in the scratch folder, renamed, with these hyperparameters (its ctx.config). */
function variant(name: string, from: string, hyperparameters: object): string {
  const dir = join(scratch, name);
  cpSync(fixture(from), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'submission.json'), 'utf8')) as object;
  writeFileSync(join(dir, 'submission.json'), JSON.stringify({ ...manifest, name, hyperparameters }));
  return dir;
}

describe('hostile submissions in a run', () => {
  it('are recorded as failed with the rule they broke, the harness survives one that signals its parent, and the other jobs are ok', async () => {
    const agents = [{ name: 'greedy-heuristic', kind: 'baseline' as const }, ...submissionRefs([fixture('hostile-loop'), fixture('hostile-read'), fixture('hostile-throw-load'), variant('kill-parent', 'hostile-kill-parent', { signal: 'SIGKILL' })])];
    const jobs = await planJobs({ suite: 'testing', scenarios: ['broadband-1u-loose-v1'], agents, seeds: 1, rootSeed: 0, sandbox: true });
    const out = await executeJobs(jobs, { outDir: join(scratch, 'hostile'), workers: 2, jobTimeoutS: 30, decisionMs: 500 });
    const by = Object.fromEntries(out.results.map((r) => [r.agent, r]));
    expect(by['greedy-heuristic']?.status).toBe('ok');
    expect(by['kill-parent']?.status).toBe('ok');
    // SubmissionError messages as they are, not "threw SubmissionError: ...".
    expect(by['hostile-loop']).toMatchObject({ status: 'failed', reason: 'exceeded the 500 ms per-decision limit (in act)' });
    expect(by['hostile-read']?.reason).toMatch(/^reported by the submission: read outside its folder: /);
    expect(by['hostile-throw-load']?.reason).toMatch(/^reported by the submission: threw at load: /);
    expect(out.failed).toBe(3);
  }, 60_000);

  it('self-reported stats never rank, never break the leaderboard or --resume, and are stored bounded; HTML in a reason is escaped in leaderboard.md', async () => {
    const dirs = [
      variant('stats-zero', 'hostile-stats', { realSteps: 0 }),
      variant('stats-tiny', 'hostile-stats', { realSteps: -1e300 }),
      variant('stats-many', 'hostile-stats', { realSteps: 'many', bigInfo: true }),
      variant('html-reason', 'hostile-forge', {}),
    ];
    writeFileSync(join(dirs[3]!, 'agent.mjs'), "export const createAgent = () => { throw new Error('<img src=x onerror=alert(1)> | <b>bold</b>'); };\n");
    const agents = [{ name: 'random', kind: 'baseline' as const }, ...submissionRefs(dirs)];
    const jobs = await planJobs({ suite: 'testing', scenarios: ['broadband-1u-loose-v1'], agents, seeds: 1, rootSeed: 0, sandbox: true });
    const outDir = join(scratch, 'stats');
    const out = await executeJobs(jobs, { outDir, workers: 2, jobTimeoutS: 60, decisionMs: 2000 });
    const by = Object.fromEntries(out.results.map((r) => [r.agent, r]));
    const counted = by.random!.metrics!.realSteps;
    for (const name of ['stats-zero', 'stats-tiny', 'stats-many']) {
      const m = by[name]!.metrics!;
      // Counted by the harness: the same as the baseline's, whatever the agent says.
      expect(m.realSteps).toBe(counted);
      expect(m.planningUpdates).toBe(0);
      expect(JSON.stringify(m.info).length).toBeLessThanOrEqual(4096);
    }
    // Shown as reported.
    expect(by['stats-zero']!.metrics!.info).toMatchObject({ reportedRealSteps: 0, reportedPlanningUpdates: -5 });
    expect(by['stats-tiny']!.metrics!.info.reportedRealSteps).toBe(-1e300);
    expect(by['stats-many']!.metrics!.info.reportedRealSteps).toBe('many');
    expect(readFileSync(join(outDir, 'results.jsonl'), 'utf8').length).toBeLessThan(100_000);

    const lb = await writeLeaderboard(outDir, out.results, { command: 'orchbench run', harnessVersion: '0', nodeVersion: process.version, suite: 'testing', seeds: [0], rootSeed: 0 });
    expect(lb.failures.map((f) => f.agent)).toEqual(['html-reason']);
    const md = readFileSync(join(outDir, 'leaderboard.md'), 'utf8');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt; \\| &lt;b&gt;bold&lt;/b&gt;');
    expect(md).not.toMatch(/<img|<b>/);

    // A line an older harness wrote with the agent's word for realSteps: --resume re-runs that job.
    const many = by['stats-many']!;
    const { resultHash: _h, provenanceHash: _p, ...rest } = many;
    const old = sealResult({ ...rest, metrics: { ...many.metrics!, realSteps: 'many' as unknown as number } });
    const resumeDir = join(scratch, 'stats-resume');
    mkdirSync(resumeDir);
    writeFileSync(join(resumeDir, 'results.jsonl'), `${JSON.stringify(old)}\n`);
    const again = await executeJobs(jobs.filter((j) => j.spec.agent === 'stats-many'), { outDir: resumeDir, workers: 1, resume: true, jobTimeoutS: 60, decisionMs: 2000 });
    expect(again.ran).toBe(1);
    expect(again.results[0]!.metrics!.realSteps).toBe(counted);
    // And a leaderboard built from such a line lists it as a failure instead of breaking.
    const mixed = buildLeaderboard([by.random!, old], { command: 'x', harnessVersion: '0', nodeVersion: '', suite: 'testing', seeds: [0], rootSeed: 0 });
    expect(mixed.failures.map((f) => f.reason)).toEqual([expect.stringMatching(/^recorded metrics cannot be ranked \(metrics\/realSteps is "many", not a finite number >= 0\): re-run with --resume$/)]);
  }, 120_000);
});

/** `pid` and its descendants, from /proc (gone ones skipped). */
function tree(pid: number): number[] {
  const out = [pid];
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) if (c.trim()) out.push(...tree(Number(c)));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}
const busy = (pid: number): boolean => {
  try {
    return /^\d+ \(.*\) R/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
/** A process's start time (clock ticks since boot, /proc/PID/stat field 22), or null when it is gone: with its pid, who it is (a pid can be reused). */
const startOf = (pid: number): string | null => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^\d+ \(.*\) /s, '').split(' ')[19] ?? null;
  } catch {
    return null;
  }
};
/** Whether the process `pid` that started at `start` still runs (not a zombie, and not another process reusing the pid). */
const alive = (pid: number, start: string | null): boolean => {
  try {
    return start !== null && startOf(pid) === start && !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
/** What a process runs, for a failure message. */
const cmdline = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '(gone)';
  }
};

describe('the harness killed while a sandboxed job busy-loops', () => {
  it.each(['SIGKILL', 'SIGTERM'] as const)('%s: every process of the sandbox ends with it', async (signal) => {
    // The sandbox's processes are the harness's descendants (a folder this small is passed into the
    // sandbox by content, so no command line names it).
    const dir = variant(`loop-${signal.toLowerCase()}-${process.pid}`, 'hostile-loop', {});
    const harness = spawn(process.execPath, [bin, 'run', '--suite', 'testing', '--scenarios', 'broadband-1u-loose-v1', '--agents', 'random', '--submissions', dir, '--seeds', '1', '--workers', '1', '--decision-ms', '600000', '--out', join(scratch, `killed-${signal}`)], { cwd: repoRoot, stdio: 'ignore' });
    let sandbox: number[] = [];
    const starts = new Map<number, string | null>();
    try {
      // Until the agent is in its endless loop (a running process under bwrap). The harness itself
      // is not part of the sandbox (and is busy starting up).
      expect(await eventually(() => (sandbox = tree(harness.pid!).filter((p) => p !== harness.pid)).some(busy), 60_000)).toBe(true);
      for (const pid of sandbox) starts.set(pid, startOf(pid));
    } finally {
      harness.kill(signal);
    }
    // The harness is this process's child: its exit is an event. Its sandbox's processes are not
    // (no exit event here): a long window, which ends as soon as they are gone.
    if (harness.exitCode === null && harness.signalCode === null) await once(harness, 'exit');
    const started = sandbox.map((pid) => [pid, starts.get(pid) ?? null] as const);
    const survivors = (): string[] => started.filter(([pid, start]) => alive(pid, start)).map(([pid]) => `${pid}: ${cmdline(pid)}`);
    await eventually(() => survivors().length === 0);
    expect(survivors()).toEqual([]);
  }, 120_000);
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
      // SIGKILL is delivered asynchronously: on a busy machine the process may take a moment to go.
      for (let i = 0; i < 100 && running(dead.pid); i++) await new Promise((r) => setTimeout(r, 20));
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
