/**
 * Builds and writes a leaderboard from job results: `leaderboard.json` (validated by
 * `scenarios/schema/leaderboard.schema.json`), `leaderboard.md` and a static `leaderboard.html`.
 * Output depends only on the results (in any order) and the run facts: identical input gives
 * byte-identical files.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { latestByJob } from '../runner/journal.ts';
import type { JobResult, RunManifest } from '../runner/types.ts';
import { readValidated, schemaIssues } from '../schema.ts';
import { toHtml } from './html.ts';
import { toMarkdown } from './markdown.ts';
import { describeIsolation } from '../submission/isolation.ts';
import { InputError } from '../errors.ts';
import { writerProvenance } from './provenance.ts';
import { METRICS } from './metrics.ts';
import { plotSpecs, renderSvg } from './plots.ts';
import { leaderboardScale, scenarioReferenceRows } from './references.ts';
import { displayOrder } from './sections.ts';
import { curveReps, summarise, type StatsOptions } from './summarise.ts';
import type { Leaderboard, RunMeta } from './types.ts';

export type { RunMeta } from './types.ts';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Bootstrap replicates and confidence of every interval on a leaderboard. */
export const DEFAULT_STATS = { reps: 2000, confidence: 0.95 } as const;

/** Quotes a command-line argument for a POSIX shell when it needs it. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Run facts from a run directory's manifest (`run.json`) and its results.
 * @param manifest the runner's manifest; its `command` is argv after `node`.
 */
export function runMetaFromManifest(manifest: RunManifest, results: readonly JobResult[]): RunMeta {
  return {
    command: manifest.command.map(shellQuote).join(' '),
    harnessVersion: manifest.harnessVersion,
    nodeVersion: manifest.nodeVersion,
    suite: manifest.suite,
    seeds: [...new Set(results.map((r) => r.seed))].sort((a, b) => a - b),
    rootSeed: manifest.rootSeed,
    ...(manifest.sealed ? { sealed: manifest.sealed.commitment } : {}),
  };
}

/**
 * The facts of a page the CLI writes: the run's, the title given (`--title`, trimmed; an empty one
 * is refused) and who writes the page into `outDir` from what code ({@link writerProvenance}).
 * @throws InputError for an empty title.
 */
export function pageMeta(run: RunMeta, title: string | undefined, outDir: string): RunMeta {
  if (title !== undefined && title.trim() === '') throw new InputError({ file: '--title', expected: 'a title for the leaderboard page', found: 'an empty text' });
  return { ...run, ...(title !== undefined ? { title: title.trim() } : {}), writer: writerProvenance(outDir) };
}

/**
 * One result per job (the runner's rule: a retried job's `ok` line wins), sorted by
 * (agent, scenario, seed, jobHash) so the leaderboard does not depend on the journal's order.
 */
export function canonicalResults(results: readonly JobResult[]): JobResult[] {
  return latestByJob(results).sort((a, b) => byString(a.agent, b.agent) || byString(a.scenario, b.scenario) || a.seed - b.seed || byString(a.jobHash, b.jobHash));
}

/** tfjs backends the agents reported in their `info` (any key naming a backend). */
function tfjsBackends(results: readonly JobResult[]): string[] {
  const found = new Set<string>();
  for (const r of results) {
    for (const [k, v] of Object.entries(r.metrics?.info ?? {})) if (/backend/i.test(k)) found.add(String(v));
  }
  return [...found].sort(byString);
}

/** How the submissions ran: each distinct isolation, and the submissions run trusted. */
function isolationLines(results: readonly JobResult[]): string[] {
  const isolated = new Map<string, Set<string>>();
  const trusted = new Set<string>();
  for (const r of results) {
    if (r.agentKind !== 'submission') continue;
    const iso = r.provenance?.isolation;
    if (iso) {
      const d = describeIsolation(iso);
      isolated.set(d, (isolated.get(d) ?? new Set()).add(r.agent));
    } else {
      trusted.add(r.agent);
    }
  }
  return [
    ...[...isolated].map(([d, agents]) => `isolated with ${d}: ${[...agents].sort(byString).join(', ')}`),
    ...(trusted.size ? [`TRUSTED, without isolation (results of the whole run may be affected): ${[...trusted].sort(byString).join(', ')}`] : []),
  ];
}

/** The title of a page without `--title`: the suite, or the number of scenarios of a custom selection. */
function defaultTitle(suite: string, scenarios: number): string {
  const custom = /^custom\b(.*)$/.exec(suite);
  return custom ? `orchbench leaderboard: ${scenarios} scenario${scenarios === 1 ? '' : 's'}${custom[1]}` : `orchbench leaderboard: suite ${suite}`;
}

