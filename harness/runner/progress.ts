/**
 * Run progress: a `cli-progress` bar on a terminal (jobs done/total, ETA, failures) and plain
 * lines elsewhere (`[12/60] agent scenario seed ok 3.2s, ETA 4m10s`), so CI logs stay readable.
 * The ETA is the runner's estimate from the expected cost of the jobs left (`cost.ts`: by agent
 * and budget, learned from the jobs finished so far), not cli-progress's jobs-per-second
 * extrapolation, which is far off when the expensive agents' jobs come first or last.
 */
import cliProgress from 'cli-progress';
import type { JobResult } from './types.ts';

/** Receives run events; the runner reports through it and never prints directly. */
export interface ProgressSink {
  /** `total` jobs in this slice, of which `alreadyDone` were found in the journal (resume); `etaMs` from the cost priors. */
  start(total: number, alreadyDone: number, etaMs?: number): void;
  /** A job ended; `etaMs`: estimated wall time until the last job ends (ms). */
  jobDone(result: JobResult, etaMs?: number): void;
  /** A message for the user (e.g. skipped journal lines). */
  note(message: string): void;
  stop(): void;
}

/** A sink that ignores everything (tests, library use). */
export const silentProgress: ProgressSink = { start() {}, jobDone() {}, note() {}, stop() {} };

/** `1h02m`, `4m10s`, `12s`; `?` when unknown. */
export function formatEta(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

function describe(r: JobResult): string {
  const status = r.status === 'ok' ? 'ok' : `failed (${r.reason ?? 'no reason'})`;
  return `${r.agent} ${r.scenario} ${r.seed} ${status} ${(r.timing.wallMs / 1000).toFixed(1)}s`;
}

/** Progress on `stream`: a bar when it is a TTY, plain lines otherwise. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  let total = 0;
  let done = 0;
  let failed = 0;
  if (!stream.isTTY) {
    return {
      start(t, already, eta) {
        total = t;
        done = already;
        stream.write(`${t} jobs, ${already} already in the journal${t > already ? `, ETA ${formatEta(eta)} (from the cost priors)` : ''}\n`);
      },
      jobDone(r, eta) {
        done++;
        if (r.status === 'failed') failed++;
        stream.write(`[${done}/${total}] ${describe(r)}${done < total ? `, ETA ${formatEta(eta)}` : ''}\n`);
      },
      note: (m) => stream.write(`${m}\n`),
      stop: () => stream.write(`${done}/${total} jobs done, ${failed} failed\n`),
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: 'jobs {bar} {value}/{total} | ETA {etaCost} | failed {failed} | {last}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  return {
    start(t, already, eta) {
      bar.start(t, already, { failed: 0, last: '', etaCost: formatEta(eta) });
    },
    jobDone(r, eta) {
      if (r.status === 'failed') failed++;
      bar.increment(1, { failed, last: describe(r), etaCost: formatEta(eta) });
    },
    // Printing above the bar: the bar redraws on the next update.
    note: (m) => stream.write(`\n${m}\n`),
    stop: () => bar.stop(),
  };
}
