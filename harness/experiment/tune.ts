/**
 * The recorded hyperparameter search of the learners the HL-speedup experiment compares, with the
 * same search budget for each: on a tuning suite only (`scenarios/tuning/*`, or `tuning-v4/*` for
 * the v4 learners; never the default or recorded scenarios) and on tuning seeds the runner never uses.
 *
 * Method: seeded random search over a declared space ({@link SEARCH_SPACES}, or a `--space` file).
 * Trial 0 is the agent's defaults (the searched fields' values, recorded); trials 1..budget-1 are drawn from
 * `deriveRng(SEARCH_SEED, 'search', agent, i)`. Every trial runs on every tuning scenario and seed
 * (common random numbers) with the experiment's measure, and is scored by the objective
 *   mean over (scenario, seed) of the normalised area under the greedy curve, with the x-axis
 *   logarithmic in real interactions (so learning early counts as much as learning at all),
 * 0 = random policy throughout, 1 = oracle from the first checkpoint. A trial with a failed job has
 * no score. The record (`search-<agent>.json`) holds the space, the budget, every trial's config
 * and per-case scores, and the best trial. An experiment runs the best trials with
 * `hl-speedup --tuned DIR` (`tuned.ts`), or their values are copied into the agent's defaults by hand
 * (the v1-v3 searches).
 *
 * Run: `orchbench experiment tune --agents dqn,hybrid --budget 24 --seeds 3` (hours at full
 * budgets), `--suite tuning-v4` for the v4 learners, or `--variant testing --budget 2 --seeds 1` for a smoke run.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baselineEntry, listBaselines, loadDefaultConfig } from '../../baselines/index.ts';
import { OrchestrationEnv } from '../env/env.ts';
import { InputError, show, type InputIssue } from '../errors.ts';
import { writeFileAtomic } from '../io/safe-file.ts';
import { CURRENT_SCALE, type ScaleName } from '../reference/scale.ts';
import { fmt } from '../report/sections.ts';
import { deriveRng, deriveSeed } from '../rng.ts';
import { executeJobs } from '../runner/execute.ts';
import type { ProgressSink } from '../runner/progress.ts';
import type { JobResult } from '../runner/types.ts';
import type { CompiledScenario } from '../scenario/compiled.ts';
import { loadSuite, type TuningSuite } from '../scenario/load.ts';
import { censoredMedian } from '../stats/index.ts';
import { VERSION } from '../version.ts';
import { DEFAULT_MEASURE, EXPERIMENT_JOB_MODULE, planExperiment, type LearnerSpec, type MeasureOptions } from './learners.ts';

/** One searched hyperparameter: a set of values, or a range drawn uniformly or log-uniformly (rounded when `integer`). */
export type ParamSpec =
  | { choice: readonly unknown[] }
  | { uniform: readonly [number, number]; integer?: boolean }
  | { logUniform: readonly [number, number]; integer?: boolean };

/** Field name -> how it is searched. */
export type SearchSpace = Record<string, ParamSpec>;

/** The DQN's space (shared by the v4 DQNs: `dqn-v4`, `dqn-informed`, whose configs are the DQN's). */
const DQN_SPACE: SearchSpace = {
  learningRate: { logUniform: [1e-4, 3e-3] },
  learningStarts: { choice: [0, 32, 64, 128, 256, 512] },
  trainEvery: { choice: [1, 2, 4, 8] },
  targetUpdateEvery: { choice: [25, 50, 100, 250, 500] },
  gamma: { choice: [0, 0.5, 0.9] },
  epsilonDecaySteps: { logUniform: [100, 3000], integer: true },
  epsilonEnd: { choice: [0.01, 0.02, 0.05] },
};

/** The discounts of the v4 searches: v4's scenarios reward planning over a session's requests, so 0.95 joins the v1-v3 choices. */
const GAMMA_V4: ParamSpec = { choice: [0, 0.5, 0.9, 0.95] };

