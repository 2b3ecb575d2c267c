/**
 * An {@link Agent} whose decisions are made by another process speaking the JSON-lines protocol
 * (`protocol.ts`): a sandboxed Node child or an external program. The environment's episode loop
 * is synchronous, so every call here is too: this thread writes the request to the child's stdin
 * and blocks in `read` on the child's stdout (both FIFOs) until the reply line arrives, so a round
 * trip is one wake-up each way. A relay thread (`relay.mjs`) starts and watches the child and is the
 * alarm clock: at the time limit it wakes this thread, which then kills the child.
 * `learn` and `setMode` need no reply; they are sent with the next `act`, so a decision costs one
 * round trip.
 *
 * On an idle machine a blocked thread's CPU halts, and waking it costs tens of microseconds, twice
 * per round trip. So before blocking on a reply this thread polls for it (non-blocking reads) for
 * at most {@link SPIN_MAX_MS}: a fast agent's reply then finds it awake. The spin adapts: after a
 * reply that the spin missed, the next spin is half as long, down to none, with a full-length probe
 * every {@link SPIN_PROBE_CALLS} calls; so an agent slower than the spin costs almost no spinning.
 * And it only spins while the machine has an idle core (its 1-minute load average below the cores
 * less a half, read once a second): on a busy machine no CPU halts, and a spin would take the CPU
 * from the child it waits for. What it costs: this thread's CPU while it waits for a fast agent
 * (at most the spin per call).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Agent, AgentContext, AgentMode, AgentStats, Observation, Transition } from '../agent.ts';
import { boundedText } from '../errors.ts';
import { REPORTED_PREFIX, SubmissionError } from './errors.ts';
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
  /** Calls that polled for their reply before blocking, and those whose reply came while polling. */
  spunCalls: number;
  caughtBySpin: number;
}

interface ExitReport {
  code: number | null;
  signal: string | null;
  killedFor: string | null;
  stderrTail: string;
}

/** Longest reply line (bytes). */
const REPLY_BYTES = 1 << 20;
/** How long `dispose` waits for a child to exit on its own after the close request (ms). */
const DISPOSE_GRACE_MS = 200;
const OUT_BYTES = 1 << 16;
const EXIT_BYTES = 8192;
/** The shared state with the relay: Int32 slots, then the call's deadline (Float64), then the exit report. */
const SLOTS = { SPAWNED: 0, PID: 1, GONE: 2, EXIT_LEN: 3, CALL: 4, count: 5, deadlineByte: 24, exitByte: 32 } as const;
const NEWLINE = 10;
const CLOSE = Buffer.from('{"type":"close"}\n');
/** Longest poll for a reply before blocking (ms): above a fast agent's round trip, far below a decision limit. */
export const SPIN_MAX_MS = 0.15;
/** Spins shorter than this are not worth a poll (ms): the spin is off until the next probe. */
const SPIN_MIN_MS = 0.01;
/** With the spin off, every this many calls one spins the full length again (the agent may have become fast). */
const SPIN_PROBE_CALLS = 64;
/** How often the load average is read to decide whether the machine has an idle core (ms). */
const IDLE_CHECK_MS = 1000;
let idleCore = { checkedAtMs: -Infinity, idle: false };

/** Whether the machine has a core to spare (load average, read at most once per {@link IDLE_CHECK_MS}). */
function hasIdleCore(nowMs: number): boolean {
  if (nowMs - idleCore.checkedAtMs >= IDLE_CHECK_MS) idleCore = { checkedAtMs: nowMs, idle: loadavg()[0]! < availableParallelism() - 0.5 };
  return idleCore.idle;
}
const decoder = new TextDecoder();

/**
 * A failure the child reported about itself. The child runs the submission's code, which can write
 * any line to fd 1, so nothing it says is taken as a rule the harness saw broken: the reason says
 * who reported it, and the failure is classed by the call the harness was waiting for.
 */
function reported(message: string, during: string): SubmissionError {
  return new SubmissionError(during === 'load' ? 'load' : 'threw', `${REPORTED_PREFIX}${boundedText(message)}`);
}

