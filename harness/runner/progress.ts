/**
 * Run progress: a `cli-progress` bar on a terminal (jobs done/total, ETA, failures) and plain
 * lines elsewhere (`[12/60] agent scenario seed ok 3.2s`), so CI logs stay readable.
 */
import cliProgress from 'cli-progress';
import type { JobResult } from './types.ts';

/** Receives run events; the runner reports through it and never prints directly. */
export interface ProgressSink {
  /** `total` jobs in this slice, of which `alreadyDone` were found in the journal (resume). */
  start(total: number, alreadyDone: number): void;
  jobDone(result: JobResult): void;
  /** A message for the user (e.g. skipped journal lines). */
  note(message: string): void;
  stop(): void;
}

/** A sink that ignores everything (tests, library use). */
export const silentProgress: ProgressSink = { start() {}, jobDone() {}, note() {}, stop() {} };

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
      start(t, already) {
        total = t;
        done = already;
        stream.write(`${t} jobs, ${already} already in the journal\n`);
      },
      jobDone(r) {
        done++;
        if (r.status === 'failed') failed++;
        stream.write(`[${done}/${total}] ${describe(r)}\n`);
      },
      note: (m) => stream.write(`${m}\n`),
      stop: () => stream.write(`${done}/${total} jobs done, ${failed} failed\n`),
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: 'jobs {bar} {value}/{total} | ETA {eta_formatted} | failed {failed} | {last}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  return {
    start(t, already) {
      bar.start(t, already, { failed: 0, last: '' });
    },
    jobDone(r) {
      if (r.status === 'failed') failed++;
      bar.increment(1, { failed, last: describe(r) });
    },
    // Printing above the bar: the bar redraws on the next update.
    note: (m) => stream.write(`\n${m}\n`),
    stop: () => bar.stop(),
  };
}
