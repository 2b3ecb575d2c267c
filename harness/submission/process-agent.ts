/**
 * An {@link Agent} whose decisions are made by another process speaking the JSON-lines protocol
 * (`protocol.ts`): a sandboxed Node child or an external program. The environment's episode loop
 * is synchronous, so every call here is too: a relay thread (`relay.mjs`) owns the child's pipes,
 * and this thread blocks in `Atomics.wait` on a shared buffer until the reply arrives or the time
 * limit passes. `learn` and `setMode` need no reply; they are sent with the next `act`, so a
 * decision costs one round trip.
 */
import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Agent, AgentContext, AgentMode, AgentStats, Observation, Transition } from '../agent.ts';
import { REPORTED_PREFIX, SubmissionError, boundedText } from './errors.ts';
import type { DataFile } from './isolation.ts';
import { PROTOCOL_VERSION, observationJson, transitionJson, type AgentReply } from './protocol.ts';

/** Resource limits of an out-of-process agent. */
export interface ProcessLimits {
  /** Wall time per call (act, or learn + act, or stats), in ms; the time counts against the agent. */
  decisionMs: number;
  /** Wall time to start the process and create the agent (ms). */
  loadMs: number;
  /** Wall time for the whole job, from start to the last call (ms). */
  jobMs: number;
  /** V8 old-space limit of a sandboxed Node child (MB); ignored for external programs. */
  heapMb: number;
  /** Resident memory limit watched from outside (MB; 0 = none): covers ArrayBuffers and non-Node programs. */
  rssMb: number;
}

export const DEFAULT_LIMITS: ProcessLimits = { decisionMs: 200, loadMs: 15_000, jobMs: 30 * 60_000, heapMb: 512, rssMb: 1024 };

/** How to start the process. */
export interface ProcessCommand {
  command: string;
  args: string[];
  cwd: string;
  /** The whole environment of the child (the harness's own variables are not passed on). */
  env: Record<string, string>;
  /** Files given by content on fd 3, 4, ... (the sandbox's bundle). */
  files?: DataFile[];
  /** Processes the child may have running at once (0 = not watched); the relay stops it beyond. */
  processLimit?: number;
}

/** Time the agent's calls took, measured by the harness (IPC included). */
export interface CallTiming {
  calls: number;
  totalMs: number;
  maxMs: number;
  /** Part of `totalMs` spent in the learning phase. */
  learnPhaseMs: number;
}

interface ExitReport {
  code: number | null;
  signal: string | null;
  killedFor: string | null;
  lastError?: string;
  stderrTail: string;
}

const REPLY_BYTES = 1 << 20;
const EXIT_BYTES = 8192;
const decoder = new TextDecoder();

/**
 * A failure the child reported about itself. The child runs the submission's code, which can write
 * any line to fd 1, so nothing it says is taken as a rule the harness saw broken: the reason says
 * who reported it, and the failure is classed by the call the harness was waiting for.
 */
function reported(message: string, during: string): SubmissionError {
  return new SubmissionError(during === 'load' ? 'load' : 'threw', `${REPORTED_PREFIX}${boundedText(message)}`);
}

/** A process-backed agent; create it with {@link ProcessAgent.start}. */
export class ProcessAgent implements Agent {
  readonly name: string;
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  private readonly exitData: Uint8Array;
  private readonly worker: Worker;
  private readonly jobDeadline: number;
  private dead: SubmissionError | null = null;
  private disposed = false;
  private outbox = '';
  private mode: AgentMode = 'learn';
  /** The call the harness is waiting for (a reported failure is classed by it). */
  private during: string;
  /** Decisions of the learning phase: the real steps of an agent that reports no stats (as in-process). */
  private learnActs = 0;
  // Observations are serialised once: the last act's obs is the next learn's `obs`, and a learn's
  // `nextObs` is the next act's obs. Both caches hold only until that next call (buffers are reused).
  private actObs: Observation | null = null;
  private actObsJson = '';
  private nextObs: Observation | null = null;
  private nextObsJson = '';
  readonly timing: CallTiming = { calls: 0, totalMs: 0, maxMs: 0, learnPhaseMs: 0 };