/**
 * This thread's ends of the child's stdin and stdout, two FIFOs (Node cannot make a pipe, and the
 * sockets it makes for a child's stdio are non-blocking on this side and closed by the thread that
 * spawned the child). The read end of the replies blocks; the write end of the requests does not (a
 * child that reads nothing must not block this thread past its time limit). A FIFO's blocking open
 * waits for the other side, so the other side is opened first and closed. The relay opens the
 * child's ends by path (fds a worker opens are closed when it ends, so each thread opens its own;
 * by path rather than `/proc/self/fd`, so this works beyond Linux); the caller removes the private
 * folder once the relay has spawned the child.
 */
function fifos(): { dir: string; requestFd: number; replyFd: number; replyPollFd: number } {
  const dir = mkdtempSync(join(tmpdir(), 'orchbench-fifo-'));
  try {
    const requests = join(dir, 'requests');
    const replies = join(dir, 'replies');
    const made = spawnSync('mkfifo', ['-m', '600', requests, replies], { encoding: 'utf8' });
    if (made.status !== 0) throw new SubmissionError('load', `threw at load: could not make the FIFOs of its stdin and stdout: ${made.error?.message ?? made.stderr.trim()}`);
    const probe = openSync(requests, constants.O_RDONLY | constants.O_NONBLOCK);
    const requestFd = openSync(requests, constants.O_WRONLY | constants.O_NONBLOCK);
    closeSync(probe);
    // The reply FIFO's non-blocking read end (its own open file description) is what the spin polls.
    const replyPollFd = openSync(replies, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(replies, constants.O_WRONLY);
    const replyFd = openSync(replies, constants.O_RDONLY);
    closeSync(writer);
    return { dir, requestFd, replyFd, replyPollFd };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Space, tab, CR or LF. */
const isBlank = (byte: number): boolean => byte === 32 || byte === NEWLINE || byte === 9 || byte === 13;

/** A process-backed agent; create it with {@link ProcessAgent.start}. */
export class ProcessAgent implements Agent {
  readonly name: string;
  private readonly ctrl: Int32Array;
  /** Absolute time (timeOrigin + now, ms) the pending call must be answered by; the relay watches it. */
  private readonly deadline: Float64Array;
  private readonly exitData: Uint8Array;
  /** Bytes read from the child's stdout: [inStart, inEnd) not yet taken. */
  private readonly inbox = Buffer.allocUnsafe(REPLY_BYTES);
  /** Requests are encoded here (larger ones get their own buffer). */
  private readonly outBuf = Buffer.allocUnsafe(OUT_BYTES);
  /** This thread's ends of the child's stdin and stdout (-1 once closed). */
  private requestFd: number;
  private replyFd: number;
  private replyPollFd: number;
  /** The current spin (ms; adapted per call), until when this call spins, and calls since the spin was turned off. */
  private spinMs = SPIN_MAX_MS;
  private spinUntil = 0;
  private callsUnspun = 0;
  private inStart = 0;
  private inEnd = 0;
  private readonly worker: Worker;
  private readonly jobDeadline: number;
  private dead: SubmissionError | null = null;
  private disposed = false;
  private relayGone = false;
  /** The number of the last call (1, 2, ...): the relay marks an expired call by negating it. */
  private callNo = 0;
  private outbox = '';
  private mode: AgentMode = 'learn';
  /** Decisions of the learning phase: the real steps of an agent that reports no stats (as in-process). */
  private learnActs = 0;
  // Observations are serialised once: the last act's obs is the next learn's `obs`, and a learn's
  // `nextObs` is the next act's obs. Both caches hold only until that next call (buffers are reused).
  private actObs: Observation | null = null;
  private actObsJson = '';
  private nextObs: Observation | null = null;
  private nextObsJson = '';
  readonly timing: CallTiming = { calls: 0, totalMs: 0, maxMs: 0, learnPhaseMs: 0, spunCalls: 0, caughtBySpin: 0 };

  private constructor(cmd: ProcessCommand, private readonly limits: ProcessLimits) {
    const sab = new SharedArrayBuffer(SLOTS.exitByte + EXIT_BYTES);
    this.ctrl = new Int32Array(sab, 0, SLOTS.count);
    this.deadline = new Float64Array(sab, SLOTS.deadlineByte, 1);
    this.exitData = new Uint8Array(sab, SLOTS.exitByte, EXIT_BYTES);
    this.jobDeadline = performance.now() + limits.jobMs;
    const ends = fifos();
    ({ requestFd: this.requestFd, replyFd: this.replyFd, replyPollFd: this.replyPollFd } = ends);
    try {
      this.worker = new Worker(new URL('./relay.mjs', import.meta.url), { workerData: { ...cmd, fifoDir: ends.dir, sab, slots: SLOTS, rssLimitMb: limits.rssMb } });
      // The relay has opened its ends (or failed) once it reports the spawn: the folder can go.
      Atomics.wait(this.ctrl, SLOTS.SPAWNED, 0, limits.loadMs);
    } finally {
      rmSync(ends.dir, { recursive: true, force: true });
    }
    // Closed once the relay (which opens the child's ends from them) has ended, and after dispose.
    this.worker.on('exit', () => {
      this.relayGone = true;
      if (this.disposed) this.closeFifos();
    });
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
    // An extra line that came after the check in `call` puts every later reply one behind, unseen
    // until a reply of the wrong kind: the last call, stats, makes that end the run every time.
    if (!('stats' in r)) throw this.violation(`protocol: sent ${boundedText(JSON.stringify(r), 120)} for stats, not {"stats":...} (a reply out of step: an extra line on stdout?)`);
    const s = r.stats ?? { realSteps: this.learnActs, planningUpdates: 0, learnMs: 0, planningMs: 0 };
    return { ...s, learnMs: this.timing.learnPhaseMs };
  }

  /**
   * Asks the process to exit and waits a moment for it; a child that lingers, or one of a failed
   * agent, is killed before this returns (a timer could not fire while this thread runs the next
   * job synchronously).
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const failed = this.dead !== null;
    if (!this.dead) {
      // One try, never a wait: a child that stopped reading (its stdin full) must not hold up
      // dispose, and the kill below runs on this thread's event loop. A write this short is atomic.
      if (Atomics.load(this.ctrl, SLOTS.SPAWNED) === 1 && Atomics.load(this.ctrl, SLOTS.GONE) === 0) {
        try {
          writeSync(this.requestFd, CLOSE);
        } catch {
          // EAGAIN (full) or EPIPE (gone): the child is killed below if it lingers.
        }
      }
      this.dead = new SubmissionError('crashed', 'used after dispose');
    }
    if (this.relayGone) this.closeFifos();
    const pid = Atomics.load(this.ctrl, SLOTS.PID);
    if (pid <= 0 || Atomics.load(this.ctrl, SLOTS.GONE) === 1) return;
    // A well-behaved child exits on its own within a moment of the close request.
    if (!failed && Atomics.wait(this.ctrl, SLOTS.GONE, 0, DISPOSE_GRACE_MS) !== 'timed-out') return;
    this.kill('disposed');
  }

  private closeFifos(): void {
    if (this.requestFd >= 0) closeSync(this.requestFd);
    if (this.replyFd >= 0) closeSync(this.replyFd);
    if (this.replyPollFd >= 0) closeSync(this.replyPollFd);
    this.requestFd = this.replyFd = this.replyPollFd = -1;
  }

  /** Sends `text` and blocks until one reply line arrives; throws SubmissionError on error, exit or time-out. */
  private call(text: string, during: string, limitMs: number): AgentReply {
    if (this.dead) throw this.dead;
    this.outbox = '';
    const t0 = performance.now();
    const jobLeft = this.jobDeadline - t0;
    const limit = Math.min(limitMs, jobLeft);
    const what = jobLeft < limitMs ? `exceeded the ${this.limits.jobMs} ms job limit` : during === 'load' ? `exceeded the ${limitMs} ms load limit` : `exceeded the ${limitMs} ms per-decision limit (in ${during})`;
    // The first call waits for the relay to start the child.
    while (Atomics.load(this.ctrl, SLOTS.SPAWNED) === 0) {
      const left = t0 + limit - performance.now();
      if (left <= 0) throw this.expired(what);
      Atomics.wait(this.ctrl, SLOTS.SPAWNED, 0, left);
    }
    if (Atomics.load(this.ctrl, SLOTS.GONE) === 1) throw this.fail(this.exitError());
    this.deadline[0] = performance.timeOrigin + t0 + limit;
    // Each call has its own number, so the relay cannot expire this call for a check it made of the last one.
    this.callNo = this.callNo === 0x7fffffff ? 1 : this.callNo + 1;
    Atomics.store(this.ctrl, SLOTS.CALL, this.callNo);
    this.write(text);
    const spun = this.startSpin();
    const line = this.readLine();
    // The spin is still on when the reply came during it.
    const caught = spun && this.spinUntil > 0;
    if (spun) this.adaptSpin(caught);
    // Negative: the relay found the deadline passed and woke this thread; a reply that came first is taken.
    const expired = Atomics.exchange(this.ctrl, SLOTS.CALL, 0) < 0;
    if (line === null) throw expired ? this.expired(what) : this.fail(this.exitError());
    const ms = performance.now() - t0;
    this.timing.calls++;
    if (spun) this.timing.spunCalls++;
    if (caught) this.timing.caughtBySpin++;
    this.timing.totalMs += ms;
    if (this.mode === 'learn') this.timing.learnPhaseMs += ms;
    if (ms > this.timing.maxMs) this.timing.maxMs = ms;
    let reply: AgentReply;
    try {
      reply = JSON.parse(line) as AgentReply;
    } catch {
      // Part of a line, ended by the alarm's newline: the child did not answer in time.
      if (expired) throw this.expired(what);
      throw this.violation(`protocol: sent a line that is not JSON (log to stderr instead): ${boundedText(line, 120)}`);
    }
    if (reply === null || typeof reply !== 'object') throw this.violation(`protocol: sent ${boundedText(line, 120)} instead of a JSON object`);
    // Nothing may follow a reply before the next request (blank lines aside).
    while (this.inStart < this.inEnd && isBlank(this.inbox[this.inStart]!)) this.inStart++;
    if (this.inStart < this.inEnd) throw this.violation(`protocol: sent an unexpected line on stdout (log to stderr instead): ${boundedText(this.inbox.toString('utf8', this.inStart, Math.min(this.inEnd, this.inStart + 480)), 120)}`);
    this.inStart = this.inEnd = 0;
    if (reply.error !== undefined) {
      // The child said it failed: it is not trusted to exit, so it ends now, with the job.
      this.kill('reported an error');
      throw this.fail(reported(String(reply.error), during));
    }
    return reply;
  }

  /**
   * The next non-blank line of the child's stdout (blocking), or null once the relay has marked
   * the call expired or the child gone (it then writes a newline to wake this read) or every
   * writer has closed.
   */
  private readLine(): string | null {
    let scan = this.inStart;
    for (;;) {
      while (scan < this.inEnd && this.inbox[scan] !== NEWLINE) scan++;
      if (scan < this.inEnd) {
        const from = this.inStart;
        this.inStart = scan + 1;
        scan = this.inStart;
        let blank = true;
        for (let i = from; i < this.inStart - 1 && blank; i++) blank = isBlank(this.inbox[i]!);
        if (!blank) return this.inbox.toString('utf8', from, this.inStart - 1);
        if (Atomics.load(this.ctrl, SLOTS.CALL) < 0 || Atomics.load(this.ctrl, SLOTS.GONE) === 1) return null;
        continue;
      }
      if (this.inStart > 0) {
        this.inbox.copy(this.inbox, 0, this.inStart, this.inEnd);
        this.inEnd -= this.inStart;
        scan -= this.inStart;
        this.inStart = 0;
      }
      if (this.inEnd === this.inbox.length) throw this.violation(`protocol: sent a line longer than ${REPLY_BYTES} bytes`);
      const n = this.spinUntil > 0 ? this.poll() : readSync(this.replyFd, this.inbox, this.inEnd, this.inbox.length - this.inEnd, null);
      if (n < 0) continue;
      if (n === 0) return null;
      this.inEnd += n;
    }
  }

  /** Sets how long this call polls for its reply before blocking; false: it does not. */
  private startSpin(): boolean {
    const now = performance.now();
    if (!hasIdleCore(now)) return false;
    let ms = this.spinMs;
    if (ms === 0 && ++this.callsUnspun >= SPIN_PROBE_CALLS) {
      this.callsUnspun = 0;
      ms = SPIN_MAX_MS;
    }
    this.spinUntil = ms > 0 ? now + ms : 0;
    return ms > 0;
  }

  /** A reply the spin caught keeps the full spin; a miss halves it, down to none. */
  private adaptSpin(caught: boolean): void {
    this.spinUntil = 0;
    this.spinMs = caught ? SPIN_MAX_MS : this.spinMs / 2 < SPIN_MIN_MS ? 0 : this.spinMs / 2;
  }

  /**
   * Reads what the reply FIFO holds without blocking, polling until `spinUntil`: the bytes read
   * (0: every writer closed), or -1 once the spin is over with nothing (it then ends).
   */
  private poll(): number {
    const traceLimit = Error.stackTraceLimit;
    // An empty FIFO throws EAGAIN: an expected outcome of a poll, not worth a stack trace.
    Error.stackTraceLimit = 0;
    try {
      do {
        try {
          return readSync(this.replyPollFd, this.inbox, this.inEnd, this.inbox.length - this.inEnd, null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        }
      } while (performance.now() < this.spinUntil);
    } finally {
      Error.stackTraceLimit = traceLimit;
    }
    this.spinUntil = 0;
    return -1;
  }

  /** Writes to the child's stdin; a full FIFO (EAGAIN) is retried until the child has read, is gone or the call expired. */
  private write(text: string): void {
    const fd = this.requestFd;
    // Encoded into a reused buffer when it surely fits (a character is at most 4 bytes).
    const n = this.outBuf.write(text);
    const bytes = n <= this.outBuf.length - 4 ? this.outBuf.subarray(0, n) : Buffer.from(text);
    for (let off = 0; off < bytes.length; ) {
      try {
        off += writeSync(fd, bytes, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          if (Atomics.load(this.ctrl, SLOTS.CALL) < 0 || Atomics.load(this.ctrl, SLOTS.GONE) === 1) return;
          Atomics.wait(this.ctrl, SLOTS.GONE, 0, 1);
          continue;
        }
        // EPIPE: the child is gone; the relay's exit report says why.
        if (code === 'EPIPE') return;
        throw e;
      }
    }
  }

  private expired(what: string): SubmissionError {
    this.kill(what);
    return this.fail(new SubmissionError('time-limit', what));
  }

  /** Ends a child that broke the protocol. */
  private violation(message: string): SubmissionError {
    this.kill('protocol');
    return this.fail(new SubmissionError('protocol', message));
  }

  private kill(reason: string): void {
    const pid = Atomics.load(this.ctrl, SLOTS.PID);
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
    // Every writer closed without a report: the relay is gone too (not expected).
    if (Atomics.wait(this.ctrl, SLOTS.GONE, 0, 1000) === 'timed-out') return new SubmissionError('crashed', 'exited unexpectedly (no exit report)');
    const r = JSON.parse(decoder.decode(this.exitData.subarray(0, Atomics.load(this.ctrl, SLOTS.EXIT_LEN)))) as ExitReport;
    if (r.killedFor?.startsWith('memory')) return new SubmissionError('memory-limit', `heap limit exceeded: ${r.killedFor.slice('memory: '.length)}`);
    if (r.killedFor?.startsWith('processes')) return new SubmissionError('permission', `too many processes: ${r.killedFor.slice('processes: '.length)}`);
    if (/heap out of memory|Reached heap limit/.test(r.stderrTail)) return new SubmissionError('memory-limit', `heap limit exceeded (${this.limits.heapMb} MB)`);
    if (r.killedFor) return new SubmissionError('crashed', `stopped: ${boundedText(r.killedFor)}`);
    // The last line of its stderr is the submission's own text too.
    const lastLine = r.stderrTail.trim().split('\n').pop() ?? '';
    return new SubmissionError('crashed', `exited unexpectedly (code ${r.code}, signal ${r.signal})${lastLine ? `; its last line on stderr: ${boundedText(lastLine, 200)}` : ''}`, r.stderrTail);
  }
}