/**
 * The leaderboard data (no rendering).
 * @param results job results, any order; failed jobs are listed with their reasons.
 * @param meta run facts; `meta.rootSeed` seeds every bootstrap.
 * @param stats bootstrap replicates and confidence (default {@link DEFAULT_STATS}).
 */
export function buildLeaderboard(results: readonly JobResult[], meta: RunMeta, stats: Omit<StatsOptions, 'seed'> = DEFAULT_STATS): Leaderboard {
  const rs = canonicalResults(results);
  const opts: StatsOptions = { ...stats, seed: meta.rootSeed };
  const s = summarise(rs, opts);
  const agentIds = [...new Set(rs.map((r) => r.agent))];
  const scenarioIds = [...new Set(rs.map((r) => r.scenario))].sort(byString);
  const first = (pred: (r: JobResult) => boolean): JobResult => rs.find(pred)!;
  const lb: Leaderboard = {
    schemaVersion: 2,
    title: meta.title ?? defaultTitle(meta.suite, scenarioIds.length),
    statistics: {
      rule: `Per agent and scenario: IQM (25% trimmed mean) and median across seeds. Across scenarios: IQM of all runs pooled and rliable's median (median over scenarios of the mean over seeds). Intervals: ${opts.confidence * 100}% percentile stratified bootstrap (seeds resampled within each scenario), ${opts.reps} replicates (${curveReps(opts)} for learning-curve bands), seeded from the root seed ${opts.seed}.`,
      confidence: opts.confidence,
      reps: opts.reps,
      seed: opts.seed,
    },
    metrics: METRICS.map(({ id, label, unit, direction, description }) => ({ id, label, unit, direction, description })),
    agents: agentIds.map((id) => {
      const r = first((x) => x.agent === id);
      return { id, kind: r.agentKind, codeHash: r.agentCodeHash };
    }),
    scenarios: scenarioIds.map((id) => {
      const r = first((x) => x.scenario === id);
      return { id, hash: r.scenarioHash, variant: r.variant, traceSha256s: r.traceSha256s };
    }),
    cells: s.cells,
    aggregates: s.aggregates,
    rankings: { objectives: s.objectives, overall: s.overall, sampleEfficiency: s.sampleEfficiency },
    improvement: { metric: 'normalisedAuc', pairs: s.improvement },
    failures: s.failures,
    plots: [],
    reproducibility: {
      ...meta,
      tfjsBackends: tfjsBackends(rs),
      isolation: isolationLines(rs),
      jobs: rs.length,
      okJobs: rs.length - s.failures.length,
      resultsSha256: createHash('sha256').update(rs.map((r) => r.resultHash).join('\n')).digest('hex'),
    },
  };
  const order = displayOrder(lb);
  lb.plots = plotSpecs(s.cells, s.aggregates, { competitors: order.filter((o) => !o.reference).map((o) => o.agent), references: order.filter((o) => o.reference).map((o) => o.agent) }, scenarioIds);
  return lb;
}

/** Renders every plot of a leaderboard to SVG, by plot id. */
export async function renderPlots(lb: Leaderboard): Promise<Map<string, string>> {
  const svgs = new Map<string, string>();
  for (const p of lb.plots) svgs.set(p.id, await renderSvg(p.spec));
  return svgs;
}

/**
 * Writes `leaderboard.json`, `leaderboard.md` and `leaderboard.html` into `outDir`.
 * @param stats bootstrap replicates and confidence (default {@link DEFAULT_STATS}).
 * @returns the leaderboard written.
 */
export async function writeLeaderboard(outDir: string, results: readonly JobResult[], meta: RunMeta, stats: Omit<StatsOptions, 'seed'> = DEFAULT_STATS): Promise<Leaderboard> {
  const scale = leaderboardScale(results);
  const lb = buildLeaderboard(results, meta, stats);
  const refs = { scale, rows: scenarioReferenceRows(canonicalResults(results), lb.scenarios.map((s) => s.id)) };
  const file = join(outDir, 'leaderboard.json');
  // The schema is the published contract: never write a file that breaks it.
  const issues = schemaIssues('leaderboard', lb, file);
  if (issues.length) throw new Error(`bug: leaderboard does not match its schema:\n${issues.map((i) => `${i.pointer}: expected ${i.expected}; found ${i.found}`).join('\n')}`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(lb, null, 2)}\n`);
  writeFileSync(join(outDir, 'leaderboard.md'), toMarkdown(lb, refs));
  writeFileSync(join(outDir, 'leaderboard.html'), toHtml(lb, await renderPlots(lb), refs));
  return lb;
}

/** Reads and validates a `leaderboard.json`. */
export function readLeaderboard(file: string): Leaderboard {
  return readValidated<Leaderboard>('leaderboard', file);
}
