/**
 * The CI benchmark gate: compares a candidate run with a baseline run, job by job.
 *
 * Both runs use common random numbers: seed index i of a run is the same episode seed (same
 * traces, offsets, initial network) for every agent, and the same in both runs when they share the
 * root seed. So for each (agent, scenario) present in both runs and each gated metric, the gate
 * takes the per-seed differences `candidate_i - baseline_i` over the seed indices where both jobs
 * succeeded, and a seeded paired bootstrap interval of their mean (harness/stats). The delta is
 * reported relative to the baseline mean, in percent.
 *
 * Verdict per check, with `margin = threshold x |baseline mean|` (the threshold is relative, per
 * metric): **worse** when the whole interval of the delta lies on the metric's worse side beyond
 * the margin, **better** (an improvement) when it lies wholly on the better side beyond the margin,
 * otherwise **same**. A (agent, scenario) whose candidate has more failed jobs than the baseline is
 * worse too. The gate fails when any check is worse.
 *
 * The runs must be comparable: same seed count, root seed, variant, scenario hashes (and traces)
 * and harness version. Each difference is refused ({@link GateMismatchError}) unless named in
 * `allowMismatch`, in which case it is reported as a warning on every output.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.ts';
import { RESULTS_FILE } from '../runner/execute.ts';
import { lineScale } from '../reference/scale.ts';
import { latestByJob, readJournal } from '../runner/journal.ts';
import { readManifest } from '../runner/merge.ts';
import { episodeSeed } from '../runner/plan.ts';
import type { JobResult, RunManifest } from '../runner/types.ts';
import { mean, orientation, pairedBootstrap, type Direction, type Interval } from '../stats/index.ts';
import { metricDef, type MetricId } from './metrics.ts';
import { fmt } from './sections.ts';

/** What may differ between the runs when `--allow-mismatch` names it. */
export const MISMATCH_KINDS = ['seeds', 'root-seed', 'variant', 'scenario-hash', 'harness-version', 'scale'] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

/** One run as the gate reads it: its manifest and one result per job. */
export interface GateRun {
  dir: string;
  manifest: RunManifest;
  results: JobResult[];
}

/** How the gate compares. */
export interface GateOptions {
  metrics: readonly MetricId[];
  /** Relative margin per metric (0.05 = 5% of the baseline mean); metrics not listed use `defaultThreshold`. */
  thresholds?: Partial<Record<MetricId, number>>;
  defaultThreshold: number;
  /** Fewest shared seeds an interval may be computed from. */
  minSeeds: number;
  allowMismatch?: readonly MismatchKind[];
  /** Bootstrap replicates (default 2000) and confidence (default 0.95). */
  reps?: number;
  confidence?: number;
}

export type Verdict = 'worse' | 'better' | 'same';

/** One (agent, scenario, metric) comparison. */
export interface GateCheck {
  agent: string;
  scenario: string;
  metric: MetricId | 'failedJobs';
  unit: string;
  direction: Direction;
  /** Seed indices compared (both jobs succeeded). */
  seeds: number;
  /** Mean over the compared seeds with a paired-bootstrap interval of that mean. */
  baseline: Interval;
  candidate: Interval;
  /** Mean of the per-seed differences (candidate - baseline) with its paired-bootstrap interval. */
  delta: Interval;
  /** `delta` relative to |baseline mean|, in percent; null when the baseline mean is 0. */
  deltaPct: Interval | null;
  /** The relative margin applied. */
  threshold: number;
  verdict: Verdict;
}

export interface GateResult {
  pass: boolean;
  rule: string;
  metrics: MetricId[];
  checks: GateCheck[];
  regressions: GateCheck[];
  improvements: GateCheck[];
  /** Differences between the runs that were allowed (`--allow-mismatch`): the comparison may not mean what it says. */
  warnings: string[];
  /** Things not compared (agents or scenarios in one run only, cells with failed jobs). */
  notes: string[];
}

