import { describe, expect, it } from 'vitest';
import type { EnvSpec } from '../../harness/agent.ts';
import { DEFAULT_LIMITS, ProcessAgent } from '../../harness/submission/process-agent.ts';
import { eventually, processesWith } from './helpers.ts';

describe('ProcessAgent: the hand-over with the child', () => {
  it('dispose does not wait for a child that stopped reading its stdin (a full FIFO), and the child is killed', async () => {
    // The child reads 100 bytes of a 100 KiB hello, answers and then sleeps: its stdin stays full.
    // Were dispose to wait for room for `close`, it would block this thread until the sleep ends.
    const mark = '19.4817';
    const cmd = { command: 'sh', args: ['-c', `head -c 100 >/dev/null; echo '{"type":"ready","name":"deaf"}'; exec sleep ${mark}`], cwd: process.cwd(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } };
    const agent = ProcessAgent.start(cmd, { env: {} as EnvSpec, seed: 1, config: { pad: 'x'.repeat(100 << 10) } }, { ...DEFAULT_LIMITS, loadMs: 500 });
    expect(agent.name).toBe('deaf');
    agent.dispose();
    expect(await eventually(() => processesWith(`sleep ${mark}`).length === 0, 5000)).toBe(true);
  }, 10_000);
});
