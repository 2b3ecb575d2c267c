// The relay thread between a synchronous `ProcessAgent` and its child process. Plain JavaScript so
// it starts without a TypeScript loader. It starts the child (so the child's --die-with-parent is
// tied to this thread), watches it, and is the host's alarm clock. It is not on a decision's path:
// the host writes requests to the child's stdin and reads replies from its stdout itself (FIFOs,
// with blocking system calls), so a round trip is one wake-up each way between two processes (a
// hop through this thread's event loop cost a third wake-up, often across CPUs, and about 20 us).
// Shared state (`ctrl`, Int32 slots, and a Float64 deadline; slot numbers in `process-agent.ts`):
//   SPAWNED 1 once the child runs (or failed to start: then GONE too); PID the child's pid; GONE 1
//   once the child is gone, with its exit report (JSON) in `exit` (EXIT_LEN bytes); CALL the call's
//   number (> 0) while the host waits for a reply until DEADLINE (absolute ms: timeOrigin + now),
//   negated once this thread found it expired (the host then kills the child, unless the reply came
//   first: a starved host does not fail an agent).
// Whenever it sets GONE or negates CALL it writes a newline into the replies (its own write end), which
// wakes a host blocked in `read`; the host treats blank lines as "look at the shared state".
// It also watches the resident memory of the child and every process it started (heap limits do
// not cover ArrayBuffers, and a sandbox's program runs under bwrap), and how many processes that is.
// Files given by content (`files`, e.g. the sandboxed bundle) are written to the child's fd 3, 4, ...
import { spawn } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

const { command, args, cwd, env, files = [], fifoDir, sab, slots, rssLimitMb, processLimit = 0 } = workerData;
const ctrl = new Int32Array(sab, 0, slots.count);
const deadline = new Float64Array(sab, slots.deadlineByte, 1);
const exit = new Uint8Array(sab, slots.exitByte);
const encoder = new TextEncoder();
const STDERR_TAIL_CHARS = 2000;
const WAKE = Buffer.from('\n');

let stderrTail = '';
let killedFor = null;
let child = null;
let waker = -1;

/** A newline into the FIFO: wakes the host if it is blocked reading (a full FIFO wakes it anyway). */
function wake() {
  if (waker < 0) return;
  try {
    writeSync(waker, WAKE);
  } catch {
    // EAGAIN (full: the host has data to read) or EPIPE (the host closed its end).
  }
}

/** Publishes the exit report, marks the child gone and wakes the host. */
function report(code, signal) {
  const bytes = encoder.encode(JSON.stringify({ code, signal, killedFor, stderrTail })).subarray(0, exit.length);
  exit.set(bytes);
  Atomics.store(ctrl, slots.EXIT_LEN, bytes.length);
  Atomics.store(ctrl, slots.GONE, 1);
  Atomics.store(ctrl, slots.SPAWNED, 1);
  Atomics.notify(ctrl, slots.GONE);
  Atomics.notify(ctrl, slots.SPAWNED);
  wake();
  if (waker >= 0) closeSync(waker);
  waker = -1;
}

/**
 * The child's ends of its stdin and stdout, the FIFOs `requests` and `replies` of `fifoDir` (the
 * host holds their other ends and removes the folder once the child is spawned), and a write end of
 * the replies for wake-ups. Opening a FIFO waits for the other side: the host's ends are already
 * open, and stay open until this thread has ended.
 */
function fifoEnds() {
  const stdin = openSync(`${fifoDir}/requests`, constants.O_RDONLY);
  const stdout = openSync(`${fifoDir}/replies`, constants.O_WRONLY);
  const wakeEnd = openSync(`${fifoDir}/replies`, constants.O_WRONLY | constants.O_NONBLOCK);
  return { stdin, stdout, wakeEnd };
}

function kill(reason) {
  if (killedFor === null) killedFor = reason;
  child?.kill('SIGKILL');
}

let ends;
try {
  ends = fifoEnds();
} catch (e) {
  killedFor = `could not start ${command}: ${e.message}`;
  report(null, null);
}

if (ends) {
  waker = ends.wakeEnd;
  try {
    child = spawn(command, args, { cwd, env, stdio: [ends.stdin, ends.stdout, 'pipe', ...files.map(() => 'pipe')] });
  } finally {
    closeSync(ends.stdin);
    closeSync(ends.stdout);
  }
  files.forEach((f, i) => {
    child.stdio[3 + i].on('error', () => {}); // the child died before reading: reported by 'close'
    child.stdio[3 + i].end(f.text);
  });
  Atomics.store(ctrl, slots.PID, child.pid ?? 0);
  Atomics.store(ctrl, slots.SPAWNED, 1);
  Atomics.notify(ctrl, slots.SPAWNED);

  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  child.on('error', (e) => kill(`could not start ${command}: ${e.message}`));

  // 'close' comes after the child exited and its stderr is drained.
  child.on('close', (code, signal) => {
    clearInterval(watch);
    report(code, signal);
    parentPort.close();
  });
  parentPort.on('message', (msg) => kill(msg.kill));
} else {
  parentPort.close();
}

/** `pid` and its descendants (from /proc/PID/task/TID/children); the ones gone meanwhile are skipped. */
function tree(pid, out = []) {
  out.push(pid);
  let tids = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const c of text.split(' ')) if (c.trim()) tree(Number(c), out);
  }
  return out;
}

function residentKb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0; // gone meanwhile
  }
}

// Every 20 ms: the call's deadline (the time limit is enforced within one tick); memory every tick;
// the process tree every 10th tick (a few /proc files per thread).
let pids = [];
let tick = 0;
const watch = ends ? setInterval(() => {
  // Only the call whose deadline was read is expired: the host may have moved on to the next one.
  const call = Atomics.load(ctrl, slots.CALL);
  if (call > 0 && performance.timeOrigin + performance.now() > deadline[0]) Atomics.compareExchange(ctrl, slots.CALL, call, -call);
  // Until the host has seen it (it resets CALL): a wake-up lost to a full FIFO is repeated.
  if (Atomics.load(ctrl, slots.CALL) < 0) wake();
  if (!child.pid || (rssLimitMb <= 0 && processLimit <= 0)) return;
  if (tick++ % 10 === 0) {
    pids = tree(child.pid);
    // Under bubblewrap, two of them are bwrap itself (outside, and the sandbox's init).
    const own = pids.length - 2;
    if (processLimit > 0 && own > processLimit) return kill(`processes: started ${own} processes (limit ${processLimit})`);
  }
  if (rssLimitMb <= 0) return;
  const mb = pids.reduce((s, p) => s + residentKb(p), 0) / 1024;
  if (mb > rssLimitMb) kill(`memory: resident memory ${Math.round(mb)} MB exceeded the ${rssLimitMb} MB limit`);
}, 20) : undefined;