/** Refusal to compare: exit code 2 (usage error or nothing comparable), never 1 (a regression). */
export class GateMismatchError extends InputError {}

export const GATE_RULE = 'paired by seed (common random numbers): per (agent, scenario, metric), the mean of the per-seed differences candidate - baseline over the shared seeds, with a seeded paired-bootstrap interval; worse when the whole interval is on the worse side beyond threshold x |baseline mean|, better when wholly on the better side beyond it; also worse when an (agent, scenario) has more failed jobs.';

/**
 * Reads a run folder for the gate: `DIR/run.json` and `DIR/results.jsonl`. `path` may also be a
 * file inside that folder (e.g. `DIR/leaderboard.json`, as older gate commands passed).
 * @throws InputError when the manifest or the journal is missing or malformed
 */
export function readGateRun(path: string): GateRun {
  const dir = existsSync(path) && statSync(path).isFile() ? dirname(path) : path;
  const manifest = readManifest(dir);
  const file = join(dir, RESULTS_FILE);
  if (!existsSync(file)) throw new InputError({ file, expected: 'the results journal of a run (`orchbench run --out DIR`)', found: 'no such file' });
  return { dir, manifest, results: latestByJob(readJournal(file).results) };
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Seed index of each episode seed of a run (seed index i = episodeSeed(rootSeed, i)). */
function seedIndex(run: GateRun): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < run.manifest.seeds; i++) m.set(episodeSeed(run.manifest.rootSeed, i), i);
  return m;
}

/** Results of a run by `agent \0 scenario`, each keyed by seed index. */
function cellsOf(run: GateRun): Map<string, Map<number, JobResult>> {
  const index = seedIndex(run);
  const cells = new Map<string, Map<number, JobResult>>();
  for (const r of run.results) {
    const i = index.get(r.seed);
    if (i === undefined) {
      throw new GateMismatchError({ file: join(run.dir, RESULTS_FILE), expected: `seeds of root seed ${run.manifest.rootSeed} with ${run.manifest.seeds} seed(s) (as run.json says)`, found: `a job of ${r.agent} on ${r.scenario} with seed ${r.seed}` });
    }
    const key = `${r.agent}\0${r.scenario}`;
    const cell = cells.get(key) ?? new Map<number, JobResult>();
    cell.set(i, r);
    cells.set(key, cell);
  }
  return cells;
}

/** What differs between the two runs, by kind (empty arrays: nothing). */
function mismatches(base: GateRun, cand: GateRun, scenarios: readonly string[]): Record<MismatchKind, string[]> {
  const out: Record<MismatchKind, string[]> = { seeds: [], 'root-seed': [], variant: [], 'scenario-hash': [], 'harness-version': [], scale: [] };
  const bm = base.manifest;
  const cm = cand.manifest;
  if (bm.seeds !== cm.seeds) out.seeds.push(`seeds: baseline ran ${bm.seeds}, candidate ${cm.seeds} (only the first ${Math.min(bm.seeds, cm.seeds)} seed indices can be paired)`);
  if (bm.rootSeed !== cm.rootSeed) out['root-seed'].push(`root seed: baseline ${bm.rootSeed}, candidate ${cm.rootSeed} (seeds paired by index do not share random numbers)`);
  if (bm.harnessVersion !== cm.harnessVersion) out['harness-version'].push(`harness version: baseline ${bm.harnessVersion}, candidate ${cm.harnessVersion}`);
  // Normalised scores on two scales do not compare (docs/references.md#scales).
  const scales = (run: GateRun): string => [...new Set(run.results.map(lineScale))].sort().join(',');
  if (scales(base) !== scales(cand)) out.scale.push(`normalised scale: baseline ${scales(base)}, candidate ${scales(cand)}`);
  const facts = (run: GateRun, s: string): { variants: string; hashes: string } => {
    const rs = run.results.filter((r) => r.scenario === s);
    return {
      variants: [...new Set(rs.map((r) => r.variant))].sort().join(','),
      hashes: [...new Set(rs.map((r) => `${r.scenarioHash}:${r.traceSha256s.join(',')}`))].sort().join(' '),
    };
  };
  for (const s of scenarios) {
    const b = facts(base, s);
    const c = facts(cand, s);
    if (b.variants !== c.variants) out.variant.push(`variant of ${s}: baseline ${b.variants}, candidate ${c.variants}`);
    if (b.hashes !== c.hashes) out['scenario-hash'].push(`scenario ${s} changed (its scenario hash or trace sha256s differ): its numbers may differ for that reason`);
  }
  return out;
}

