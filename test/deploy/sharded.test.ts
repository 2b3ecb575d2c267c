/**
 * The Kubernetes Indexed Job recipe run locally as the engine runs it: each pod's command line
 * (deploy/kubernetes/job.yaml) with JOB_COMPLETION_INDEX set, 4 shards as 4 processes on a tiny
 * sweep. Shard 2 is stopped with SIGTERM (what Kubernetes sends) and retried; shard 3 runs as pid 1
 * in its own pid namespace (as in a pod), is killed with SIGKILL (an OOM kill leaves its lock) and
 * retried as pid 1 again. Then the merge Job's command line. The merged results must equal a
 * single-machine run of the same sweep bit for bit (everything but timing).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/paths.ts';

/** The tiny sweep: one scenario in its testing variant, two cheap agents, 8 seeds (16 jobs). */
const TINY = '--suite testing --scenarios broadband-4u-battery-v3 --agents static-device,random --seeds 8';

interface Container { command: string[]; args: string[] }
const container = (file: string): Container => (parse(readFileSync(join(REPO_ROOT, 'deploy', 'kubernetes', file), 'utf8')) as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers[0]!;

const HAS_UNSHARE = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;

describe('the sharded Kubernetes recipe, run locally', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orchbench-sharded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const results = join(dir, 'results');
  /** A container's command line with the image's paths (/app, /results) mapped to this machine. */
  const local = (c: Container): string[] => [...c.command, ...c.args.map((a) => a.replaceAll('/app/', `${REPO_ROOT}/`).replaceAll('/results', results))];
  const env = (index?: number): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', RUN_ARGS: TINY, ...(index === undefined ? {} : { JOB_COMPLETION_INDEX: String(index) }) });

  interface Ended { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
  const start = (argv: string[], e: NodeJS.ProcessEnv): { child: ChildProcess; ended: Promise<Ended> } => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: REPO_ROOT, env: e });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    return { child, ended: new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr }))) };
  };
  const lines = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);
  /** Resolves once the shard has recorded a first job (it is then mid-run). */
  const firstResult = async (index: number): Promise<void> => {
    while (lines(join(results, `shard-${index}`, 'results.jsonl')) === 0) await new Promise((r) => setTimeout(r, 25));
  };
  /** Deterministic part of a journal: every line without `timing`, by jobHash. */
  const deterministic = (file: string): unknown[] => readFileSync(file, 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { jobHash: string; timing?: unknown }).map(({ timing: _t, ...rest }) => rest)
    .sort((a, b) => (a.jobHash < b.jobHash ? -1 : 1));

  it('4 shards (one stopped by SIGTERM, one SIGKILLed as pid 1) retried and merged equal one machine bit for bit', async () => {
    const shard = container('job.yaml');
    const shards = Number(/--shards (\d+)/.exec(shard.args[0]!)![1]);
    expect(shards).toBe(4);
    const pid1 = (argv: string[]): string[] => (HAS_UNSHARE ? ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child', ...argv] : argv);

    const runs = [0, 1, 2, 3].map((i) => start(i === 2 ? pid1(local(shard)) : local(shard), env(i)));
    await Promise.all([firstResult(1), firstResult(2)]);
    runs[1]!.child.kill('SIGTERM');
    runs[2]!.child.kill('SIGKILL');
    const first = await Promise.all(runs.map((r) => r.ended));
    const log = (s: string): void => void process.stdout.write(`${s}\n`);
    first.forEach((r, i) => log(`shard index ${i}: exit ${r.code ?? r.signal}; ${lines(join(results, `shard-${i}`, 'results.jsonl'))} results; ${r.stderr.split('\n').find((l) => l.startsWith('shard ')) ?? ''}`));
    for (const i of [0, 3]) expect(first[i]!.code, first[i]!.stderr).toBe(0);
    expect(first[0]!.stderr).toMatch(/^shard 1\/4 from JOB_COMPLETION_INDEX=0 \(Kubernetes Indexed Job\), count from --shards$/m);
    // SIGTERM: the run says where its finished jobs are, releases its lock and exits 143.
    expect(first[1]!.code).toBe(143);
    expect(first[1]!.stderr).toMatch(/interrupted \(SIGTERM\): finished jobs are in .*shard-1\/results\.jsonl; rerun with --resume/);
    expect(existsSync(join(results, 'shard-1', 'run.lock'))).toBe(false);
    // SIGKILL cannot be handled: the lock stays, naming pid 1 when it ran in its own pid namespace.
    const left = JSON.parse(readFileSync(join(results, 'shard-2', 'run.lock'), 'utf8')) as { pid: number };
    if (HAS_UNSHARE) expect(left.pid).toBe(1);

    // The engine retries both indexes with the same command line.
    const retried = await Promise.all([start(local(shard), env(1)).ended, start(pid1(local(shard)), env(2)).ended]);
    retried.forEach((r, k) => log(`retry of shard index ${k + 1}: exit ${r.code}; ${r.stderr.split('\n').filter((l) => /taken over|^shard /.test(l)).join(' | ')}; ${r.stdout.trim().split('\n').at(-1)}`));
    for (const r of retried) expect(r.code, r.stderr).toBe(0);
    expect(retried[1]!.stderr).toMatch(/run\.lock was left by a run that is no longer running \(pid \d+ on .*\); taken over/);
    for (const i of [1, 2]) expect(lines(join(results, `shard-${i}`, 'results.jsonl'))).toBeGreaterThan(0);

    const merge = await start(local(container('merge-job.yaml')), env()).ended;
    log(`merge: exit ${merge.code}; ${merge.stdout.trim()}`);
    expect(merge.code, merge.stderr).toBe(0);
    const single = await start(['node', join(REPO_ROOT, 'bin', 'orchbench.js'), 'run', ...TINY.split(' '), '--workers', '2', '--out', join(dir, 'single')], env()).ended;
    expect(single.code, single.stderr).toBe(0);

    const merged = deterministic(join(results, 'merged', 'results.jsonl'));
    expect(merged).toHaveLength(16);
    expect(merged).toEqual(deterministic(join(dir, 'single', 'results.jsonl')));
    type Board = { cells: unknown; aggregates: unknown; rankings: unknown; failures: unknown };
    const board = (d: string): Omit<Board, never> => {
      const { cells, aggregates, rankings, failures } = JSON.parse(readFileSync(join(d, 'leaderboard.json'), 'utf8')) as Board;
      return { cells, aggregates, rankings, failures };
    };
    expect(board(join(results, 'merged'))).toEqual(board(join(dir, 'single')));
    log(`merged ${merged.length} results equal the single-machine run (results without timing, leaderboard cells, aggregates, rankings)`);
  }, 600_000);
});
