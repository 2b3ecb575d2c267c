/** Shared helpers of the submission tests: run a fixture or shipped submission on a short episode. */
import { readFileSync, readdirSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { AgentStats } from '../../harness/agent.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { SubmissionError } from '../../harness/submission/errors.ts';
import { submissionFactory, type SubmissionLoadOptions } from '../../harness/submission/load.ts';
import { readSubmission } from '../../harness/submission/manifest.ts';
import { CHECK_SCENARIO } from '../../harness/submission/check.ts';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
export const shipped = (name: string): string => fileURLToPath(new URL(`../../submissions/${name}`, import.meta.url));

export type RunOutcome = { ok: true; logSha256: string; stats: AgentStats | null; decisions: number } | { ok: false; error: SubmissionError };

/**
 * Runs a submission for a short episode (200 learning + 50 evaluation decisions). The per-decision
 * limit defaults to 2 s, not 200 ms: on a loaded CI machine a good agent's slowest decision must not fail it.
 */
export async function runSubmission(dir: string, options: SubmissionLoadOptions = {}): Promise<RunOutcome> {
  const opts = { ...options, limits: { decisionMs: 2000, ...options.limits } };
  const env = new OrchestrationEnv(await loadScenario(CHECK_SCENARIO, { variant: 'testing' }));
  const { submission } = readSubmission(dir);
  try {
    const agent = await submissionFactory(submission, opts)({ env: env.spec, seed: 7 });
    try {
      const r = runEpisode(env, agent, 1, { learningDecisions: 200, evaluationDecisions: 50 });
      return { ok: true, logSha256: r.logSha256, stats: r.agentStats, decisions: r.learningRewards.length + r.eval.decisions };
    } finally {
      agent.dispose?.();
    }
  } catch (e) {
    if (e instanceof SubmissionError) return { ok: false, error: e };
    throw e;
  }
}

/** After a hostile job, a good submission must still run, isolated, in the same process. */
export async function expectGoodStillRuns(): Promise<void> {
  const r = await runSubmission(shipped('template'), { sandbox: true });
  if (!r.ok) throw new Error(`the good job after a hostile one failed: ${r.error.message}`);
}

/** Pids of the processes on this machine whose command line contains `mark`. */
export function processesWith(mark: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(mark)) pids.push(Number(p));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/**
 * Waits up to `ms` for `cond` (polled every 50 ms); returns whether it held. For what has no event
 * to wait on here (the end of a process that is not this one's child): the window is long (it ends
 * as soon as `cond` holds), so a loaded machine does not fail it.
 */
export async function eventually(cond: () => boolean, ms = 30_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (cond()) return true;
  return cond();
}

/** The local server of {@link localServer}. */
export interface LocalServer {
  readonly port: number;
  /** Connections received, the marker connections of {@link settled} not counted. */
  readonly connections: number;
  /** Resolves at the first connection (an event, no waiting window). */
  connected(): Promise<void>;
  /**
   * Resolves once every connection made before this call has been received: it connects itself
   * and waits until the server has accepted that connection (a listening socket accepts in order),
   * so "no connection arrived" is checked without a waiting window.
   */
  settled(): Promise<void>;
}

/**
 * A TCP server on 127.0.0.1 for the tests of the file (started before them, closed after) that
 * counts the connections it receives: what a network escape would reach.
 */
export function localServer(): LocalServer {
  let server: Server;
  let port = 0;
  const accepted: number[] = [];
  const markers = new Set<number>();
  const events = new EventEmitter();
  beforeAll(async () => {
    server = createServer((s) => {
      accepted.push(s.remotePort ?? -1);
      s.destroy();
      events.emit('accepted');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const counted = (): number => accepted.filter((p) => !markers.has(p)).length;
  const until = (cond: () => boolean): Promise<void> => new Promise((resolve) => {
    const check = (): void => {
      if (!cond()) return;
      events.off('accepted', check);
      resolve();
    };
    events.on('accepted', check);
    check();
  });
  return {
    get port() {
      return port;
    },
    get connections() {
      return counted();
    },
    connected: () => until(() => counted() > 0),
    settled: () => new Promise<void>((resolve, reject) => {
      const marker = connect(port, '127.0.0.1');
      marker.on('error', reject);
      marker.on('connect', () => {
        markers.add(marker.localPort!);
        void until(() => accepted.includes(marker.localPort!)).then(() => {
          marker.destroy();
          resolve();
        });
      });
    }),
  };
}