/** Mean of `x` with its paired-bootstrap interval (one sample: a plain bootstrap of the mean). */
function meanInterval(x: Float64Array, opts: GateOptions, seed: number, labels: string[]): Interval {
  return pairedBootstrap([x], (v) => mean(v), { seed, labels, reps: opts.reps ?? 2000, confidence: opts.confidence ?? 0.95 });
}

/** The verdict of a delta interval for a direction and an absolute margin. */
export function verdictOf(delta: Interval, direction: Direction, margin: number): Verdict {
  const s = orientation(direction);
  const lo = Math.min(s * delta.lo, s * delta.hi);
  const hi = Math.max(s * delta.lo, s * delta.hi);
  if (hi < -margin) return 'worse';
  if (lo > margin) return 'better';
  return 'same';
}

/**
 * Compares a candidate run with a baseline run (see the file comment for the rule).
 * @throws GateMismatchError when nothing is comparable (no common agent x scenario), the runs
 *   differ in a way not allowed, or fewer seeds than `minSeeds` can be paired
 */
export function gate(base: GateRun, cand: GateRun, opts: GateOptions): GateResult {
  const notes: string[] = [];
  const baseCells = cellsOf(base);
  const candCells = cellsOf(cand);
  const common = [...candCells.keys()].filter((k) => baseCells.has(k)).sort(byString);
  const names = (cells: Map<string, unknown>): string => [...new Set([...cells.keys()].map((k) => k.split('\0')[0]!))].sort(byString).join(', ') || 'none';
  if (common.length === 0) {
    throw new GateMismatchError({ file: cand.dir, expected: `at least one agent x scenario also in the baseline ${base.dir} (agents there: ${names(baseCells)})`, found: `agents ${names(candCells)}, on no common scenario` });
  }
  for (const [label, mine, other] of [['baseline', baseCells, candCells], ['candidate', candCells, baseCells]] as const) {
    for (const k of [...mine.keys()].sort(byString)) {
      if (!other.has(k)) notes.push(`${k.replace('\0', ' on ')} is in the ${label} only: not gated`);
    }
  }
  const scenarios = [...new Set(common.map((k) => k.split('\0')[1]!))];
  const found = mismatches(base, cand, scenarios);
  const allowed = new Set(opts.allowMismatch ?? []);
  const refused = MISMATCH_KINDS.filter((k) => found[k].length && !allowed.has(k));
  if (refused.length) {
    throw new GateMismatchError(refused.flatMap((k) => found[k].map((text) => ({ file: `${base.dir} vs ${cand.dir}`, expected: `comparable runs (or --allow-mismatch ${k})`, found: text }))));
  }
  const warnings = MISMATCH_KINDS.flatMap((k) => (allowed.has(k) ? found[k].map((t) => `allowed mismatch (${k}): ${t}`) : []));
  const pairable = Math.min(base.manifest.seeds, cand.manifest.seeds);
  if (pairable < opts.minSeeds) {
    throw new GateMismatchError({ file: `${base.dir} vs ${cand.dir}`, expected: `at least ${opts.minSeeds} seeds in both runs (--min-seeds) for an interval`, found: `${pairable} seed(s) to pair` });
  }

  const seed = base.manifest.rootSeed;
  const checks: GateCheck[] = [];
  for (const key of common) {
    const [agent, scenario] = key.split('\0') as [string, string];
    const b = baseCells.get(key)!;
    const c = candCells.get(key)!;
    const failed = (cell: Map<number, JobResult>): number => [...cell].filter(([i, r]) => i < pairable && r.status !== 'ok').length;
    const bf = failed(b);
    const cf = failed(c);
    const point = (v: number): Interval => ({ point: v, lo: v, hi: v });
    checks.push({
      agent, scenario, metric: 'failedJobs', unit: 'jobs', direction: 'lower-is-better', seeds: pairable,
      baseline: point(bf), candidate: point(cf), delta: point(cf - bf), deltaPct: null, threshold: 0,
      verdict: cf > bf ? 'worse' : cf < bf ? 'better' : 'same',
    });
    const idx: number[] = [];
    for (let i = 0; i < pairable; i++) if (b.get(i)?.status === 'ok' && c.get(i)?.status === 'ok') idx.push(i);
    if (idx.length < opts.minSeeds) {
      notes.push(`${agent} on ${scenario}: only ${idx.length} seed(s) where both jobs succeeded (fewer than --min-seeds ${opts.minSeeds}): metrics not compared`);
      continue;
    }
    for (const metric of opts.metrics) {
      const def = metricDef(metric);
      const bx = Float64Array.from(idx, (i) => def.value(b.get(i)!.metrics!));
      const cx = Float64Array.from(idx, (i) => def.value(c.get(i)!.metrics!));
      const d = cx.map((v, k) => v - bx[k]!);
      const labels = ['gate', agent, scenario, metric];
      const baseline = meanInterval(bx, opts, seed, [...labels, 'baseline']);
      const candidate = meanInterval(cx, opts, seed, [...labels, 'candidate']);
      const delta = meanInterval(d, opts, seed, [...labels, 'delta']);
      const scale = Math.abs(baseline.point);
      const deltaPct = scale > 0 ? { point: (100 * delta.point) / scale, lo: (100 * delta.lo) / scale, hi: (100 * delta.hi) / scale } : null;
      const threshold = opts.thresholds?.[metric] ?? opts.defaultThreshold;
      checks.push({
        agent, scenario, metric, unit: def.unit, direction: def.direction, seeds: idx.length,
        baseline, candidate, delta, deltaPct, threshold, verdict: verdictOf(delta, def.direction, threshold * scale),
      });
    }
  }
  const regressions = checks.filter((c) => c.verdict === 'worse');
  return { pass: regressions.length === 0, rule: GATE_RULE, metrics: [...opts.metrics], checks, regressions, improvements: checks.filter((c) => c.verdict === 'better'), warnings, notes };
}