/**
 * The declared search spaces: 7 fields each, searched with the same budget (number of
 * configurations) on the tuning scenarios only. Fields two agents share get the same range: the
 * discount, and the Q-network's Adam step (`learningRate` of the DQNs, `valueLearningRate` of
 * hybrid-v4). `dqn` and `hybrid` are the v1-v3 searches' spaces (`baselines/searches/2026-11-27`;
 * that Hybrid's value learner is a linear Q, so its fields are its model, planner and value-learner
 * knobs); `dqn-v4`, `dqn-informed` and `hybrid-v4` are the v4 searches' (issue 21, on
 * `tuning-v4`). When an agent's config changes, its declaration changes with it (the search
 * refuses fields the agent does not have).
 */
export const SEARCH_SPACES: Record<string, SearchSpace> = {
  dqn: DQN_SPACE,
  hybrid: {
    gamma: { choice: [0, 0.5, 0.9] },
    valueLearningRate: { logUniform: [0.01, 0.5] },
    posteriorScale: { logUniform: [0.25, 4] },
    untrustedPosteriorScale: { choice: [1, 2, 4] },
    minSamplesPerTier: { choice: [2, 4, 8, 16] },
    minRankingAccuracy: { uniform: [0.55, 0.9] },
    rolloutsPerStep: { choice: [0, 1, 2, 4] },
  },
  'dqn-v4': { ...DQN_SPACE, gamma: GAMMA_V4 },
  'dqn-informed': { ...DQN_SPACE, gamma: GAMMA_V4 },
  'hybrid-v4': {
    gamma: GAMMA_V4,
    valueLearningRate: DQN_SPACE.learningRate!,
    modelLearningRate: { logUniform: [5e-4, 1e-2] },
    simulatedBatchesPerStep: { choice: [0, 1, 2, 4] },
    planningWeight: { choice: [0, 0.5, 1, 2, 4] },
    trustHalfLife: { choice: [25, 50, 100, 200] },
    explorationBonus: { choice: [0, 0.25, 0.5, 1] },
  },
};

/** The agents a search on each tuning suite runs when none are named: the experiment's pair (and, on v4, its control dqn-informed, searched with the same budget). */
export const DEFAULT_SEARCH_AGENTS: Record<TuningSuite, readonly string[]> = { tuning: ['dqn', 'hybrid'], 'tuning-v4': ['dqn-v4', 'dqn-informed', 'hybrid-v4'] };

/** Root of the search's random draws (fixed: the search is part of the record). */
export const SEARCH_SEED = 20261127;

/** Seed `i` of the tuning runs: a different stream from every evaluation seed. */
export function tuningSeed(i: number): number {
  return deriveSeed(101, 'tuning-seed', i);
}

/** Draws one value of `spec` from `rng`. */
function draw(spec: ParamSpec, rng: ReturnType<typeof deriveRng>): unknown {
  if ('choice' in spec) return spec.choice[rng.int(spec.choice.length)];
  const u = rng.float();
  const [lo, hi] = 'uniform' in spec ? spec.uniform : spec.logUniform;
  const v = 'uniform' in spec ? lo + u * (hi - lo) : Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
  return spec.integer ? Math.round(v) : Number(v.toPrecision(6));
}

/**
 * The search's configurations: the defaults first (the searched fields' values in `defaults`, so
 * the record says what trial 0 ran; `{}` when none are given), then `budget - 1` seeded draws
 * from `space`.
 */
export function sampleConfigs(agent: string, space: SearchSpace, budget: number, defaults: Record<string, unknown> = {}): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [Object.fromEntries(Object.keys(space).sort().filter((k) => Object.hasOwn(defaults, k)).map((k) => [k, defaults[k]]))];
  for (let i = 1; i < budget; i++) {
    const rng = deriveRng(SEARCH_SEED, 'search', agent, i);
    out.push(Object.fromEntries(Object.keys(space).sort().map((k) => [k, draw(space[k]!, rng)])));
  }
  return out;
}

