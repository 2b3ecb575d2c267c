/**
 * The output folder of a run: created safely, and held by one run at a time.
 *
 * - {@link prepareOutDir} creates the folder safely (see `ensureDir`): an empty path, a path that
 *   is a file or a device, or one under `/proc` or `/sys` is refused with the reason, never hangs.
 * - {@link acquireRunLock} writes `DIR/run.lock` holding the owner's pid, host and start time, and
 *   where Linux tells them, the boot id and the process's start time since boot (`/proc`); a
 *   second run into the same folder is refused while the owner lives. A lock whose owner is gone
 *   is reported and taken over: its pid no longer exists on this host, or the process with that
 *   pid started at another time or in another boot. That covers a retried Kubernetes pod, whose
 *   host name and pid (1) are those of the killed one. A lock from another host cannot be checked
 *   and is refused with how to remove it. SIGINT and SIGTERM release the lock (SIGKILL cannot:
 *   the start time tells such a lock is stale).
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { ensureDir, errnoText } from '../io/safe-file.ts';

export const LOCK_FILE = 'run.lock';

/**
 * Creates a run's output folder (and missing parents) unless it exists as a folder.
 * @throws InputError for an empty path, a path that exists but is not a folder, or a folder that cannot be created
 */
export function prepareOutDir(dir: string, flag = '--out'): void {
  ensureDir(dir, { what: 'an output folder', flag });
}

/** What `run.lock` records. */
export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  /** The kernel's boot id (`/proc/sys/kernel/random/boot_id`); absent where unknown and in older locks. */
  bootId?: string;
  /** Start time of the process since boot, in clock ticks (`/proc/<pid>/stat` field 22); absent where unknown and in older locks. */
  procStart?: string;
}

/** A held lock; `release` removes it (also on process exit). */
export interface RunLock {
  file: string;
  /** A stale lock taken over, for the caller to report (null: it was unreadable); undefined when there was none. */
  tookOverFrom?: LockOwner | null;
  release(): void;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof v.pid !== 'number' || typeof v.host !== 'string') return undefined;
    return {
      pid: v.pid, host: v.host, startedAt: String(v.startedAt),
      ...(typeof v.bootId === 'string' ? { bootId: v.bootId } : {}),
      ...(typeof v.procStart === 'string' ? { procStart: v.procStart } : {}),
    };
  } catch {
    return undefined;
  }
}

/** This kernel's boot id, or undefined where there is no `/proc`. */
export function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Start time of process `pid` since boot in clock ticks (`/proc/<pid>/stat` field 22), or
 * undefined when there is no such process or no `/proc`. The command name (field 2) may hold
 * spaces and parentheses, so fields are counted after its last `)`.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by another user). */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the lock's owner (on this host) is still running: its pid exists and, where the lock
 * records them, in the same boot and with the same start time (a reused pid is another process).
 */
function alive(o: LockOwner): boolean {
  if (o.bootId !== undefined && o.bootId !== bootId()) return false;
  if (!pidExists(o.pid)) return false;
  if (o.procStart !== undefined) {
    const now = processStart(o.pid);
    if (now !== undefined && now !== o.procStart) return false;
  }
  return true;
}

const describe = (o: LockOwner): string => `pid ${o.pid} on ${o.host}, started ${o.startedAt}`;

/** Exit status of a process ended by a signal (128 + its number), as a shell reports it. */
const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

/** The refusal when `owner` holds the lock of `dir`. */
function heldBy(file: string, dir: string, owner: LockOwner, host: string): InputError {
  const check = owner.host === host ? '' : ' (it cannot be checked from this host)';
  return new InputError({ file, expected: `no other run writing into ${dir}`, found: `a lock held by ${describe(owner)}${check}; wait for it, use another --out, or delete ${file} if no run is writing there` });
}

/**
 * Takes `dir/run.lock` (the folder must exist). The lock is created by linking a complete
 * temporary file into place, so it is never seen half-written and only one of two racing runs
 * gets it; a stale lock is first moved aside by rename (atomic), and if what was moved turns out
 * to be a newer live lock, it is put back and this run is refused.
 * @throws InputError when another live run (or a run on another host) holds the folder, or the
 *   lock cannot be written there
 */
export function acquireRunLock(dir: string): RunLock {
  const file = join(dir, LOCK_FILE);
  const boot = bootId();
  const start = processStart(process.pid);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), ...(boot ? { bootId: boot } : {}), ...(start ? { procStart: start } : {}) };
  const held = (o: LockOwner | undefined): o is LockOwner => o !== undefined && (o.host !== me.host || alive(o));
  const tmp = `${file}.${process.pid}.tmp`;
  let tookOverFrom: LockOwner | null | undefined;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(fd);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, file);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw e;
      }
      const owner = readOwner(file);
      if (held(owner)) throw heldBy(file, dir, owner, me.host);
      // Stale (or unreadable): move it aside, then make sure what was moved was that stale lock.
      const aside = `${file}.stale.${process.pid}`;
      renameSync(file, aside);
      const moved = readOwner(aside);
      if (held(moved)) {
        try {
          linkSync(aside, file);
        } finally {
          unlinkSync(aside);
        }
        throw heldBy(file, dir, moved, me.host);
      }
      unlinkSync(aside);
      tookOverFrom = moved ?? null;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError({ file, expected: `a lock file the run can create in ${dir}`, found: errnoText(e) });
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // Never created (the folder is not writable): the error above says so.
    }
  }
  let released = false;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    release();
    // Another handler (e.g. the run's own message on SIGINT) ends the process; otherwise end it as the signal would have.
    if (process.listenerCount(signal) === 0) process.exit(SIGNAL_EXIT[signal]);
  };
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    try {
      // Only our own lock: never remove one another run took over after a (mistaken) release.
      const o = readOwner(file);
      if (o?.pid === me.pid && o.host === me.host && o.procStart === me.procStart) unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', release);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { file, ...(tookOverFrom !== undefined ? { tookOverFrom } : {}), release };
}

/** A line saying a stale lock was taken over, or '' when none was. */
export function staleLockNote(lock: RunLock): string {
  const o = lock.tookOverFrom;
  if (o === undefined) return '';
  const why = o === null ? 'was unreadable (not a lock a run writes)' : `was left by a run that is no longer running (${describe(o)})`;
  return `note: ${lock.file} ${why}; taken over\n`;
}

/**
 * Runs `f` holding the output folder `dir`: creates the folder, takes its lock (reporting a stale
 * one taken over through `note`), and releases the lock when `f` settles.
 * @throws InputError when the folder cannot be used or another run holds it; whatever `f` throws
 */
export async function withRunLock<T>(dir: string, note: (text: string) => void, f: () => Promise<T>): Promise<T> {
  prepareOutDir(dir);
  const lock = acquireRunLock(dir);
  const stale = staleLockNote(lock);
  if (stale) note(stale);
  try {
    return await f();
  } finally {
    lock.release();
  }
}
