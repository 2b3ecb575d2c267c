/**
 * `orchbench verify`: checks a results journal two ways.
 * 1. Cheap, no re-run: every line's `resultHash` must equal the hash of its own content, and its
 *    `provenanceHash` the hash of that and its provenance (a line edited after the run, or whose
 *    paths or isolation record were changed, no longer matches).
 * 2. Re-run: every job (or a seeded sample of K) is run again from its spec and its recomputed
 *    `resultHash` and decision-log hash must equal the recorded ones; when not, the differing
 *    fields are listed. Submissions re-run isolated, always; lines of submissions that ran trusted
 *    are named as such.
 */
import { deriveRng } from '../rng.ts';
import { provenanceHashOf, resultHashOf } from '../runner/identity.ts';
import { latestByJob } from '../runner/journal.ts';
import type { JobResult, JobSpec } from '../runner/types.ts';
import type { ResultLine } from './results.ts';

/** One field that differs between the recorded and the recomputed result. */
export interface FieldDiff {
  /** JSON pointer of the field, e.g. `/metrics/eval/meanLatencyMs`. */
  pointer: string;
  recorded: string;
  recomputed: string;
}

export interface VerifyEntry {
  line: number;
  agent: string;
  scenario: string;
  seed: number;
  jobHash: string;
  /** `tampered`: content does not match its own resultHash; `differs`: the re-run gave another result. */
  status: 'match' | 'tampered' | 'differs' | 'not re-run';
  /** What was wrong, one line each. */
  problems: string[];
  diffs: FieldDiff[];
  /** The line says its submission ran without isolation (`--trusted`); its re-run here is isolated. */
  trusted?: boolean;
}

export interface VerifyReport {
  ok: boolean;
  lines: number;
  reRun: number;
  /** Lines whose submission ran trusted (no isolation). */
  trusted: number;
  /** Lines chosen for a re-run that could not be (sealed lines without their run's secret). */
  notReRunnable: number;
  entries: VerifyEntry[];
}

/**
 * Whether a line's submission ran trusted (`--trusted`: no isolation; for JavaScript/TypeScript in
 * the worker thread, where its code can change globals such as `Math.exp` for every job run after
 * it in that thread, baselines included). A matching re-run does not rule that out, so `verify`
 * names these jobs instead of vouching for them silently.
 */
export function ranTrusted(r: JobResult): boolean {
  return r.agentKind === 'submission' && (r.provenance?.trusted === true || r.provenance?.sandbox !== true);
}

/** Why a line's seals do not hold (its content or its provenance was edited), or null. */
export function sealProblem(r: JobResult): string | null {
  const content = resultHashOf(r);
  if (content !== r.resultHash) return `content hashes to ${content}, but the line records resultHash ${r.resultHash}: edited after the run`;
  if (r.provenance === undefined && r.provenanceHash === undefined) return null;
  if (r.provenanceHash === undefined) return 'provenance (paths, isolation) is not sealed: provenanceHash missing (removed, or a line from before it existed)';
  const p = provenanceHashOf(r);
  return p === r.provenanceHash ? null : `provenance (paths, isolation) hashes to ${p}, but the line records provenanceHash ${r.provenanceHash}: edited after the run`;
}

/** Whether a line's content and provenance still hash to their recorded seals. */
export function sealIntact(r: JobResult): boolean {
  return sealProblem(r) === null;
}

/**
 * The lines that stand for their jobs, as the leaderboard takes them ({@link latestByJob}: an ok
 * line wins over failed ones of the same job, else the last): a failed job retried with `--resume`
 * is checked by its retry, not by the failure it replaced. In file order.
 * @returns the current lines and how many lines were superseded.
 */
export function currentLines(lines: readonly ResultLine[]): { current: ResultLine[]; superseded: number } {
  const kept = new Set(latestByJob(lines.map((l) => l.result)));
  const current = lines.filter((l) => kept.has(l.result));
  return { current, superseded: lines.length - current.length };
}

/**
 * K distinct indices out of n, drawn from `deriveRng(seed, 'verify-sample')` (partial
 * Fisher-Yates), ascending. K >= n returns every index.
 */
export function sampleIndices(n: number, k: number, seed: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (k >= n) return idx;
  const rng = deriveRng(seed, 'verify-sample');
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, k).sort((a, b) => a - b);
}

const render = (v: unknown): string => (v === undefined ? 'missing' : JSON.stringify(v));

/**
 * Leaf-by-leaf differences of the hashed parts of two results (timing, provenance and resultHash
 * excluded), as JSON pointers, in a stable order.
 */
export function diffResults(recorded: JobResult, recomputed: JobResult): FieldDiff[] {
  const out: FieldDiff[] = [];
  const walk = (a: unknown, b: unknown, pointer: string): void => {
    const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
    if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) walk(a[k], b[k], `${pointer}/${k}`);
    } else if (render(a) !== render(b)) {
      out.push({ pointer, recorded: render(a), recomputed: render(b) });
    }
  };
  const strip = ({ timing: _t, resultHash: _h, provenance: _p, ...rest }: JobResult): object => rest;
  walk(strip(recorded), strip(recomputed), '');
  return out;
}