const signed = (v: number, digits = 1): string => `${v > 0 ? '+' : ''}${v.toFixed(digits)}`;

/** The delta of a check as text: percent with its interval, or absolute when there is no relative scale. */
function deltaText(c: GateCheck): { delta: string; interval: string } {
  if (c.deltaPct) return { delta: `${signed(c.deltaPct.point)}%`, interval: `[${signed(c.deltaPct.lo)}%, ${signed(c.deltaPct.hi)}%]` };
  return { delta: signed(c.delta.point, 3), interval: `[${signed(c.delta.lo, 3)}, ${signed(c.delta.hi, 3)}]` };
}

/** The verdict line; always the last line of the markdown, and it agrees with the exit code. */
export function verdictLine(r: GateResult): string {
  return r.pass
    ? `gate: PASS (${r.checks.length} checks, no regression; ${r.improvements.length} improvement(s))`
    : `gate: FAIL (${r.regressions.length} of ${r.checks.length} checks worse; ${r.improvements.length} improvement(s))`;
}

/** A markdown summary for a pull request (also readable in a terminal). */
export function gateMarkdown(r: GateResult): string {
  const lines = [`## Benchmark gate: ${r.pass ? 'PASS' : 'FAIL'}`, ''];
  for (const w of r.warnings) lines.push(`> **WARNING**: ${w}`, '>');
  if (r.warnings.length) lines.push('');
  const rows = (cs: GateCheck[]): string[] => [
    '| agent | scenario | metric | baseline | candidate | delta | 95% interval | seeds |',
    '|---|---|---|---|---|---|---|---|',
    ...cs.map((c) => {
      const { delta, interval } = deltaText(c);
      const dir = c.direction === 'higher-is-better' ? 'higher is better' : 'lower is better';
      return `| ${c.agent} | ${c.scenario} | ${c.metric} (${c.unit}, ${dir}) | ${fmt(c.baseline.point)} | ${fmt(c.candidate.point)} | ${delta} | ${interval} | ${c.seeds} |`;
    }),
  ];
  if (r.regressions.length) lines.push(`### Regressions (${r.regressions.length})`, '', ...rows(r.regressions), '');
  if (r.improvements.length) lines.push(`### Improvements (${r.improvements.length})`, '', ...rows(r.improvements), '');
  const same = r.checks.filter((c) => c.verdict === 'same');
  if (same.length) lines.push(`<details><summary>Unchanged within the threshold (${same.length})</summary>`, '', ...rows(same), '', '</details>', '');
  for (const n of r.notes) lines.push(`- note: ${n}`);
  if (r.notes.length) lines.push('');
  const thresholds = [...new Set(r.checks.filter((c) => c.metric !== 'failedJobs').map((c) => `${c.metric} ${fmt(100 * c.threshold)}%`))];
  lines.push(`Rule: ${r.rule} Thresholds: ${thresholds.join(', ') || 'none'}.`, '', verdictLine(r));
  return `${lines.join('\n')}\n`;
}