/** Checks a search-space document (`{ agent: { field: ParamSpec } }`), naming the JSON pointer of every problem. */
export function checkSpaces(doc: unknown, file: string): Record<string, SearchSpace> {
  const issues: InputIssue[] = [];
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError({ file, pointer: '', expected: '{ agent: { field: { choice: [...] } | { uniform: [lo, hi] } | { logUniform: [lo, hi] } } }', found: show(doc) });
  for (const [agent, space] of Object.entries(doc)) {
    if (!listBaselines().includes(agent)) issues.push({ file, pointer: `/${agent}`, expected: `a baseline of ${listBaselines().join(', ')}`, found: show(agent) });
    if (space === null || typeof space !== 'object' || Array.isArray(space)) {
      issues.push({ file, pointer: `/${agent}`, expected: 'an object of field -> search spec', found: show(space) });
      continue;
    }
    for (const [field, spec] of Object.entries(space as Record<string, unknown>)) {
      const at = `/${agent}/${field}`;
      const s = spec as Record<string, unknown> | null;
      const range = s && (s.uniform ?? s.logUniform);
      const okChoice = s !== null && typeof s === 'object' && Array.isArray(s.choice) && s.choice.length > 0;
      const okRange = Array.isArray(range) && range.length === 2 && range.every((x) => typeof x === 'number' && Number.isFinite(x)) && range[0] < range[1] && (!s!.logUniform || range[0] > 0);
      if (!okChoice && !okRange) issues.push({ file, pointer: at, expected: '{ choice: [values...] } | { uniform: [lo, hi] } | { logUniform: [lo > 0, hi] } (lo < hi), optional integer: true', found: show(spec) });
    }
  }
  if (issues.length) throw new InputError(issues);
  return doc as Record<string, SearchSpace>;
}

/** One configuration's result. */
export interface Trial {
  id: string;
  config: Record<string, unknown>;
  /** The objective (null when a job of the trial failed). */
  score: number | null;
  /** Median greedy interactions to threshold over the cases (censored runs at the budget). */
  medianInteractions: number;
  /** Whether that median is only a lower bound (at least half the cases censored). */
  medianCensored: boolean;
  /** Cases that never reached the threshold. */
  censored: number;
  cases: { scenario: string; seed: number; greedyLogAuc: number | null; interactions: number | null; failed?: string }[];
}

/** The record of one agent's search. */
export interface SearchRecord {
  agent: string;
  method: string;
  objective: string;
  budget: number;
  space: SearchSpace;
  searchSeed: number;
  variant: 'full' | 'testing';
  /** The tuning suite searched on; absent: `tuning` (records written before the v4 tuning suite). */
  suite?: TuningSuite;
  scenarios: string[];
  tuningSeeds: number[];
  measure: MeasureOptions;
  /** The normalised scale of the trials' greedy curves; absent: `clairvoyant-v3` (records written before scales had names). */
  scale?: ScaleName;
  harnessVersion: string;
  agentCodeHash: string;
  trials: Trial[];
  /** The trial with the highest score (ties: the earlier one, so the defaults win ties). */
  best: { id: string; config: Record<string, unknown>; score: number } | null;
}

/**
 * Normalised area under a greedy curve over log interactions (trapezoid between checkpoints),
 * divided by the log span; a single checkpoint gives its own value. A checkpoint at 0 (the
 * untrained policy) has no place on a log axis and is left out.
 */
export function greedyLogAuc(checkpoints: readonly number[], normalised: readonly number[]): number {
  const from = checkpoints[0] === 0 ? 1 : 0;
  const c = checkpoints.slice(from);
  const y = normalised.slice(from);
  if (c.length === 0) return normalised[0]!;
  if (c.length === 1) return y[0]!;
  let area = 0;
  for (let i = 1; i < c.length; i++) area += ((y[i - 1]! + y[i]!) / 2) * Math.log(c[i]! / c[i - 1]!);
  return area / Math.log(c.at(-1)! / c[0]!);
}

