/**
 * Fitting a Markov-modulated log-normal bandwidth generator ({@link GeneratorParams}) to
 * recorded traces, and the script that writes `scenarios/traces/generators/<id>.json`.
 *
 * Method: every trace is averaged onto a regular grid of `stepMs` windows; the log downlink of
 * all windows is clustered into K states by 1-D k-means (deterministic: centroids start at the
 * (k + 0.5)/K quantiles of the distinct values); state means are the arithmetic means of the
 * windows in each state (so the generator's mean-preserving log-normal reproduces them),
 * `sigmaLog` the standard deviation of their logs; transitions are counted between consecutive
 * windows of the same trace with add-one smoothing; `initial` is the state occupancy (also
 * add-one). The k-means is hand-written: 1-D Lloyd iterations are a few lines, and the libraries
 * in reach do not offer a deterministic 1-D one.
 *
 * Run: `node --import tsx harness/traces/fit.ts --id <id> --states K --step-ms 1000
 * --description <text> <catalogId>...` (catalog traces come from the cache, the mirror
 * `../shared/traces/mirror` or their public URL; `--mirror`/`--out` override the defaults).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { InputError } from '../errors.ts';
import { toJsonText } from '../profiles/convert.ts';
import { getCatalogEntry } from './catalog.ts';
import { GENERATORS_DIR, generatorIssues, stationaryDistribution } from './generator.ts';
import { loadCatalogTrace } from './load.ts';
import type { GeneratorParams, NetworkTrace } from './types.ts';

/**
 * Bandwidth below this (Mbps) is clamped before taking logs: recorded outages (0 Mbps) become a
 * near-zero state instead of -Infinity.
 */
export const FLOOR_MBPS = 0.01;

/** Options of {@link fitGenerator}. */
export interface FitOptions {
  /** Number of hidden states K (>= 1). */
  states: number;
  /** Grid step (ms) of the fitted process. */
  stepMs: number;
  id?: string;
  description?: string;
  /** Default: each trace's `source` (without a `catalog:` prefix) and `sha256`. */
  fittedTo?: GeneratorParams['fittedTo'];
  fitCommand?: string;
}

/** A trace averaged onto `stepMs` windows (only whole windows; a partial last window is dropped). */
export interface GridSeries {
  downlinkMbps: number[];
  uplinkMbps: number[];
}

/** Time-weighted mean of each direction over consecutive `stepMs` windows of a step-function trace. */
export function resample(trace: NetworkTrace, stepMs: number): GridSeries {
  const windows = Math.floor(trace.durationMs / stepMs);
  const out: GridSeries = { downlinkMbps: [], uplinkMbps: [] };
  const n = trace.tMs.length;
  let i = 0;
  for (let w = 0; w < windows; w++) {
    const start = w * stepMs;
    const end = start + stepMs;
    let down = 0;
    let up = 0;
    while (i + 1 < n && trace.tMs[i + 1]! <= start) i++;
    // Walk the samples overlapping [start, end); sample j holds until the next one (or the end).
    for (let j = i; j < n && trace.tMs[j]! < end; j++) {
      const from = Math.max(start, trace.tMs[j]!);
      const to = Math.min(end, j + 1 < n ? trace.tMs[j + 1]! : trace.durationMs);
      if (to <= from) continue;
      down += trace.downlinkMbps[j]! * (to - from);
      up += trace.uplinkMbps[j]! * (to - from);
    }
    out.downlinkMbps.push(down / stepMs);
    out.uplinkMbps.push(up / stepMs);
  }
  return out;
}

/** The q-quantile (0..1) of sorted values, by linear interpolation. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * 1-D k-means (Lloyd) with centroids initialised at the (k + 0.5)/K quantiles of the distinct
 * values (so a mass of repeated values, e.g. outages at the floor, cannot start two centroids at
 * the same place); returns ascending centroids and each value's cluster. Deterministic; an
 * emptied cluster keeps its centroid.
 */
export function kmeans1d(values: readonly number[], k: number, maxIterations = 200): { centroids: number[]; labels: Int32Array } {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  let centroids = Array.from({ length: k }, (_, c) => quantile(distinct, (c + 0.5) / k));
  const labels = new Int32Array(values.length);
  for (let iter = 0; iter < maxIterations; iter++) {
    let changed = iter === 0;
    values.forEach((v, idx) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (Math.abs(v - centroids[c]!) < Math.abs(v - centroids[best]!)) best = c;
      if (labels[idx] !== best) {
        labels[idx] = best;
        changed = true;
      }
    });
    if (!changed) break;
    const sums = new Array<number>(k).fill(0);
    const counts = new Array<number>(k).fill(0);
    values.forEach((v, idx) => {
      sums[labels[idx]!]! += v;
      counts[labels[idx]!]!++;
    });
    centroids = centroids.map((c, j) => (counts[j]! > 0 ? sums[j]! / counts[j]! : c));
  }
  // Centroids started sorted and 1-D Lloyd keeps their order, so state 0 is the slowest.
  return { centroids, labels };
}

/** Rounds for the stored files (keeps them readable; far below the fit's own uncertainty). */
const round = (v: number, digits = 6): number => Number(v.toPrecision(digits));

