/**
 * Resource limits checked by what was enforced, not by the message: a limit that fired at several
 * times its setting would print the same "exceeded the 250 ms per-decision limit". Each test
 * measures what the agent got before it was stopped (CPU time its busy loop used, decisions it
 * completed, resident memory it reached) and bounds it by a small multiple of the limit. CPU time
 * is at most the wall time of a single-threaded loop, so these bounds hold however loaded the machine.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EnvSpec, Observation } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { CHECK_SCENARIO } from '../../harness/submission/check.ts';
import { SubmissionError } from '../../harness/submission/errors.ts';
import { submissionFactory } from '../../harness/submission/load.ts';
import { readSubmission } from '../../harness/submission/manifest.ts';
import { DEFAULT_LIMITS, ProcessAgent, type ProcessLimits } from '../../harness/submission/process-agent.ts';
import { fixture, processesWith } from './helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'orchbench-limits-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A Node child speaking the protocol. `spin` ("load" or "act"): where it busy-loops forever,
 * publishing the CPU time the loop has used (ms) to `$PROBE` (written whole, then renamed).
 * `steps`: decision k sleeps k x 25 ms, then answers (it needs no CPU to do so, so a loaded machine
 * does not slow it down: decisions completed measure the limit's wall time).
 * `grow`: at load, adds 2 MB of resident memory every 10 ms, publishing its resident size (MB).
 */
const CHILD = `
const fs = require('node:fs');
const probe = process.env.PROBE;
const publish = (v) => { fs.writeFileSync(probe + '.tmp', String(v)); fs.renameSync(probe + '.tmp', probe); };
const spin = () => {
  const t0 = process.cpuUsage();
  for (let i = 1; ; i++) if ((i & 0xfffff) === 0) { const u = process.cpuUsage(t0); publish((u.user + u.system) / 1000); }
};
const kept = [];
let decisions = 0;
const grow = () => setInterval(() => { kept.push(Buffer.alloc(2 << 20, 1)); publish(process.memoryUsage().rss / 2 ** 20); }, 10);
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.type === 'hello') {
    if (process.env.MODE === 'spin-load') spin();
    if (process.env.MODE === 'grow') return grow();
    process.stdout.write('{"type":"ready"}\\n');
  } else if (m.type === 'act') {
    if (process.env.MODE === 'spin-act') spin();
    if (process.env.MODE === 'steps') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25 * ++decisions);
    process.stdout.write('{"action":0}\\n');
  }
});`;

/** Starts the child in `mode` and asks it for decisions until it fails; returns what it published last, the decisions it completed and the error that stopped it. */
function runChild(mode: string, limits: Partial<ProcessLimits>): { published: number; completed: number; error: unknown } {
  const probe = join(scratch, mode);
  const cmd = { command: process.execPath, args: ['-e', CHILD], cwd: scratch, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PROBE: probe, MODE: mode } };
  let error: unknown;
  let completed = 0;
  try {
    const agent = ProcessAgent.start(cmd, { env: {} as EnvSpec, seed: 1 }, { ...DEFAULT_LIMITS, ...limits });
    try {
      for (;;) {
        agent.act({ actionMask: Uint8Array.of(1) } as unknown as Observation);
        completed++;
      }
    } finally {
      agent.dispose();
    }
  } catch (e) {
    error = e;
  }
  return { published: existsSync(probe) ? Number(readFileSync(probe, 'utf8')) : NaN, completed, error };
}

