import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EnvSpec } from '../../harness/agent.ts';
import { SubmissionError } from '../../harness/submission/errors.ts';
import { DEFAULT_LIMITS, ProcessAgent, type ProcessCommand } from '../../harness/submission/process-agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { fixtureScenario } from '../env/fixtures.ts';
import { eventually, processesWith } from './helpers.ts';

// The spin before blocking runs only while the machine has an idle core: these tests see an idle one.
vi.mock('node:os', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:os')>()), loadavg: () => [0, 0, 0] }));

const sh = (script: string): ProcessCommand => ({ command: 'sh', args: ['-c', script], cwd: process.cwd(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
const ctx = (config: Record<string, unknown> = {}) => ({ env: {} as EnvSpec, seed: 1, config });

afterEach(() => vi.unstubAllEnvs());

describe('ProcessAgent: the hand-over with the child', () => {
  it('dispose does not wait for a child that stopped reading its stdin (a full FIFO), and the child is killed', async () => {
    // The child reads 100 bytes of a 100 KiB hello, answers and then sleeps: its stdin stays full.
    // Were dispose to wait for room for `close`, it would block this thread until the sleep ends.
    const mark = '19.4817';
    const agent = ProcessAgent.start(sh(`head -c 100 >/dev/null; echo '{"type":"ready","name":"deaf"}'; exec sleep ${mark}`), ctx({ pad: 'x'.repeat(100 << 10) }), { ...DEFAULT_LIMITS, loadMs: 500 });
    expect(agent.name).toBe('deaf');
    agent.dispose();
    // Not this process's child (the relay's): no exit event here, so a long window that ends when it is gone.
    expect(await eventually(() => processesWith(`sleep ${mark}`).length === 0)).toBe(true);
  }, 60_000);

  it('a child that wrote part of a reply and then hangs exceeds the time limit (the alarm\'s newline does not end its line as a reply)', () => {
    const start = () => ProcessAgent.start(sh(`read line; printf '{"type":'; exec sleep 5`), ctx(), { ...DEFAULT_LIMITS, loadMs: 300 });
    expect(start).toThrow(new SubmissionError('time-limit', 'exceeded the 300 ms load limit'));
  }, 10_000);

  it('stops polling for the replies of a slow agent (the spin halves after each miss), and probes again now and then', () => {
    // Every act takes at least 20 ms, far longer than any spin: each spin misses.
    const agent = ProcessAgent.start(sh(`read line; sleep 0.02; echo '{"type":"ready"}'; while read line; do sleep 0.02; echo '{"action":0}'; done`), ctx());
    const obs = new OrchestrationEnv(fixtureScenario()).reset(1, 'learn');
    try {
      for (let i = 0; i < 70; i++) agent.act(obs);
      const t = agent.timing;
      expect(t.calls).toBe(71);
      expect(t.caughtBySpin).toBe(0);
      // The load call and 3 acts (0.15 ms halved to under 0.01 ms), then one probe after 64 calls without.
      expect(t.spunCalls).toBe(5);
    } finally {
      agent.dispose();
    }
  }, 20_000);

  it('leaves no FIFO folder behind: after a run, a child that cannot start, or one too slow to load', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'orchbench-fifo-test-'));
    vi.stubEnv('TMPDIR', scratch);
    try {
      ProcessAgent.start(sh(`read line; echo '{"type":"ready"}'; read line`), ctx()).dispose();
      expect(() => ProcessAgent.start({ ...sh(''), command: join(scratch, 'no-such-program') }, ctx())).toThrow(/could not start/);
      let slow: unknown;
      try {
        ProcessAgent.start(sh('exec sleep 5'), ctx(), { ...DEFAULT_LIMITS, loadMs: 200 });
      } catch (e) {
        slow = e;
      }
      expect(slow).toBeInstanceOf(SubmissionError);
      expect((slow as SubmissionError).message).toBe('exceeded the 200 ms load limit');
      expect(readdirSync(scratch)).toEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 10_000);
});
