import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runSubmission, shipped } from './helpers.ts';

const template = shipped('template');

/** After every hostile job, a good submission must still run in the same process. */
async function expectGoodStillRuns(): Promise<void> {
  const r = await runSubmission(template, { sandbox: true });
  expect(r.ok).toBe(true);
}

describe('sandbox: hostile submissions are contained and recorded with a clear reason', () => {
  const cases: [string, RegExp, object?][] = [
    ['hostile-read', /^read outside its folder: \/etc\/hostname \(during act\)$/],
    ['hostile-write', /^wrote a file: .*orchbench-hostile-write\.txt/],
    ['hostile-spawn', /^spawned a process/],
    ['hostile-loop', /^exceeded the 200 ms per-decision limit \(in act\)$/, { decisionMs: 200 }],
    ['hostile-alloc', /^heap limit exceeded \(64 MB\)$/, { heapMb: 64, rssMb: 0, decisionMs: 10_000 }],
    ['hostile-throw-load', /^threw at load: Error: boom at load/],
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
  });

  it('an agent snooping for the environment or trace data finds nothing', async () => {
    const r = await runSubmission(fixture('hostile-snoop'), { sandbox: true });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.stats?.info?.found).toBe('');
  });

  describe('network', () => {
    let server: Server;
    let connections = 0;
    let port = 0;
    beforeAll(async () => {
      server = createServer((s) => {
        connections++;
        s.destroy();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('every route to the network throws and no connection arrives', async () => {
      const r = await runSubmission(fixture('hostile-net'), { sandbox: true, config: { port } });
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.stats?.info?.reached).toBe('');
      await new Promise((res) => setTimeout(res, 100));
      expect(connections).toBe(0);
    });

    it('the same agent in trusted mode does reach the server (the test can detect a connection)', async () => {
      // Only a plain socket: the other attempts (inspector, fetch) would act on the test process itself.
      const r = await runSubmission(fixture('hostile-net'), { config: { port, only: ['import net'] } });
      expect(r.ok).toBe(true);
      await new Promise((res) => setTimeout(res, 100));
      expect(connections).toBeGreaterThan(0);
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

  it('an external Python process speaks the protocol: acts, receives every learn, reports stats', async () => {
    const r = await runSubmission(fixture('python-agent'));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.decisions).toBe(250);
      expect(r.stats?.realSteps).toBe(200);
    }
  });
});
