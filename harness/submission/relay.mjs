// The relay thread between a synchronous `ProcessAgent` (blocked in Atomics.wait) and its child
// process. Plain JavaScript so it starts without a TypeScript loader. It writes what the host posts
// to the child's stdin and hands each reply line back through the shared buffer:
//   ctrl[0] 0 = no reply yet, 1 = a reply in `data` (ctrl[1] bytes); ctrl[2] the child's pid;
//   ctrl[3] 1 once the child is gone, with its exit report (JSON) in `exit` (ctrl[4] bytes);
//   ctrl[5] the fd of the child's stdin, which the host writes to directly (one thread hop less
//   per decision); ctrl[6] 1 once the child is spawned; ctrl[7] replies the host awaits.
// A waiting host is woken on ctrl[0] for all of these.
// It also watches the resident memory of the child and every process it started (heap limits do
// not cover ArrayBuffers, and a sandbox's program runs under bwrap), and how many processes that is.
// Files given by content (`files`, e.g. the sandboxed bundle) are written to the child's fd 3, 4, ...
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { command, args, cwd, env, files = [], sab, rssLimitMb, processLimit = 0 } = workerData;
const ctrl = new Int32Array(sab, 0, 8);
const EXIT_BYTES = 8192;
const data = new Uint8Array(sab, 32, sab.byteLength - 32 - EXIT_BYTES);
const exit = new Uint8Array(sab, sab.byteLength - EXIT_BYTES);
const encoder = new TextEncoder();
const STDERR_TAIL_CHARS = 2000;

let stderrTail = '';
let buffered = '';
let killedFor = null;
let closed = false;
const queue = [];

const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe', ...files.map(() => 'pipe')] });
files.forEach((f, i) => {
  child.stdio[3 + i].on('error', () => {}); // the child died before reading: reported by 'exit'
  child.stdio[3 + i].end(f.text);
});
Atomics.store(ctrl, 2, child.pid ?? 0);
Atomics.store(ctrl, 5, child.stdin._handle?.fd ?? -1);
Atomics.store(ctrl, 6, 1);
Atomics.notify(ctrl, 0);

function publish(text) {
  let bytes = encoder.encode(text);
  if (bytes.length > data.length) bytes = encoder.encode(JSON.stringify({ error: `protocol: sent a reply of ${bytes.length} bytes (limit ${data.length})` }));
  data.set(bytes);
  Atomics.store(ctrl, 1, bytes.length);
  Atomics.store(ctrl, 0, 1);
  Atomics.notify(ctrl, 0);
}

// Hand over the next reply once the host has taken the previous one (state back to 0).
function pump() {
  while (queue.length > 0 && Atomics.load(ctrl, 0) === 0) publish(queue.shift());
  if (queue.length > 0 && !closed) setImmediate(pump);
}

function kill(reason) {
  if (killedFor === null) killedFor = reason;
  child.kill('SIGKILL');
}

child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  buffered += chunk;
  for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (line.trim() === '') continue;
    // A line nobody asked for is a protocol violation (e.g. logging to stdout), unless it reports an error.
    if (Atomics.load(ctrl, 7) <= 0 && !line.includes('"error"')) {
      kill(`protocol: sent an unexpected line on stdout (log to stderr instead): ${line.slice(0, 120)}`);
      return;
    }
    Atomics.sub(ctrl, 7, 1);
    queue.push(line);
  }
  pump();
});
child.stderr.setEncoding('utf8');
child.stderr.on('data', (chunk) => {
  stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
});
child.stdin.on('error', () => {}); // EPIPE after the child died: reported by 'exit'.
child.on('error', (e) => kill(`could not start ${command}: ${e.message}`));

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

// The process tree is re-read every 10th tick (a few /proc files per thread); memory every tick.
let pids = [];
let tick = 0;
const watch = rssLimitMb > 0 || processLimit > 0 ? setInterval(() => {
  if (!child.pid) return;
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

// 'close' comes after stdout is drained, so the child's last words (an error reply) are queued.
child.on('close', (code, signal) => {
  closed = true;
  if (watch) clearInterval(watch);
  const lastError = queue.find((l) => l.includes('"error"'));
  const bytes = encoder.encode(JSON.stringify({ code, signal, killedFor, lastError, stderrTail })).subarray(0, EXIT_BYTES);
  exit.set(bytes);
  Atomics.store(ctrl, 4, bytes.length);
  Atomics.store(ctrl, 3, 1);
  Atomics.notify(ctrl, 0);
  parentPort.close();
});

parentPort.on('message', (msg) => kill(msg.kill));
