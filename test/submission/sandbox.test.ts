import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { expectGoodStillRuns, fixture, localServer, runSubmission, shipped } from './helpers.ts';

// Each case: the fixture, the reason its job must be recorded with, and limits. Reasons that the
// submission's own process sent start with "reported by the submission:" (it could forge them).
describe('sandbox: hostile Node submissions are contained and recorded with a clear reason', () => {
  const cases: [string, RegExp, object?][] = [
    ['hostile-read', /^reported by the submission: read outside its folder: \/etc\/hostname \(during act\)$/],
    ['hostile-write', /^reported by the submission: wrote a file: .*orchbench-hostile-write\.txt/],
    ['hostile-spawn', /^reported by the submission: spawned a process/],
    ['hostile-loop', /^exceeded the 200 ms per-decision limit \(in act\)$/, { decisionMs: 200 }],
    ['hostile-alloc', /^heap limit exceeded \(64 MB\)$/, { heapMb: 64, rssMb: 0, decisionMs: 10_000 }],
    ['hostile-throw-load', /^reported by the submission: threw at load: Error: boom at load/],
    ['hostile-invalid', /^invalid action 99 \(mask [01](,[01])+\)$/],
  ];
  it.each(cases)('%s', async (name, reason, limits) => {
    const r = await runSubmission(fixture(name), { sandbox: true, ...(limits ? { limits } : {}) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(reason);
    if (name === 'hostile-write') expect(existsSync(`${tmpdir()}/orchbench-hostile-write.txt`)).toBe(false);
    await expectGoodStillRuns();
  });

  it('unbounded ArrayBuffer memory (outside the V8 heap) is stopped by the resident-memory watch', async () => {
    // hostile-alloc with a high heap limit: only the RSS limit can stop it.
    const r = await runSubmission(fixture('hostile-alloc'), { sandbox: true, config: { buffers: true }, limits: { heapMb: 4096, rssMb: 150, decisionMs: 10_000 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^heap limit exceeded: resident memory \d+ MB exceeded the 150 MB limit$/);
    await expectGoodStillRuns();
  });

  it('an agent snooping for the environment or trace data finds nothing', async () => {
    const r = await runSubmission(fixture('hostile-snoop'), { sandbox: true });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.stats?.info?.found).toBe('');
  });

  it.each(['SIGKILL', 'SIGSTOP'])('killing or freezing its parent with %s reaches only the sandbox init (PID namespace): the job and this process go on', async (signal) => {
    const r = await runSubmission(fixture('hostile-kill-parent'), { sandbox: true, config: { signal } });
    expect(r.ok).toBe(true);
    // Its parent is pid 1 of its own PID namespace, which ignores signals from inside it.
    if (r.ok) expect(r.stats?.info?.ppid).toBe(1);
    await expectGoodStillRuns();
  });

  it('trace events cannot write into the submission folder (read-only): nothing is written, and the job is not recorded as ok', async () => {
    const before = readdirSync(fixture('hostile-trace-write')).sort();
    // With its trace file unwritable, the child stalls at load (seen with Node 20): the load limit ends it.
    const r = await runSubmission(fixture('hostile-trace-write'), { sandbox: true, limits: { loadMs: 3000 } });
    expect(readdirSync(fixture('hostile-trace-write')).sort()).toEqual(before);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^exceeded the 3000 ms load limit$|^reported by the submission: /);
    await expectGoodStillRuns();
  });

  it('a forged harness-style failure reason is recorded as what the submission reported, not as a rule the harness saw broken', async () => {
    const r = await runSubmission(fixture('hostile-forge'), { sandbox: true });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toBe('reported by the submission: read outside its folder: /etc/shadow (during act)');
      expect(r.error.failure).toBe('threw');
    }
    await expectGoodStillRuns();
  });

  it('a sandboxed run writes no temporary folder (the bundle is handed over by content), so a killed run leaves none behind', async () => {
    // A private TMPDIR: other processes on the machine may use the shared one meanwhile.
    const saved = process.env.TMPDIR;
    const own = mkdtempSync(join(tmpdir(), 'orchbench-tmpdir-'));
    process.env.TMPDIR = own;
    try {
      const r = await runSubmission(shipped('example-thompson'), { sandbox: true });
      expect(r.ok).toBe(true);
      expect(readdirSync(own)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(own, { recursive: true, force: true });
    }
  });

  describe('network', () => {
    const server = localServer();

    it('every route to the network throws and no connection arrives', async () => {
      const r = await runSubmission(fixture('hostile-net'), { sandbox: true, config: { port: server.port } });
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.stats?.info?.reached).toBe('');
      // Every connection made before this one has been received: none of them was the agent's.
      await server.settled();
      expect(server.connections).toBe(0);
    });

    it('the same agent in trusted mode does reach the server (the test can detect a connection)', async () => {
      // Only a plain socket: the other attempts (inspector, fetch) would act on the test process itself.
      const r = await runSubmission(fixture('hostile-net'), { config: { port: server.port, only: ['import net'] } });
      expect(r.ok).toBe(true);
      await server.connected();
      await server.settled();
      expect(server.connections).toBeGreaterThan(0);
    });
  });
});

describe('modes agree', () => {
  it('a sandboxed agent makes the same decisions as in-process (bit-identical observations)', async () => {
    const a = await runSubmission(shipped('example-thompson'));
    const b = await runSubmission(shipped('example-thompson'), { sandbox: true });
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(b.logSha256).toBe(a.logSha256);
      expect(b.stats?.realSteps).toBe(200);
    }
  });

  it('an invalid action is caught in trusted mode too', async () => {
    const r = await runSubmission(fixture('hostile-invalid'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.failure).toBe('invalid-action');
  });

  it('an external Python process speaks the protocol: acts, receives every learn, reports stats (trusted and isolated alike)', async () => {
    for (const sandbox of [false, true]) {
      const r = await runSubmission(fixture('python-agent'), { sandbox });
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.decisions).toBe(250);
        expect(r.stats?.realSteps).toBe(200);
      }
    }
  });
});
