/**
 * The learners of an experiment and their jobs. A learner is a registered baseline run with
 * optional config overrides under its own id (e.g. `hybrid-no-rollouts` = `hybrid` with
 * `{ "rollouts": false }`): the ablation variants and the tuning search's configurations are all
 * learners. Their jobs run on the ordinary runner (worker pool, journal, resume) through this
 * folder's job module (`job.ts`), and a job's hash covers the learner's config and the measurement
 * options, so a changed variant or measure never resumes a stale line.
 */
import { readFileSync } from 'node:fs';
import { mergeConfig } from '../../baselines/common.ts';
import { listBaselines, loadDefaultConfig } from '../../baselines/index.ts';
import { InputError, show, type InputIssue } from '../errors.ts';
import { identifyJob } from '../runner/job.ts';
import type { JobIdentity, JobSpec, PlannedJob } from '../runner/types.ts';
import { type ScenarioSelection, selectScenarios } from '../scenario/select.ts';
import { canonicalHash } from '../hash.ts';
import { CHECKPOINT_DEFAULTS, LEARNING_CURVE_WINDOW, type CheckpointEvalOptions } from '../score/job.ts';

/** A baseline under an id, with config overrides merged over its defaults. */
export interface LearnerSpec {
  /** The learner's name in results and tables (a baseline name when there are no overrides). */
  id: string;
  /** The registered baseline it runs. */
  agent: string;
  config?: Record<string, unknown>;
  /** One line for the ablation table: what this variant changes. */
  description?: string;
  /** A variant that is a control (e.g. a DQN given the Hybrid's action information): a ratio column in the main table, not an ablation row. */
  control?: boolean;
}

/** How every job of an experiment is measured (the same for every learner). */
export interface MeasureOptions {
  /** Fraction of the random-to-oracle gap (0.9). */
  threshold: number;
  /** Learning-curve window in decisions, the same for every budget. */
  windowDecisions: number;
  checkpoints: Required<CheckpointEvalOptions>;
}

/** The standard measure: 90% of the gap, 200-decision window, the scorer's checkpoint defaults. */
export const DEFAULT_MEASURE: MeasureOptions = { threshold: 0.9, windowDecisions: LEARNING_CURVE_WINDOW, checkpoints: { ...CHECKPOINT_DEFAULTS } };

/** A job of an experiment: a runner job spec plus what the learner and the measure are. */
export interface ExperimentJobSpec extends JobSpec {
  /** The baseline `agent` (the learner id) runs. */
  baseAgent: string;
  config?: Record<string, unknown>;
  measure: MeasureOptions;
  /** Also check eval purity (a second run without checkpoints; see `scoreJob`). */
  purityCheck: boolean;
}

const ID_RE = /^[a-z0-9][a-z0-9._-]*$/;

/** The learner of a registered baseline, without overrides. */
export function baselineLearner(name: string): LearnerSpec {
  if (!listBaselines().includes(name)) throw new InputError({ file: '--agents', expected: `baselines of ${listBaselines().join(', ')}`, found: JSON.stringify(name) });
  return { id: name, agent: name };
}

/**
 * Reads a variants file: a JSON array (or `{ "variants": [...] }`) of
 * `{ "id": "hybrid-linear-model", "agent": "hybrid", "config": { ... }, "description": "..." }`.
 * @throws InputError naming the file and JSON pointer of every problem (unknown baseline, bad id,
 *   duplicate id, config not an object).
 */
export function readVariants(file: string): LearnerSpec[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError({ file, expected: 'a readable JSON file of agent variants', found: e instanceof Error ? e.message : String(e) });
  }
  const wrapped = doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'variants' in doc;
  const list = wrapped ? (doc as { variants: unknown }).variants : doc;
  const base = wrapped ? '/variants' : '';
  if (!Array.isArray(list)) throw new InputError({ file, pointer: base, expected: 'an array of { id, agent, config?, description? }', found: show(list) });
  const issues: InputIssue[] = [];
  const baselines = listBaselines();
  const seen = new Set<string>();
  const out: LearnerSpec[] = [];
  list.forEach((v: unknown, i) => {
    const at = (field: string): string => `${base}/${i}${field ? `/${field}` : ''}`;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      issues.push({ file, pointer: at(''), expected: 'an object { id, agent, config?, description?, control? }', found: show(v) });
      return;
    }
    const { id, agent, config, description, control, ...rest } = v as Record<string, unknown>;
    for (const k of Object.keys(rest)) issues.push({ file, pointer: at(k), expected: 'only the fields id, agent, config, description, control', found: `unknown field ${show(k)}` });
    if (control !== undefined && typeof control !== 'boolean') issues.push({ file, pointer: at('control'), expected: 'true or false', found: show(control) });
    if (typeof id !== 'string' || !ID_RE.test(id)) issues.push({ file, pointer: at('id'), expected: 'a learner id (lower-case letters, digits, ".", "_", "-")', found: show(id) });
    else if (seen.has(id)) issues.push({ file, pointer: at('id'), expected: 'an id no other variant has', found: show(id) });
    if (typeof agent !== 'string' || !baselines.includes(agent)) issues.push({ file, pointer: at('agent'), expected: `a baseline of ${baselines.join(', ')}`, found: show(agent) });
    if (config !== undefined && (config === null || typeof config !== 'object' || Array.isArray(config))) issues.push({ file, pointer: at('config'), expected: 'an object of config overrides', found: show(config) });
    if (description !== undefined && typeof description !== 'string') issues.push({ file, pointer: at('description'), expected: 'a string', found: show(description) });
    if (typeof id === 'string') seen.add(id);
    out.push({
      id: id as string,
      agent: agent as string,
      ...(config !== undefined ? { config: config as Record<string, unknown> } : {}),
      ...(typeof description === 'string' ? { description } : {}),
      ...(control === true ? { control: true } : {}),
    });
  });
  if (issues.length) throw new InputError(issues);
  return out;
}