describe('limits stop an agent near the limit set, not at a multiple of it', () => {
  it('a busy loop in a decision is stopped within 2x the per-decision limit of its CPU time', () => {
    const { published, error } = runChild('spin-act', { decisionMs: 250 });
    expect(error).toEqual(new SubmissionError('time-limit', 'exceeded the 250 ms per-decision limit (in act)'));
    // Positive control: the loop ran and published (the probe sees CPU time when there is some).
    expect(published).toBeGreaterThan(0);
    expect(published).toBeLessThan(2 * 250);
  }, 20_000);

  it('decisions that take 25 ms longer each are stopped within 2x the per-decision limit', () => {
    // Decision k takes at least k x 25 ms: with a 250 ms limit about 10 complete (fewer on a slow
    // machine, never many more: a late reply is taken only until the relay's next check).
    const { completed, error } = runChild('steps', { decisionMs: 250 });
    expect(error).toEqual(new SubmissionError('time-limit', 'exceeded the 250 ms per-decision limit (in act)'));
    expect(completed).toBeGreaterThan(0);
    expect(completed * 25).toBeLessThan(2 * 250);
  }, 20_000);

  it('a child that needs 4x the load limit to load is stopped', () => {
    // It sleeps (no CPU needed), so a loaded machine cannot make a 5x-too-long limit look right.
    const cmd = { command: 'sh', args: ['-c', 'read line; sleep 2; echo \'{"type":"ready"}\'; read line'], cwd: scratch, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } };
    expect(() => ProcessAgent.start(cmd, { env: {} as EnvSpec, seed: 1 }, { ...DEFAULT_LIMITS, loadMs: 500 })).toThrow(new SubmissionError('time-limit', 'exceeded the 500 ms load limit'));
  }, 20_000);

  it('a busy loop at load is stopped within 2x the load limit of its CPU time', () => {
    const { published, error } = runChild('spin-load', { loadMs: 500 });
    expect(error).toEqual(new SubmissionError('time-limit', 'exceeded the 500 ms load limit'));
    expect(published).toBeGreaterThan(0);
    expect(published).toBeLessThan(2 * 500);
  }, 20_000);

  it('the resident-memory watch stops a growing process within 1.5x its limit', () => {
    const { published, error } = runChild('grow', { rssMb: 120, loadMs: 60_000 });
    expect(error).toBeInstanceOf(SubmissionError);
    const m = /^heap limit exceeded: resident memory (\d+) MB exceeded the 120 MB limit$/.exec((error as Error).message);
    expect(m, (error as Error).message).not.toBeNull();
    // What the watch measured when it stopped the child, and what the child itself saw last.
    expect(Number(m![1])).toBeGreaterThan(120);
    expect(Number(m![1])).toBeLessThan(1.5 * 120);
    expect(published).toBeLessThan(1.5 * 120);
  }, 60_000);

  it('the process watch stops a child with more processes than its limit, and counts them exactly', () => {
    // The child (a shell) starts two sleeps and a subshell with a sleep of its own (a grandchild),
    // then answers. Not under bubblewrap, the count (which leaves out bwrap's own 2) is 5 - 2 = 3.
    // They let go of its stdout and stderr, so that its end is seen once the shell is killed.
    const mark = '20.4711';
    const sleep = `sleep ${mark} >/dev/null 2>&1`;
    const script = `read line; ${sleep} & ${sleep} & (${sleep} & wait) >/dev/null 2>&1 & echo '{"type":"ready"}'; while read line; do echo '{"action":0}'; done`;
    const run = (processLimit: number, windowMs: number): unknown => {
      const agent = ProcessAgent.start({ command: 'sh', args: ['-c', script], cwd: scratch, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, processLimit }, { env: {} as EnvSpec, seed: 1 }, { ...DEFAULT_LIMITS, rssMb: 0, decisionMs: 5000 });
      try {
        // The relay checks the process tree every 200 ms: a window of several checks.
        for (const end = performance.now() + windowMs; performance.now() < end; ) agent.act({ actionMask: Uint8Array.of(1) } as unknown as Observation);
        return null;
      } catch (e) {
        return e;
      } finally {
        agent.dispose();
        // Not in a PID namespace here: the watch kills the shell, not what it started.
        for (const pid of processesWith(`sleep ${mark}`)) process.kill(pid, 'SIGKILL');
      }
    };
    expect(run(2, 10_000)).toEqual(new SubmissionError('permission', 'too many processes: started 3 processes (limit 2)'));
    // At the limit it runs on; the same check saw the excess above (the positive control).
    expect(run(3, 1000)).toBeNull();
  }, 30_000);

  it('a sandboxed Node heap dies near its V8 heap limit: decisions completed at 2 MB each stay under 1.25x the limit', async () => {
    const heapMb = 64;
    const env = new OrchestrationEnv(await loadScenario(CHECK_SCENARIO, { variant: 'testing' }));
    const { submission } = readSubmission(fixture('hostile-heap-steps'));
    const inner = await submissionFactory(submission, { sandbox: true, limits: { heapMb, rssMb: 0, decisionMs: 10_000 } })({ env: env.spec, seed: 7 });
    let completed = 0;
    let error: unknown;
    try {
      runEpisode(env, { ...inner, act: (obs) => { const a = inner.act(obs); completed++; return a; } }, 1, { learningDecisions: 1000, evaluationDecisions: 0 });
    } catch (e) {
      error = e;
    } finally {
      inner.dispose?.();
    }
    expect(error).toEqual(new SubmissionError('memory-limit', `heap limit exceeded (${heapMb} MB)`));
    // Positive control: it ran for some decisions before the limit (the count measures the heap it got).
    expect(completed).toBeGreaterThan(5);
    expect(completed * 2).toBeLessThan(1.25 * heapMb);
  }, 60_000);
});