  private constructor(cmd: ProcessCommand, private readonly limits: ProcessLimits) {
    const sab = new SharedArrayBuffer(32 + REPLY_BYTES + EXIT_BYTES);
    this.ctrl = new Int32Array(sab, 0, 8);
    this.data = new Uint8Array(sab, 32, REPLY_BYTES);
    this.exitData = new Uint8Array(sab, 32 + REPLY_BYTES, EXIT_BYTES);
    this.jobDeadline = performance.now() + limits.jobMs;
    this.worker = new Worker(new URL('./relay.mjs', import.meta.url), { workerData: { ...cmd, sab, rssLimitMb: limits.rssMb } });
    this.during = 'load';
    this.worker.unref();
    this.name = 'process';
  }

  /**
   * Starts the process, sends `hello` (with `hello`'s extra fields) and waits (synchronously, up to
   * `limits.loadMs`) for `ready`.
   * @throws SubmissionError when the process fails to start, throws at load, or is too slow.
   */
  static start(cmd: ProcessCommand, ctx: AgentContext, limits: ProcessLimits = DEFAULT_LIMITS, extra: { loadClockMs?: number } = {}): ProcessAgent {
    const agent = new ProcessAgent(cmd, limits);
    try {
      const hello = { type: 'hello', protocol: PROTOCOL_VERSION, env: ctx.env, seed: ctx.seed, config: ctx.config ?? {}, ...extra };
      const ready = agent.call(`${JSON.stringify(hello)}\n`, 'load', limits.loadMs);
      (agent as { name: string }).name = typeof ready.name === 'string' ? ready.name : 'process';
    } catch (e) {
      agent.dispose();
      throw e;
    }
    return agent;
  }

  act(obs: Observation): number {
    const json = obs === this.nextObs ? this.nextObsJson : observationJson(obs);
    this.nextObs = null;
    this.actObs = obs;
    this.actObsJson = json;
    if (this.mode === 'learn') this.learnActs++;
    const r = this.call(`${this.outbox}{"type":"act","obs":${json}}\n`, 'act', this.limits.decisionMs);
    // A non-number is passed on as is: the caller's action check reports it.
    return r.action as number;
  }

  learn(t: Transition): void {
    const obsJson = t.obs === this.actObs ? this.actObsJson : observationJson(t.obs);
    // Every transition delivered before one act shares that act's observation as `nextObs`.
    if (t.nextObs !== this.nextObs) {
      this.nextObs = t.nextObs;
      this.nextObsJson = observationJson(t.nextObs);
    }
    this.outbox += `{"type":"learn","transition":${transitionJson(t, obsJson, this.nextObsJson)}}\n`;
  }

  setMode(mode: AgentMode): void {
    this.mode = mode;
    this.actObs = null;
    this.nextObs = null;
    this.outbox += `{"type":"mode","mode":"${mode}"}\n`;
  }

  /** The agent's own stats, with `learnMs` replaced by the learning-phase time the harness measured. */
  stats(): AgentStats {
    const r = this.call(`${this.outbox}{"type":"stats"}\n`, 'stats', this.limits.decisionMs);
    const s = r.stats ?? { realSteps: this.learnActs, planningUpdates: 0, learnMs: 0, planningMs: 0 };
    return { ...s, learnMs: this.timing.learnPhaseMs };
  }

