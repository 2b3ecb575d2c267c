/**
 * Background load on the shared edge: an AR(1) process of CPU utilisation (percent) on a regular
 * grid, fitted to a recorded cluster-utilisation trace, and the script that writes
 * `scenarios/traces/load/<id>.json` (what `tiers.edge.backgroundLoad` names).
 *
 * Fit: the series of every file (one per recorded day) is taken as is (10-s windows in the
 * Alibaba 2018 trace); `meanPct` and `sdPct` are the pooled mean and standard deviation of all
 * windows; `phi` the pooled lag-1 autocorrelation, counting only consecutive windows of the same
 * file. The process keeps the mean, the spread and the one-step correlation, not the daily cycle
 * (a documented simplification). `minPct`/`maxPct` are the recorded extremes, used to clip.
 *
 * Run: `node --import tsx harness/traces/load-fit.ts --id alibaba2018-cpu-ar1-v1 --from <alibaba2018 dir> [--out DIR]`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { InputError, runAsScript } from '../errors.ts';
import { readCsv, num, toJsonText } from '../profiles/convert.ts';
import { LOAD_PROCESS_DIR, type LoadProcess } from './load-process.ts';

export type { LoadProcess } from './load-process.ts';

/** Pooled mean, standard deviation and lag-1 autocorrelation of several series (lags only within a series). */
export function fitAr1(series: readonly (readonly number[])[]): { meanPct: number; sdPct: number; phi: number } {
  const all = series.flat();
  if (all.length < 3) throw new Error(`fitAr1: need at least 3 values, got ${all.length}`);
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const variance = all.reduce((a, x) => a + (x - mean) ** 2, 0) / all.length;
  let cov = 0;
  let pairs = 0;
  for (const s of series) for (let i = 1; i < s.length; i++, pairs++) cov += (s[i - 1]! - mean) * (s[i]! - mean);
  return { meanPct: mean, sdPct: Math.sqrt(variance), phi: variance > 0 ? cov / pairs / variance : 0 };
}

const round = (x: number, d: number): number => Number(x.toFixed(d));

/** Fits the process to every `*.csv` below `dir` (column `cpu_util_percent`, 10-s windows). */
export function fitLoadProcess(id: string, dir: string, repo: string, commit: string, description: string): LoadProcess {
  const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.csv')).sort();
  if (files.length === 0) throw new InputError({ file: dir, expected: 'CSV files with a cpu_util_percent column (the Alibaba 2018 machine-usage windows)', found: 'none' });
  const series = files.map((f) => readCsv(path.join(dir, f)).map((r) => num(r, 'cpu_util_percent', '%')));
  const fit = fitAr1(series);
  const all = series.flat();
  return {
    id,
    description,
    stepMs: 10_000,
    meanPct: round(fit.meanPct, 4),
    sdPct: round(fit.sdPct, 4),
    phi: round(fit.phi, 6),
    minPct: round(Math.min(...all), 4),
    maxPct: round(Math.max(...all), 4),
    fittedTo: {
      repo,
      commit,
      files: files.map((f, i) => ({ path: `${path.basename(dir)}/${f}`, sha256: createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex'), windows: series[i]!.length })),
    },
    method:
      'AR(1) on the 10-s cluster CPU utilisation windows: pooled mean and standard deviation of all windows, pooled lag-1 autocorrelation of consecutive windows of the same day; u(k+1) = mean + phi (u(k) - mean) + sd sqrt(1 - phi^2) N(0,1), u(0) ~ N(mean, sd), clipped into [minPct, maxPct]. Keeps the mean, spread and one-step correlation, not the daily cycle.',
  };
}

function main(): void {
  const { values } = parseArgs({ options: { id: { type: 'string' }, from: { type: 'string' }, out: { type: 'string' }, repo: { type: 'string' }, commit: { type: 'string' } } });
  if (!values.id || !values.from) {
    process.stderr.write('usage: load-fit.ts --id <id> --from <alibaba2018 dir> [--repo owner/name] [--commit HEX] [--out DIR]\n');
    process.exitCode = 2;
    return;
  }
  // The mirror lays files out as <mirror>/<owner>/<repo>/<commit>/<path>.
  const parts = path.resolve(values.from).split(path.sep);
  const commit = values.commit ?? parts[parts.length - 2]!;
  const repo = values.repo ?? `${parts[parts.length - 4]}/${parts[parts.length - 3]}`;
  const p = fitLoadProcess(values.id, values.from, repo, commit, 'Background CPU utilisation of a shared server, fitted to the Alibaba cluster trace 2018 (machine usage, 10-s windows, 4 days), via the alejandrofdez-us/DataCenter-Traces-Datasets mirror.');
  const out = values.out ?? LOAD_PROCESS_DIR;
  mkdirSync(out, { recursive: true });
  const file = path.join(out, `${p.id}.json`);
  writeFileSync(file, toJsonText(p));
  process.stdout.write(`wrote ${file}: mean ${p.meanPct} %, sd ${p.sdPct} %, phi ${p.phi} per ${p.stepMs} ms\n`);
}

runAsScript(import.meta.url, main);