/** The job's identity: the base baseline's (code, scenario, traces, seed) plus the learner id, its config and the measure. */
export async function experimentIdentity(spec: ExperimentJobSpec): Promise<JobIdentity> {
  const base = await identifyJob({ ...spec, agent: spec.baseAgent });
  return { ...base, jobHash: experimentJobHash(base.jobHash, spec) };
}

/** The job hash of an experiment job whose baseline job (same agent code, scenario, seed) has hash `baseJobHash`. */
export function experimentJobHash(baseJobHash: string, spec: Pick<ExperimentJobSpec, 'agent' | 'config' | 'measure' | 'purityCheck'>): string {
  return canonicalHash({ base: baseJobHash, learner: spec.agent, config: spec.config ?? null, measure: spec.measure, purityCheck: spec.purityCheck });
}

/**
 * The experiment job of learner `l` on one scenario and seed (`base`: the plain job's fields; its
 * agent is replaced by the learner's id): how experiments plan their jobs and how `verify` rebuilds
 * them from a report or a search record.
 */
export function learnerJobSpec(l: LearnerSpec, base: Omit<JobSpec, 'agent'>, measure: MeasureOptions, purityCheck: boolean): ExperimentJobSpec {
  return { ...base, agent: l.id, baseAgent: l.agent, ...(l.config ? { config: l.config } : {}), measure, purityCheck };
}

/** Which scenarios (a suite, or ids of any suite and scenario files, in a variant: `harness/scenario/select.ts`). */
export interface ExperimentPlanOptions extends ScenarioSelection {
  learners: readonly LearnerSpec[];
  /** Episode seeds, or a sealed run's seed indices (the same for every learner and scenario: common random numbers). */
  seeds: readonly number[];
  /** A sealed run's commitment (`seeds` are then seed indices). */
  sealed?: string;
  measure: MeasureOptions;
  /** How many of the first seeds also run the purity check. */
  puritySeeds: number;
}

/**
 * Every job: seed-major, then scenario, then learner.
 * @throws InputError for two learners with one id or an unknown scenario.
 */
export async function planExperiment(o: ExperimentPlanOptions): Promise<PlannedJob[]> {
  const ids = o.learners.map((l) => l.id);
  const twice = ids.filter((n, i) => ids.indexOf(n) !== i);
  if (twice.length) throw new InputError({ file: '--agents/--variants', expected: 'each learner id once', found: `${[...new Set(twice)].join(', ')} more than once` });
  await checkLearnerConfigs(o.learners);
  const { scenarios } = selectScenarios(o);
  const specs: ExperimentJobSpec[] = [];
  o.seeds.forEach((seed, i) => {
    for (const { id, file: scenarioFile, variant } of scenarios) {
      for (const l of o.learners) specs.push(learnerJobSpec(l, { agentKind: 'baseline', scenario: id, scenarioFile, variant, seed, ...(o.sealed !== undefined ? { sealed: o.sealed } : {}) }, o.measure, i < o.puritySeeds));
    }
  });
  return Promise.all(specs.map(async (spec) => ({ spec, id: await experimentIdentity(spec) })));
}

/**
 * Every learner's config overrides name fields of its baseline's config, with their types: a
 * misspelt or removed field would otherwise run the defaults under a variant's name.
 * @throws InputError at the learner's config pointer (e.g. `config of agent "hybrid-x"`, `/planningBatches`).
 */
async function checkLearnerConfigs(learners: readonly LearnerSpec[]): Promise<void> {
  for (const l of learners) {
    if (!l.config || Object.keys(l.config).length === 0) continue;
    const defaults = await loadDefaultConfig(l.agent);
    if (!defaults) throw new InputError({ file: `config of agent "${l.id}"`, expected: `no overrides (baseline ${l.agent} has no config)`, found: Object.keys(l.config).join(', ') });
    mergeConfig(l.id, defaults, l.config);
  }
}

/** URL of the job module the runner's workers load for experiment jobs. */
export const EXPERIMENT_JOB_MODULE = new URL('./job.ts', import.meta.url).href;