/** What {@link runSearches} searches (agents, budget, tuning seeds, variant) and where it writes. */
export interface SearchOptions {
  agents: readonly string[];
  /** Configurations per agent, the same for every agent. */
  budget: number;
  seeds: number;
  variant: 'full' | 'testing';
  /** The tuning suite searched on (default `tuning`, the v1-v3 searches'). */
  suite?: TuningSuite;
  /** Search spaces from a JSON file instead of {@link SEARCH_SPACES}. */
  spaceFile?: string;
  workers: number;
  outDir: string;
  measure?: MeasureOptions;
  progress?: ProgressSink;
}

/** Fails early (before hours of runs) when a space names a field the agent's config does not have. */
async function checkFields(agent: string, config: Record<string, unknown>, scenario: CompiledScenario): Promise<void> {
  const a = await (await baselineEntry(agent).load())({ env: new OrchestrationEnv(scenario).spec, seed: 1, config });
  a.dispose?.();
}

/** One case of a trial from its job's result (`undefined`: the job has none): the greedy curve's log-AUC and interactions to threshold, or why there are none. */
export function trialCase(scenario: string, seed: number, r: JobResult | undefined): Trial['cases'][number] {
  const g = r?.status === 'ok' ? r.metrics?.greedyCurve : undefined;
  return g
    ? { scenario, seed, greedyLogAuc: greedyLogAuc(g.checkpoints, g.normalised), interactions: g.interactionsToThreshold }
    : { scenario, seed, greedyLogAuc: null, interactions: null, failed: r?.reason ?? 'no result' };
}

/** A trial's objective: the mean log-AUC of its cases, or null when a case has none (a failed job). */
export function trialScore(cases: Trial['cases']): number | null {
  return cases.every((c) => c.greedyLogAuc !== null) ? cases.reduce((s, c) => s + c.greedyLogAuc!, 0) / cases.length : null;
}

/** The trial with the highest score (ties: the earlier one, so the defaults win ties), or null when every trial failed. */
export function bestTrial(trials: readonly Trial[]): SearchRecord['best'] {
  let best: SearchRecord['best'] = null;
  for (const t of trials) if (t.score !== null && (best === null || t.score > best.score)) best = { id: t.id, config: t.config, score: t.score };
  return best;
}

/** The records of finished jobs (pure). */
export function searchRecords(results: readonly JobResult[], plan: { agent: string; space: SearchSpace; learners: LearnerSpec[] }[], o: { budget: number; variant: 'full' | 'testing'; suite: TuningSuite; scenarios: string[]; seeds: number[]; measure: MeasureOptions; codeHash: (agent: string) => string }): SearchRecord[] {
  return plan.map(({ agent, space, learners }) => {
    const trials: Trial[] = learners.map((l) => {
      const runs = results.filter((r) => r.agent === l.id);
      const cases = o.scenarios.flatMap((scenario) => o.seeds.map((seed) => trialCase(scenario, seed, runs.find((x) => x.scenario === scenario && x.seed === seed))));
      const budgets = runs.map((r) => r.metrics?.realSteps ?? 0);
      const budget = Math.max(1, ...budgets);
      const m = censoredMedian(cases.map((c) => c.interactions), budget);
      return {
        id: l.id,
        config: l.config ?? {},
        score: trialScore(cases),
        medianInteractions: m.value,
        medianCensored: m.censored,
        censored: m.runs - m.reached,
        cases,
      };
    });
    return {
      agent,
      method: "seeded random search; trial 0 = the agent's defaults at search time (the searched fields' values recorded)",
      objective: 'mean over (tuning scenario, tuning seed) of the normalised area under the greedy curve over log real interactions',
      budget: o.budget,
      space,
      searchSeed: SEARCH_SEED,
      variant: o.variant,
      ...(o.suite !== 'tuning' ? { suite: o.suite } : {}),
      scenarios: o.scenarios,
      tuningSeeds: o.seeds,
      measure: o.measure,
      scale: CURRENT_SCALE,
      harnessVersion: VERSION,
      agentCodeHash: o.codeHash(agent),
      trials,
      best: bestTrial(trials),
    };
  });
}

/**
 * Runs the searches (one journal for all, resumed if present) and writes `search-<agent>.json`
 * and `search.md` into `outDir`.
 * @throws InputError for an agent without a declared space, a bad space file, or a space field
 *   the agent's config does not have.
 */
