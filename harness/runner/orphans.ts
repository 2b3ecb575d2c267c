/**
 * Child processes left behind by terminated worker threads. A submission's process (sandboxed or
 * external) is owned by its job's agent, which kills it when it breaks a limit; but when the runner
 * terminates a job's thread (time limit, memory limit, crash), nothing is left to kill it, and a
 * process busy in a loop never notices its stdin closing: it would outlive the job, and the run.
 *
 * Linux re-parents the children of an exiting thread to another live thread of the process, the
 * group leader first, and lists each thread's children in `/proc/PID/task/TID/children`. So the
 * children of the leader that were not there when the run started are orphans of terminated job
 * threads (the runner's own thread starts no processes). On other systems this is a no-op.
 */
import { readFileSync, readdirSync } from 'node:fs';

const PROC = `/proc/${process.pid}/task`;

/** Pids listed as children of the given threads (missing threads and files read as none). */
function childrenOf(tids: readonly string[]): Set<number> {
  const pids = new Set<number>();
  for (const tid of tids) {
    let text = '';
    try {
      text = readFileSync(`${PROC}/${tid}/children`, 'utf8');
    } catch {
      // The thread ended meanwhile, or this is not Linux.
    }
    for (const p of text.split(' ')) if (p.trim()) pids.add(Number(p));
  }
  return pids;
}

function threads(): string[] {
  try {
    return readdirSync(PROC);
  } catch {
    return [];
  }
}

/** Kills processes the run started and left behind; pids that existed before it are never touched. */
export class OrphanReaper {
  private readonly before = childrenOf(threads());
  private readonly onExit = (): void => {
    this.kill(childrenOf(threads()));
  };

  /** Also kills every child the run started when the process exits (e.g. on Ctrl-C) before {@link close}. */
  constructor() {
    process.once('exit', this.onExit);
  }

  /** Kills the orphans of terminated threads; returns their pids. Live jobs' processes are not orphans. */
  reapOrphans(): number[] {
    return this.kill(childrenOf([String(process.pid)]));
  }

  /** Stops watching for process exit. */
  close(): void {
    process.removeListener('exit', this.onExit);
  }

  private kill(pids: Set<number>): number[] {
    const killed: number[] = [];
    for (const pid of pids) {
      if (this.before.has(pid)) continue;
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        // Already gone.
      }
    }
    return killed;
  }
}