export interface VerifyOptions {
  /** Re-run only a seeded sample of this many lines (default: all). */
  sample?: number;
  /** Seed of the sample (default 0). */
  seed?: number;
  /** Skip the re-run (only the cheap seal check). */
  noRerun?: boolean;
  /** Runs one job (the runner's `runJob`); `recorded` is the line it re-runs (for the limits it ran with). */
  runJob: (spec: JobSpec, recorded: JobResult) => Promise<JobResult>;
  /** The spec that reproduces a recorded result (its scenario file and agent path). */
  specOf: (r: JobResult) => JobSpec;
  /** Why a line cannot be re-run here (e.g. sealed, and no secret given), or null. */
  cannotReRun?: (r: JobResult) => string | null;
}

/** Re-runs one recorded job and compares. */
async function reRun(r: JobResult, opts: VerifyOptions): Promise<{ problems: string[]; diffs: FieldDiff[] }> {
  let again: JobResult;
  try {
    again = await opts.runJob(opts.specOf(r), r);
  } catch (e) {
    // A recorded failure that fails again is reproduced; the message may carry run-specific text.
    if (r.status === 'failed') return { problems: [], diffs: [] };
    return { problems: [`re-run threw: ${(e as Error).message}`], diffs: [] };
  }
  const problems: string[] = [];
  if (again.resultHash !== r.resultHash) problems.push(`resultHash ${r.resultHash} recorded, ${again.resultHash} recomputed`);
  const [dl0, dl1] = [r.metrics?.decisionLogSha256, again.metrics?.decisionLogSha256];
  if (dl0 !== dl1) problems.push(`decision log sha256 ${dl0 ?? 'missing'} recorded, ${dl1 ?? 'missing'} recomputed`);
  return { problems, diffs: problems.length ? diffResults(r, again) : [] };
}

/**
 * Verifies result lines: the seal check on every line, then the re-run check on all or a sample.
 * @returns a report; `ok` is false when any line is tampered or any re-run differs.
 */
export async function verifyResults(lines: readonly ResultLine[], opts: VerifyOptions): Promise<VerifyReport> {
  const chosen = new Set(opts.noRerun ? [] : sampleIndices(lines.length, opts.sample ?? lines.length, opts.seed ?? 0));
  const entries: VerifyEntry[] = [];
  let reRuns = 0;
  let notReRunnable = 0;
  for (const [i, { line, result: r }] of lines.entries()) {
    const entry: VerifyEntry = { line, agent: r.agent, scenario: r.scenario, seed: r.seed, jobHash: r.jobHash, status: 'match', problems: [], diffs: [] };
    if (ranTrusted(r)) entry.trusted = true;
    const broken = sealProblem(r);
    if (broken) {
      entry.status = 'tampered';
      entry.problems.push(broken);
    }
    const cannot = chosen.has(i) && !broken ? opts.cannotReRun?.(r) ?? null : null;
    // A line whose seals are broken is never re-run: its paths may point at anything.
    if (cannot !== null) {
      notReRunnable++;
      entry.status = 'not re-run';
      entry.problems.push(cannot);
    } else if (chosen.has(i) && !broken) {
      reRuns++;
      const { problems, diffs } = await reRun(r, opts);
      if (problems.length && entry.status === 'match') entry.status = 'differs';
      entry.problems.push(...problems);
      entry.diffs = diffs;
    } else if (entry.status === 'match') {
      entry.status = 'not re-run';
    }
    entries.push(entry);
  }
  const ok = entries.every((e) => e.status === 'match' || e.status === 'not re-run');
  return { ok, lines: lines.length, reRun: reRuns, trusted: entries.filter((e) => e.trusted).length, notReRunnable, entries };
}

/**
 * A plain-text report whose last line states the verdict the exit code carries. Jobs that ran
 * trusted are listed (re-run or not) with what that means, and counted in the verdict line.
 */
export function formatVerify(r: VerifyReport): string {
  const out: string[] = [];
  for (const e of r.entries) {
    if (e.status === 'not re-run' && !e.trusted && e.problems.length === 0) continue;
    const mark = e.status === 'match' ? 'ok      ' : e.status === 'not re-run' ? 'unchecked' : e.status.toUpperCase().padEnd(8);
    out.push(`${mark} line ${e.line}: ${e.agent} on ${e.scenario}, seed ${e.seed}${e.trusted ? ' (ran TRUSTED, without isolation; re-run isolated here)' : ''}`);
    for (const p of e.problems) out.push(`    ${p}`);
    for (const d of e.diffs) out.push(`    ${d.pointer}: recorded ${d.recorded}, recomputed ${d.recomputed}`);
  }
  const bad = r.entries.filter((e) => e.status === 'tampered' || e.status === 'differs').length;
  if (r.trusted > 0) {
    out.push(`note: ${r.trusted} line(s) come from submissions run trusted (--trusted): their code ran in the harness's worker threads, where it could also change the results of the other jobs those threads ran (baselines included), e.g. by patching Math.exp; a re-run here is isolated.`);
  }
  if (r.notReRunnable > 0) out.push(`note: ${r.notReRunnable} line(s) chosen for a re-run could not be re-run (see above): only their seals were checked.`);
  out.push(`verify: ${r.ok ? 'OK' : 'FAILED'} (${r.lines} lines sealed-checked, ${r.reRun} re-run, ${bad} bad${r.trusted ? `, ${r.trusted} from trusted submissions` : ''}${r.notReRunnable ? `, ${r.notReRunnable} COULD NOT be re-run` : ''})`);
  return `${out.join('\n')}\n`;
}
