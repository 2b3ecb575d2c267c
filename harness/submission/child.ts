/**
 * The sandboxed child's main module (bundled to `bootstrap.mjs` by `bundle.ts`): hardens the
 * process, loads the submission's bundle (`agent.mjs` next to it), and serves the JSON-lines
 * protocol (`protocol.ts`) on fd 0/1 with blocking reads: the child has nothing else to do between
 * requests, so it needs no event loop and no stream objects.
 */
import { readSync, writeSync } from 'node:fs';
import type { Agent, AgentFactory, Transition } from '../agent.ts';
import { harden } from './harden.ts';
import { fromWire, type AgentReply, type HostMessage } from './protocol.ts';

/** A thrown value as the reason line the harness records. */
export function describeThrown(e: unknown, during: string): string {
  const err = e as { code?: string; permission?: string; resource?: string; message?: string } | null;
  if (err?.code === 'ERR_ACCESS_DENIED') {
    const what = err.permission === 'FileSystemRead' ? `read outside its folder: ${err.resource ?? ''}`
      : err.permission === 'FileSystemWrite' ? `wrote a file: ${err.resource ?? ''}`
      : err.permission === 'ChildProcess' ? 'spawned a process'
      : err.permission === 'WorkerThreads' ? 'started a worker thread'
      : `used a forbidden API (${err.permission ?? 'unknown'})`;
    return `${what} (during ${during})`;
  }
  if (err?.code === 'ERR_NETWORK_BLOCKED') return `${err.message ?? 'used the network'} (during ${during})`;
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return during === 'load' ? `threw at load: ${text}` : `threw in ${during}: ${text}`;
}

const input = Buffer.alloc(1 << 20);
let pending = '';

/** The next protocol line from fd 0 (blocking), or null at end of input. */
function readLine(): string | null {
  for (;;) {
    const nl = pending.indexOf('\n');
    if (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      return line;
    }
    let n: number;
    try {
      n = readSync(0, input, 0, input.length, null);
    } catch (e) {
      // A non-blocking pipe may report EAGAIN: retry the read.
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw e;
    }
    if (n === 0) return null;
    pending += input.toString('utf8', 0, n);
  }
}

function reply(r: AgentReply): void {
  writeSync(1, `${JSON.stringify(r)}\n`);
}

function fail(e: unknown, during: string): never {
  reply({ error: describeThrown(e, during) });
  process.exit(1);
}

/**
 * Runs `load` with `Date` showing `clockMs` (a fixed instant; `Date.now()` and `new Date()`), then
 * restores the real clock; with no `clockMs`, runs it as is.
 */
async function withLoadClock<T>(clockMs: number | undefined, load: () => Promise<T>): Promise<T> {
  if (typeof clockMs !== 'number') return load();
  const RealDate = Date;
  const Fixed = function (this: unknown, ...args: unknown[]) {
    if (!new.target) return new RealDate(clockMs).toString();
    return args.length ? new (RealDate as unknown as new (...a: unknown[]) => Date)(...args) : new RealDate(clockMs);
  } as unknown as DateConstructor;
  Object.setPrototypeOf(Fixed, RealDate);
  Object.defineProperty(Fixed, 'prototype', { value: RealDate.prototype });
  Fixed.now = () => clockMs;
  globalThis.Date = Fixed;
  try {
    return await load();
  } finally {
    globalThis.Date = RealDate;
  }
}

/** Serves one agent until `close` or end of input. */
async function serve(): Promise<void> {
  harden();
  const hello = JSON.parse(readLine() ?? '{}') as HostMessage;
  if (hello.type !== 'hello') fail(new Error(`expected hello, got ${hello.type}`), 'load');
  let agent: Agent;
  try {
    agent = await withLoadClock(hello.loadClockMs, async () => {
      const mod = (await import(new URL('./agent.mjs', import.meta.url).href)) as { createAgent?: unknown };
      if (typeof mod.createAgent !== 'function') throw new TypeError(`the entry module must export createAgent (an AgentFactory); found ${typeof mod.createAgent}`);
      return (mod.createAgent as AgentFactory)({ env: hello.env, seed: hello.seed, config: hello.config });
    });
  } catch (e) {
    fail(e, 'load');
  }
  reply({ type: 'ready', name: agent.name });
  for (let line = readLine(); line !== null; line = readLine()) {
    const msg = JSON.parse(line) as HostMessage;
    let during: string = msg.type;
    try {
      switch (msg.type) {
        case 'act':
          reply({ action: agent.act(fromWire(msg.obs)) });
          break;
        case 'learn': {
          const t = msg.transition;
          const transition: Transition = { ...t, obs: fromWire(t.obs), nextObs: fromWire(t.nextObs) };
          agent.learn?.(transition);
          break;
        }
        case 'mode':
          agent.setMode?.(msg.mode);
          break;
        case 'stats':
          reply({ stats: agent.stats?.() ?? null });
          break;
        case 'close':
          during = 'dispose';
          agent.dispose?.();
          process.exit(0);
          break;
        default:
          throw new Error(`unknown message type ${JSON.stringify((msg as { type?: unknown }).type)}`);
      }
    } catch (e) {
      fail(e, during);
    }
  }
}

await serve();
