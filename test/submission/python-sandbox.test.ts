import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually, expectGoodStillRuns, fixture, localServer, processesWith, runSubmission } from './helpers.ts';

const python = fixture('python-hostile');
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

// The same hostile kinds as for Node, for an external (Python) submission: isolated by bubblewrap
// only (no permission model inside), so what stops each is the OS view it is given or a limit.
describe('sandbox: hostile Python submissions are contained and recorded with a clear reason', () => {
  const cases: [string, RegExp, object?][] = [
    // Nothing outside its folder, runtime and /usr exists in its view.
    ['read', /^exited unexpectedly \(code 1, signal null\); its last line on stderr: FileNotFoundError: \[Errno 2\] No such file or directory: '\/etc\/hostname'$/],
    // Its folder is read-only.
    ['write', /^exited unexpectedly \(code 1, signal null\); its last line on stderr: OSError: \[Errno 30\] Read-only file system: 'written.txt'$/],
    ['loop', /^exceeded the 300 ms per-decision limit \(in act\)$/, { decisionMs: 300 }],
    ['alloc', /^heap limit exceeded: resident memory \d+ MB exceeded the 150 MB limit$/, { rssMb: 150, decisionMs: 10_000 }],
    ['bomb', /^too many processes: started \d+ processes \(limit 64\)$/, { decisionMs: 10_000 }],
    ['throwload', /^exited unexpectedly \(code 1, signal null\); its last line on stderr: RuntimeError: boom at load$/],
    ['invalid', /^invalid action 99 \(mask [01](,[01])+\)$/],
    ['forge', /^reported by the submission: read outside its folder: \/etc\/shadow \(during act\)$/],
    // The harness reads the reply stream itself: anything but one reply line per request is refused.
    ['log', /^protocol: sent a line that is not JSON \(log to stderr instead\): choosing an action$/],
    // Seen after the reply, or (its extra line came after that check: replies one behind) at stats.
    ['twice', /^protocol: sent (an unexpected line on stdout \(log to stderr instead\): \{"action": \d+\}|\{"action":\d+\} for stats, not \{"stats":\.\.\.\} \(a reply out of step: an extra line on stdout\?\))$/],
    ['endless', /^protocol: sent a line longer than 1048576 bytes$/],
    // Replies out of step with requests (an extra line that came too late to be seen as one) end at stats.
    ['behind', /^protocol: sent \{"action":0\} for stats, not \{"stats":\.\.\.\} \(a reply out of step: an extra line on stdout\?\)$/],
    // No reply and no end of its stdout (the harness's alarm wakes the blocked read).
    ['closeout', /^exceeded the 300 ms per-decision limit \(in act\)$/, { decisionMs: 300 }],
  ];
  it.each(cases)('%s', async (mode, reason, limits) => {
    const r = await runSubmission(python, { sandbox: true, config: { mode }, ...(limits ? { limits } : {}) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(reason);
    await expectGoodStillRuns();
  });

  it('cannot fill /dev/shm (256 MB) or /dev, open a nested user namespace, or see its folder\'s host path (/proc/1/cmdline, /proc/self/mountinfo)', async () => {
    const r = await runSubmission(python, { sandbox: true, config: { mode: 'escape', hostpath: python } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/RuntimeError: escape shm=no dev=no userns=no hostpath=no$/);
    await expectGoodStillRuns();
  });

  it('a snooping agent sees only its own view: not the checkout, the home folder, the cache, the trace mirror or system files', async () => {
    const paths = [join(repoRoot, 'package.json'), join(repoRoot, 'results'), '/work/shared', join(homedir(), '.cache'), '/etc/passwd', fixture('python-agent')].filter(existsSync);
    expect(paths.length).toBeGreaterThanOrEqual(3);
    const r = await runSubmission(python, { sandbox: true, config: { mode: 'snoop', paths } });
    if (!r.ok) throw new Error(r.error.message);
    // Trusted, it sees them (the check can fail).
    const t = await runSubmission(python, { config: { mode: 'snoop', paths } });
    expect(t.ok).toBe(false);
  });

  it('a failed job\'s processes are gone before the next job: killed at once, not by a timer the next (synchronous) job would hold up', async () => {
    const mark = `orchbench-failed-${randomUUID()}`;
    const r = await runSubmission(python, { sandbox: true, config: { mode: 'forge', mark } });
    expect(r.ok).toBe(false);
    // The next job runs synchronously on this thread for a while: no timer of the last one can
    // fire. It runs at least 1 s (the busy child, forked at the failure, has long been named by
    // then unless it was killed first), then until the processes are gone (the kernel may take a
    // moment to end a PID namespace on a loaded machine): only a kill that needs no timer of this
    // thread passes.
    const start = Date.now();
    while (Date.now() < start + 1000 || (Date.now() < start + 30_000 && processesWith(mark).length > 0));
    expect(processesWith(mark)).toEqual([]);
  });

  it.each(['fork', 'daemon'])('processes it leaves behind (%s, busy in a loop) end with the job', async (mode) => {
    const mark = `orchbench-leftover-${randomUUID()}`;
    const r = await runSubmission(python, { sandbox: true, config: { mode, mark } });
    expect(r.ok).toBe(true);
    // The PID namespace ends with the agent: every process in it is killed.
    expect(await eventually(() => processesWith(mark).length === 0)).toBe(true);
  });

  it('killing or freezing its parent reaches only the sandbox init: the job and this process go on', async () => {
    const r = await runSubmission(python, { sandbox: true, config: { mode: 'killparent' } });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.stats?.info?.ppid).toBe(1);
    await expectGoodStillRuns();
  });

  describe('network', () => {
    const server = localServer();

    it('has no network: a connection to this machine is refused inside its own namespace and none arrives', async () => {
      const r = await runSubmission(python, { sandbox: true, config: { mode: 'net', port: server.port } });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/its last line on stderr: ConnectionRefusedError/);
      // Every connection made before this one has been received: none of them was the agent's.
      await server.settled();
      expect(server.connections).toBe(0);
    });

    it('trusted, the same agent does connect (the test can detect a connection)', async () => {
      const r = await runSubmission(python, { config: { mode: 'net', port: server.port } });
      expect(r.ok).toBe(true);
      // The episode blocks this thread: the server sees the connection once it is free.
      await server.connected();
      await server.settled();
      expect(server.connections).toBeGreaterThan(0);
    });
  });

  it('its folder is unchanged after every case', () => {
    expect(readdirSync(python).sort()).toEqual(['agent.py', 'submission.json']);
  });
});