export async function runSearches(o: SearchOptions): Promise<SearchRecord[]> {
  const spaces = o.spaceFile ? checkSpaces(readJson(o.spaceFile), o.spaceFile) : SEARCH_SPACES;
  if (o.agents.length === 0) throw new InputError({ file: '--agents', expected: 'at least one agent', found: 'none' });
  for (const a of o.agents) {
    if (!Object.hasOwn(spaces, a)) throw new InputError({ file: '--agents', expected: `agents with a declared search space: ${Object.keys(spaces).join(', ')}`, found: JSON.stringify(a) });
  }
  const measure = o.measure ?? DEFAULT_MEASURE;
  const suite = o.suite ?? 'tuning';
  const scenarios = await loadSuite(suite, { variant: o.variant });
  const seeds = Array.from({ length: o.seeds }, (_, i) => tuningSeed(i));
  const plan = await Promise.all(o.agents.map(async (agent) => {
    const space = spaces[agent]!;
    const defaults = await loadDefaultConfig(agent);
    const learners = sampleConfigs(agent, space, o.budget, defaults).map((config, i): LearnerSpec => ({ id: `${agent}-trial-${i}`, agent, ...(Object.keys(config).length > 0 ? { config } : {}) }));
    return { agent, space, learners };
  }));
  for (const p of plan) if (p.learners[1]) await checkFields(p.agent, p.learners[1].config!, scenarios[0]!);
  const jobs = await planExperiment({ suite, variant: o.variant, learners: plan.flatMap((p) => p.learners), seeds, measure, puritySeeds: 0 });
  mkdirSync(o.outDir, { recursive: true });
  const { results } = await executeJobs(jobs, { outDir: o.outDir, workers: o.workers, resume: true, jobModule: EXPERIMENT_JOB_MODULE, ...(o.progress ? { progress: o.progress } : {}) });
  const codeHash = (agent: string): string => jobs.find((j) => (j.spec as { baseAgent?: string }).baseAgent === agent)?.id.agentCodeHash ?? '';
  const records = searchRecords(results, plan, { budget: o.budget, variant: o.variant, suite, scenarios: scenarios.map((s) => s.id), seeds, measure, codeHash });
  // Atomic: `verify` re-runs a record, and a crash mid-write must not leave half of one.
  for (const r of records) writeFileAtomic(join(o.outDir, `search-${r.agent}.json`), `${JSON.stringify(r, null, 2)}\n`, { what: 'the search record' });
  writeFileAtomic(join(o.outDir, 'search.md'), searchSummary(records), { what: 'the search summary' });
  return records;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError({ file, expected: 'a readable JSON file', found: e instanceof Error ? e.message : String(e) });
  }
}

/** The searches as Markdown: per agent, its trials ranked by the objective. */
export function searchSummary(records: readonly SearchRecord[]): string {
  const lines = [`# Hyperparameter searches (same budget for every agent: ${[...new Set(records.map((r) => r.budget))].join(', ')} configurations)`, ''];
  for (const r of records) {
    lines.push(
      `## ${r.agent}`,
      '',
      `${r.method}; objective: ${r.objective}. Tuning scenarios (${r.variant} variant): ${r.scenarios.join(', ')}; seeds ${r.tuningSeeds.join(', ')}.`,
      '',
      '| trial | score | median greedy interactions (censored cases) | config |',
      '|---|---|---|---|',
      ...[...r.trials]
        .sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity))
        .map((t) => `| ${t.id} | ${t.score === null ? 'failed' : fmt(t.score)} | ${t.medianCensored ? '>= ' : ''}${fmt(t.medianInteractions)} (${t.censored}) | ${Object.keys(t.config).length ? JSON.stringify(t.config) : 'defaults'} |`),
      '',
      r.best ? `Best: ${r.best.id} (${fmt(r.best.score)}): ${JSON.stringify(r.best.config)}` : 'Best: none (every trial failed)',
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
