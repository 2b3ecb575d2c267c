/**
 * The results journal `DIR/results.jsonl`: append-only, one JSON line per finished job.
 *
 * Each line is written with one `writeSync` of the whole line followed by `fsyncSync`, so a killed
 * process loses at most the jobs still in flight, and a line on disk is complete unless the machine
 * lost power mid-write. Such a torn line is never rewritten: on reopening, a newline is appended to
 * close it off, and readers skip (and report) any line that is not a complete result, or whose
 * `resultHash` no longer matches its content.
 */
import { closeSync, existsSync, fsyncSync, openSync, readSync, fstatSync, writeSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { errnoText, fileKind, readInputText } from '../io/safe-file.ts';
import { byJobHash, resultHashOf } from './identity.ts';
import type { JobResult } from './types.ts';

/** A line of the journal that is not a complete result, with its 1-based line number. */
export interface SkippedLine {
  line: number;
  reason: string;
}

export interface JournalContents {
  /** Every complete result line, in file order (duplicates kept; see {@link latestByJob}). */
  results: JobResult[];
  /** Lines that were skipped: torn writes or garbage. */
  skipped: SkippedLine[];
}

/** The largest journal read (bytes): about the longest string V8 can hold. */
export const MAX_JOURNAL_BYTES = 500 * 1024 * 1024;

const REQUIRED: readonly (keyof JobResult)[] = ['jobHash', 'agent', 'scenario', 'seed', 'status', 'resultHash'];

/**
 * Why a recorded `metrics` object cannot be ranked, or null. Checks the fields an older harness
 * copied from what an agent reported (`realSteps`, `planningUpdates`, `info`) and the counts that
 * rank, so one malformed line shows as a failed job instead of breaking the leaderboard.
 */
export function metricsIssue(m: unknown): string | null {
  if (m === null || typeof m !== 'object') return 'metrics missing';
  const o = m as Record<string, unknown>;
  const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
  const bad = (k: string, v: unknown): string => `metrics/${k} is ${JSON.stringify(v)?.slice(0, 60) ?? String(v)}, not a finite number >= 0`;
  for (const k of ['realSteps', 'planningUpdates', 'normalisedAuc'] as const) {
    if (!finite(o[k]) || (k !== 'normalisedAuc' && (o[k] as number) < 0)) return bad(k, o[k]);
  }
  if (o.interactionsToThreshold !== null && !(finite(o.interactionsToThreshold) && (o.interactionsToThreshold as number) >= 0)) return bad('interactionsToThreshold', o.interactionsToThreshold);
  if (o.info === null || typeof o.info !== 'object' || Array.isArray(o.info)) return 'metrics/info is not an object';
  return null;
}

function parseLine(text: string): JobResult | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not valid JSON (a torn write?)';
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  const missing = REQUIRED.filter((k) => !(k in v));
  if (missing.length) return `missing ${missing.join(', ')}`;
  // A line edited after it was written must not be trusted (resume would skip its job).
  if (resultHashOf(v as JobResult) !== (v as JobResult).resultHash) return 'resultHash does not match the line (edited after it was written?)';
  // An ok line whose metrics cannot rank (stats an older harness took from the agent) is re-run.
  const malformed = (v as JobResult).status === 'ok' && (v as JobResult).metrics !== undefined ? metricsIssue((v as JobResult).metrics) : null;
  return malformed ? `its metrics cannot be ranked (${malformed}); the job will be re-run` : (v as JobResult);
}

/**
 * Reads a journal; a missing file reads as empty.
 * @returns the complete result lines and the skipped ones (line numbers are 1-based).
 */
export function readJournal(file: string): JournalContents {
  if (!existsSync(file)) return { results: [], skipped: [] };
  const lines = readInputText(file, { maxBytes: MAX_JOURNAL_BYTES, what: 'a results journal' }).split('\n');
  const results: JobResult[] = [];
  const skipped: SkippedLine[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const r = parseLine(text);
    if (typeof r === 'string') {
      // The file's last line without its newline is what a power loss during a write leaves.
      const torn = i === lines.length - 1;
      skipped.push({ line: i + 1, reason: torn ? `incomplete last line (torn write): ${r}` : r });
    } else {
      results.push(r);
    }
  });
  return { results, skipped };
}

/**
 * One result per jobHash: an `ok` line wins over `failed` ones (a failed job that was retried and
 * succeeded), otherwise the last line wins. Sorted by jobHash, so the outcome is independent of
 * the order jobs finished in.
 */
export function latestByJob(results: readonly JobResult[]): JobResult[] {
  const byHash = new Map<string, JobResult>();
  for (const r of results) {
    const prev = byHash.get(r.jobHash);
    if (!prev || r.status === 'ok' || prev.status !== 'ok') byHash.set(r.jobHash, r);
  }
  return [...byHash.values()].sort(byJobHash);
}

/** An open journal, appending durable lines. */
export class JournalWriter {
  private fd: number;

  /**
   * Opens (creating) `file` for appending; closes off a torn last line first.
   * @throws InputError when it cannot be opened or is not a regular file
   */
  constructor(readonly file: string) {
    const expected = 'a results journal: a regular file the run can append to';
    try {
      this.fd = openSync(file, 'a+');
    } catch (e) {
      throw new InputError({ file, expected, found: errnoText(e) });
    }
    const stats = fstatSync(this.fd);
    if (!stats.isFile()) {
      closeSync(this.fd);
      throw new InputError({ file, expected, found: fileKind(stats) });
    }
    const size = stats.size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(this.fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) this.writeDurably('\n');
    }
  }

  /** Appends one result as a single line, durably (write + fsync) before returning. */
  append(result: JobResult): void {
    this.writeDurably(`${JSON.stringify(result)}\n`);
  }

  private writeDurably(text: string): void {
    const buf = Buffer.from(text, 'utf8');
    // One write call per line; a regular file accepts it whole, the loop only guards short writes.
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