  /** Asks the process to exit, then stops the relay (the child is killed if it lingers). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.dead) {
      if (Atomics.load(this.ctrl, 6) === 1 && Atomics.load(this.ctrl, 3) === 0) this.write('{"type":"close"}\n');
      this.dead = new SubmissionError('crashed', 'used after dispose');
    }
    const pid = Atomics.load(this.ctrl, 2);
    // Give a well-behaved child a moment to exit on its own before it is killed.
    setTimeout(() => {
      if (pid > 0 && Atomics.load(this.ctrl, 3) === 0) this.worker.postMessage({ kill: 'disposed' });
    }, 200).unref();
  }

  /** Sends `text` and blocks until one reply line arrives; throws SubmissionError on error, exit or time-out. */
  private call(text: string, during: string, limitMs: number): AgentReply {
    if (this.dead) throw this.dead;
    this.during = during;
    this.outbox = '';
    const t0 = performance.now();
    const jobLeft = this.jobDeadline - t0;
    const deadline = t0 + Math.min(limitMs, jobLeft);
    let written = false;
    for (;;) {
      if (!written && Atomics.load(this.ctrl, 6) === 1) {
        Atomics.add(this.ctrl, 7, 1);
        this.write(text);
        written = true;
      }
      if (Atomics.load(this.ctrl, 0) === 1) break;
      if (Atomics.load(this.ctrl, 3) === 1) throw this.fail(this.exitError());
      const left = deadline - performance.now();
      if (left <= 0) {
        const what = jobLeft < limitMs ? `exceeded the ${this.limits.jobMs} ms job limit` : during === 'load' ? `exceeded the ${limitMs} ms load limit` : `exceeded the ${limitMs} ms per-decision limit (in ${during})`;
        this.kill(what);
        throw this.fail(new SubmissionError('time-limit', what));
      }
      Atomics.wait(this.ctrl, 0, 0, left);
    }
    const line = decoder.decode(this.data.subarray(0, Atomics.load(this.ctrl, 1)));
    Atomics.store(this.ctrl, 0, 0);
    const ms = performance.now() - t0;
    this.timing.calls++;
    this.timing.totalMs += ms;
    if (this.mode === 'learn') this.timing.learnPhaseMs += ms;
    if (ms > this.timing.maxMs) this.timing.maxMs = ms;
    let reply: AgentReply;
    try {
      reply = JSON.parse(line) as AgentReply;
    } catch {
      this.kill('protocol');
      throw this.fail(new SubmissionError('protocol', `protocol: sent a line that is not JSON: ${boundedText(line, 120)}`));
    }
    if (reply === null || typeof reply !== 'object') {
      this.kill('protocol');
      throw this.fail(new SubmissionError('protocol', `protocol: sent ${boundedText(line, 120)} instead of a JSON object`));
    }
    if (reply.error !== undefined) throw this.fail(reported(String(reply.error), during));
    return reply;
  }

  /** Writes to the child's stdin; a full pipe (EAGAIN) is retried until the child has read. */
  private write(text: string): void {
    const fd = Atomics.load(this.ctrl, 5);
    const bytes = Buffer.from(text);
    for (let off = 0; off < bytes.length; ) {
      try {
        off += writeSync(fd, bytes, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        // EPIPE: the child is gone; the relay's exit report says why.
        if (code === 'EPIPE') return;
        throw e;
      }
    }
  }

  private kill(reason: string): void {
    const pid = Atomics.load(this.ctrl, 2);
    try {
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    this.worker.postMessage({ kill: reason });
  }

  private fail(e: SubmissionError): SubmissionError {
    this.dead = e;
    return e;
  }

  /** Why the process is gone, from the relay's exit report. */
  private exitError(): SubmissionError {
    const r = JSON.parse(decoder.decode(this.exitData.subarray(0, Atomics.load(this.ctrl, 4)))) as ExitReport;
    if (r.killedFor?.startsWith('memory')) return new SubmissionError('memory-limit', `heap limit exceeded: ${r.killedFor.slice('memory: '.length)}`);
    if (r.killedFor?.startsWith('processes')) return new SubmissionError('permission', `too many processes: ${r.killedFor.slice('processes: '.length)}`);
    if (r.killedFor?.startsWith('protocol')) return new SubmissionError('protocol', boundedText(r.killedFor));
    if (r.lastError) {
      let message: unknown = r.lastError;
      try {
        message = (JSON.parse(r.lastError) as AgentReply).error ?? r.lastError;
      } catch {
        // Not JSON: reported as it is.
      }
      return reported(String(message), this.during);
    }
    if (/heap out of memory|Reached heap limit/.test(r.stderrTail)) return new SubmissionError('memory-limit', `heap limit exceeded (${this.limits.heapMb} MB)`);
    if (r.killedFor) return new SubmissionError('crashed', `stopped: ${boundedText(r.killedFor)}`);
    // The last line of its stderr is the submission's own text too.
    const lastLine = r.stderrTail.trim().split('\n').pop() ?? '';
    return new SubmissionError('crashed', `exited unexpectedly (code ${r.code}, signal ${r.signal})${lastLine ? `; its last line on stderr: ${boundedText(lastLine, 200)}` : ''}`);
  }
}