/** One entry of github-action-benchmark's `customSmallerIsBetter` / `customBiggerIsBetter` arrays. */
export interface GithubBenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

/** The github-action-benchmark tools, each taking the metrics of one direction. */
export const GITHUB_BENCHMARK_TOOLS = { customSmallerIsBetter: 'lower-is-better', customBiggerIsBetter: 'higher-is-better' } as const;
export type GithubBenchmarkTool = keyof typeof GITHUB_BENCHMARK_TOOLS;

const metricChecks = (r: GateResult): GateCheck[] => r.checks.filter((c) => c.metric !== 'failedJobs');

/**
 * The candidate's values in github-action-benchmark's custom format for `tool`: one entry per
 * (agent, scenario, metric) of that tool's direction; `range` is half the interval's width, `extra`
 * the delta against the baseline.
 */
export function githubBenchmark(r: GateResult, tool: GithubBenchmarkTool): GithubBenchmarkEntry[] {
  return metricChecks(r).filter((c) => c.direction === GITHUB_BENCHMARK_TOOLS[tool]).map((c) => {
    const { delta, interval } = deltaText(c);
    return {
      name: `${c.agent}/${c.scenario}/${c.metric}`,
      unit: c.unit,
      value: c.candidate.point,
      range: `± ${fmt((c.candidate.hi - c.candidate.lo) / 2)}`,
      extra: `delta vs baseline ${delta} ${interval} over ${c.seeds} seeds (${c.verdict})`,
    };
  });
}

/** A metric id as a Bencher measure slug (kebab case). */
export function measureSlug(metric: MetricId): string {
  return metric.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`);
}

/** Bencher Metric Format: `{ "<agent>/<scenario>": { "<measure slug>": { value, lower_value, upper_value } } }`. */
export function bencherMetricFormat(r: GateResult): Record<string, Record<string, { value: number; lower_value: number; upper_value: number }>> {
  const out: Record<string, Record<string, { value: number; lower_value: number; upper_value: number }>> = {};
  for (const c of metricChecks(r)) {
    const bench = (out[`${c.agent}/${c.scenario}`] ??= {});
    bench[measureSlug(c.metric as MetricId)] = { value: c.candidate.point, lower_value: c.candidate.lo, upper_value: c.candidate.hi };
  }
  return out;
}