/** Normalises a row of counts to probabilities, rounded, with the rounding error put on the largest entry. */
function normalise(counts: readonly number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  const p = counts.map((c) => round(c / total));
  const largest = p.indexOf(Math.max(...p));
  p[largest] = round(p[largest]! + 1 - p.reduce((s, x) => s + x, 0), 12);
  return p;
}

/**
 * Fits a K-state Markov-modulated log-normal generator to `traces` (see the module comment).
 * @throws InputError when the traces hold fewer than two whole `stepMs` windows per state.
 */
export function fitGenerator(traces: NetworkTrace[], options: FitOptions): GeneratorParams {
  const k = options.states;
  const series = traces.map((t) => resample(t, options.stepMs));
  const down = series.flatMap((s) => s.downlinkMbps);
  const up = series.flatMap((s) => s.uplinkMbps);
  if (!Number.isInteger(k) || k < 1 || down.length < 2 * k) {
    throw new InputError({
      file: traces.map((t) => t.source).join(', ') || 'no traces',
      expected: `at least ${2 * k} whole windows of ${options.stepMs} ms for ${k} states`,
      found: `${down.length} windows`,
    });
  }
  const logs = down.map((v) => Math.log(Math.max(v, FLOOR_MBPS)));
  const { labels } = kmeans1d(logs, k);

  const stats = Array.from({ length: k }, () => ({ n: 0, down: 0, up: 0, log: 0, log2: 0 }));
  labels.forEach((s, idx) => {
    const st = stats[s]!;
    st.n++;
    st.down += Math.max(down[idx]!, FLOOR_MBPS);
    st.up += Math.max(up[idx]!, FLOOR_MBPS);
    st.log += logs[idx]!;
    st.log2 += logs[idx]! * logs[idx]!;
  });
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(1)); // add-one smoothing
  let offset = 0;
  for (const s of series) {
    for (let i = 1; i < s.downlinkMbps.length; i++) counts[labels[offset + i - 1]!]![labels[offset + i]!]!++;
    offset += s.downlinkMbps.length;
  }
  return {
    id: options.id ?? 'fitted-v1',
    description: options.description ?? `${k}-state Markov log-normal fitted to ${traces.length} trace(s)`,
    kind: 'markov-lognormal',
    stepMs: options.stepMs,
    states: stats.map((st) => {
      // A cluster the iterations emptied (rare) gets the floor and no spread.
      if (st.n === 0) return { downlinkMbps: FLOOR_MBPS, uplinkMbps: FLOOR_MBPS, sigmaLog: 0 };
      const meanLog = st.log / st.n;
      return {
        downlinkMbps: round(st.down / st.n),
        uplinkMbps: round(st.up / st.n),
        sigmaLog: round(Math.sqrt(Math.max(0, st.log2 / st.n - meanLog * meanLog))),
      };
    }),
    transition: counts.map(normalise),
    initial: normalise(stats.map((st) => st.n + 1)),
    derivedUplink: traces.some((t) => t.derivedUplink),
    fittedTo: options.fittedTo ?? traces.map((t) => ({ catalogId: t.source.replace(/^catalog:/, ''), sha256: t.sha256 })),
    fitCommand: options.fitCommand ?? '',
  };
}

/** Quotes an argument for a POSIX shell when it needs it, so `fitCommand` can be pasted back. */
function shellQuote(arg: string): string {
  return /^[\w./:=@+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const USAGE = 'usage: fit.ts --id <name-vN> --states <K> --step-ms <ms> --description <text> [--mirror <dir>] [--out <dir>] <catalogId>...';

/** Command-line entry: fits the catalogued traces and writes `<out>/<id>.json`. */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      id: { type: 'string' }, states: { type: 'string' }, 'step-ms': { type: 'string' },
      description: { type: 'string' }, mirror: { type: 'string' }, out: { type: 'string' },
    },
  });
  const states = Number(values.states);
  const stepMs = Number(values['step-ms']);
  if (!values.id || !values.description || !(states >= 1) || !(stepMs > 0) || positionals.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const traces: NetworkTrace[] = [];
  for (const id of positionals) traces.push(await loadCatalogTrace(id, undefined, values.mirror ? { mirror: values.mirror } : {}));
  // The catalog entry's sha256 (the file itself) identifies a fitted-to trace, as in the catalog.
  const fittedTo = positionals.map((id) => ({ catalogId: id, sha256: getCatalogEntry(id).sha256 }));
  const params = fitGenerator(traces, {
    states, stepMs, id: values.id, description: values.description, fittedTo,
    fitCommand: ['node --import tsx harness/traces/fit.ts', ...process.argv.slice(2).map(shellQuote)].join(' '),
  });
  const out = values.out ?? GENERATORS_DIR;
  const file = path.join(out, `${params.id}.json`);
  const issues = generatorIssues(params, file);
  if (issues.length > 0) throw new InputError(issues);
  mkdirSync(out, { recursive: true });
  writeFileSync(file, toJsonText({ $schema: '../../schema/generator.schema.json', ...params }));
  const pi = stationaryDistribution(params.transition);
  const meanMbps = params.states.reduce((sum, st, i) => sum + pi[i]! * st.downlinkMbps, 0);
  process.stdout.write(`wrote ${file}: ${states} states, stationary mean downlink ${meanMbps.toFixed(2)} Mbps\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    if (!(e instanceof InputError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  });
}
