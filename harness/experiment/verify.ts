/**
 * Re-running an experiment's results (`orchbench verify`).
 *
 * A folder: `experiment hl-speedup --out DIR` or `experiment tune --out DIR`. An experiment job is
 * a baseline under a learner id, with config overrides and the experiment's measure
 * (`learners.ts`), none of which an ordinary job spec carries; the folder's `hl-speedup.json`
 * records the learners and the measure, each `search-<agent>.json` its trials (a learner each) and
 * the measure. Each line's spec is rebuilt from them and accepted only when, with the identity the
 * line records (harness version, agent code, scenario and trace hashes), it gives the line's own
 * job hash: a report or record whose learners or measure were edited after the run cannot be used
 * to "reproduce" its lines. The re-run uses today's code, as for any line; a changed agent shows as
 * a different `agentCodeHash`.
 *
 * A bare search record (`search-<agent>.json`, published without its journal): its trial cases
 * (trial config x tuning scenario x tuning seed) are re-run (all, or a seeded sample) with the
 * record's variant and measure, and each case's greedy log-AUC and interactions to threshold are
 * compared with the recorded ones. The record carries no job hashes, so nothing vouches for the
 * code it ran with beyond its `agentCodeHash` and `harnessVersion`, which are compared with
 * today's and named when they differ.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError, show, type InputIssue } from '../errors.ts';
import { readInputText } from '../io/safe-file.ts';
import { MAX_JSON_BYTES } from '../io/json-limits.ts';
import { sampleIndices } from '../report/verify.ts';
import type { JobResult, JobSpec } from '../runner/types.ts';
import { lineScale, parseScale } from '../reference/scale.ts';
import { jobIdentity } from '../runner/identity.ts';
import { resolveScenarioFile } from '../scenario/load.ts';
import { VERSION } from '../version.ts';
import { type ExperimentJobSpec, experimentIdentity, experimentJobHash, learnerJobSpec, type LearnerSpec, type MeasureOptions } from './learners.ts';
import { bestTrial, type SearchRecord, trialCase, trialScore } from './tune.ts';

/** The experiment report's file in an experiment's output folder. */
export const EXPERIMENT_REPORT = 'hl-speedup.json';

/** A search record's file name (`search-<agent>.json`). */
const SEARCH_RECORD_RE = /^search-.+\.json$/;

/** Whether a spec is an experiment job's (it names the baseline its learner runs). */
export function isExperimentSpec(spec: JobSpec): spec is ExperimentJobSpec {
  return 'baseAgent' in spec && 'measure' in spec;
}

/** Learners and the measure they ran with, as one file of an experiment folder records them. */
interface LearnerSource {
  file: string;
  /** What the file calls a learner ('learner', 'trial') and itself ('report', 'record'), for messages. */
  learnerNoun: string;
  fileNoun: string;
  learners: LearnerSpec[];
  measure: MeasureOptions;
}

/** A JSON object from `file`, or an InputError naming it. */
function readJsonObject(file: string, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(readInputText(file, { maxBytes: MAX_JSON_BYTES, what }));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError({ file, expected: `${what} (JSON)`, found: (e as Error).message });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError({ file, pointer: '', expected: `${what} (a JSON object)`, found: show(doc) });
  return doc as Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An hl-speedup report's learners and measure (each learner checked: a line's spec is built from it). */
function reportSource(file: string): LearnerSource {
  const report = readJsonObject(file, 'an experiment report');
  const issues: InputIssue[] = [];
  if (!Array.isArray(report.learners)) issues.push({ file, pointer: '/learners', expected: 'the learners the experiment ran (an array)', found: show(report.learners) });
  else {
    report.learners.forEach((l: unknown, i) => {
      if (!isObject(l) || typeof l.id !== 'string' || typeof l.agent !== 'string' || (l.config !== undefined && !isObject(l.config))) {
        issues.push({ file, pointer: `/learners/${i}`, expected: '{ id, agent, config? }', found: show(l) });
      }
    });
  }
  if (!isObject(report.measure)) issues.push({ file, pointer: '/measure', expected: 'the measure the experiment ran with', found: show(report.measure) });
  if (issues.length) throw new InputError(issues);
  return { file, learnerNoun: 'learner', fileNoun: 'report', learners: report.learners as LearnerSpec[], measure: report.measure as unknown as MeasureOptions };
}

/**
 * Reads a search record (`search-<agent>.json`), checking the fields a re-run needs.
 * @throws InputError naming the JSON pointer of every missing or malformed field
 */
export function readSearchRecord(file: string): SearchRecord {
  const r = readJsonObject(file, 'a search record (search-<agent>.json)');
  const issues: InputIssue[] = [];
  const need = (ok: boolean, pointer: string, expected: string, found: unknown): void => {
    if (!ok) issues.push({ file, pointer, expected, found: show(found) });
  };
  need(typeof r.agent === 'string', '/agent', 'the searched baseline', r.agent);
  need(r.variant === 'full' || r.variant === 'testing', '/variant', 'full | testing', r.variant);
  need(isObject(r.measure), '/measure', 'the measure the trials ran with', r.measure);
  if (r.scale !== undefined) parseScale(r.scale, `${file}: /scale`);
  need(typeof r.harnessVersion === 'string' && typeof r.agentCodeHash === 'string', '/agentCodeHash', 'the harness version and agent code hash the search ran with', r.agentCodeHash);
  if (!Array.isArray(r.trials)) need(false, '/trials', 'an array of trials', r.trials);
  else {
    r.trials.forEach((t: unknown, i) => {
      if (!isObject(t) || typeof t.id !== 'string' || !isObject(t.config) || !Array.isArray(t.cases)) {
        need(false, `/trials/${i}`, '{ id, config: {...}, cases: [...] }', t);
        return;
      }
      t.cases.forEach((c: unknown, j) => {
        const ok = isObject(c) && typeof c.scenario === 'string' && Number.isInteger(c.seed) && (c.greedyLogAuc === null || typeof c.greedyLogAuc === 'number') && (c.interactions === null || typeof c.interactions === 'number');
        need(ok, `/trials/${i}/cases/${j}`, '{ scenario, seed (integer), greedyLogAuc (number | null), interactions (number | null) }', c);
      });
    });
  }
  if (issues.length) throw new InputError(issues);
  return r as unknown as SearchRecord;
}

/** A search record's trials as learners: trial 0 (the defaults) and any other empty config without overrides, as the search ran them. */
function searchLearners(record: SearchRecord): LearnerSpec[] {
  return record.trials.map((t) => ({ id: t.id, agent: record.agent, ...(Object.keys(t.config).length ? { config: t.config } : {}) }));
}

/** Every learner source of an experiment folder: its hl-speedup report and its search records. */
function learnerSources(dir: string): LearnerSource[] {
  const sources: LearnerSource[] = [];
  const report = join(dir, EXPERIMENT_REPORT);
  if (existsSync(report)) sources.push(reportSource(report));
  for (const name of readdirSync(dir).filter((n) => SEARCH_RECORD_RE.test(n)).sort()) {
    const file = join(dir, name);
    const record = readSearchRecord(file);
    sources.push({ file, learnerNoun: 'trial', fileNoun: 'record', learners: searchLearners(record), measure: record.measure });
  }
  return sources;
}

/**
 * The spec of each result line of an experiment folder, or undefined when `dir` holds neither an
 * experiment report nor a search record (an ordinary run). Lines are matched by job hash: a line
 * no learner of the folder reproduces gets a spec resolver that throws, which `verify` reports
 * against that line.
 * @param plainSpec the ordinary spec of a line (scenario file, variant, seed), extended here.
 * @throws InputError when a report or record cannot be read or lacks its learners or measure
 */
export function experimentSpecs(dir: string, results: readonly JobResult[], plainSpec: (r: JobResult) => JobSpec): ((r: JobResult) => JobSpec) | undefined {
  const sources = learnerSources(dir);
  if (sources.length === 0) return undefined;
  const find = (id: string): { source: LearnerSource; learner: LearnerSpec } | undefined => {
    for (const source of sources) {
      const learner = source.learners.find((l) => l.id === id);
      if (learner) return { source, learner };
    }
    return undefined;
  };
  const specs = new Map<string, ExperimentJobSpec>();
  for (const r of results) {
    const found = find(r.agent);
    if (!found) continue;
    const { source, learner } = found;
    let base: JobSpec;
    try {
      base = plainSpec(r);
    } catch {
      continue; // reported when verify asks for this line's spec
    }
    const recorded = jobIdentity({ agent: learner.agent, variant: r.variant, seed: r.seed, ...(r.sealed !== undefined ? { sealed: r.sealed } : {}), scale: lineScale(r) }, { harnessVersion: r.harnessVersion, agentCodeHash: r.agentCodeHash, scenarioHash: r.scenarioHash, traceSha256s: r.traceSha256s });
    // Whether a job also ran the purity check is in its hash, not in its line; an empty config may
    // have run as none or as {}: try each.
    const { config: _config, ...bare } = learner;
    const candidates = learner.config && Object.keys(learner.config).length ? [learner] : [bare, { ...bare, config: {} }];
    search: for (const candidate of candidates) {
      for (const purityCheck of [false, true]) {
        const spec = learnerJobSpec(candidate, base, source.measure, purityCheck);
        if (experimentJobHash(recorded.jobHash, spec) === r.jobHash) {
          specs.set(r.jobHash, spec);
          break search;
        }
      }
    }
  }
  return (r) => {
    const spec = specs.get(r.jobHash);
    if (spec) return spec;
    const found = find(r.agent);
    const file = found?.source.file ?? sources.map((s) => s.file).join(', ');
    throw new InputError({
      file,
      expected: `a learner and measure that give job ${r.jobHash} (${r.agent} on ${r.scenario}, seed ${r.seed})`,
      found: found
        ? `${found.source.learnerNoun} "${r.agent}" of ${basename(file)} with this config and measure gives another job hash (the ${found.source.fileNoun} or the line was edited)`
        : `no learner or trial "${r.agent}" in ${sources.map((s) => basename(s.file)).join(', ')}`,
    });
  };
}

/** One re-run case of a search record. */
export interface SearchCaseCheck {
  trial: string;
  scenario: string;
  seed: number;
  status: 'ok' | 'differs';
  recorded: { greedyLogAuc: number | null; interactions: number | null };
  recomputed: { greedyLogAuc: number | null; interactions: number | null; failed?: string };
}

/** What `verify FILE/search-<agent>.json` checks. */
export interface SearchVerifyHeader {
  file: string;
  agent: string;
  variant: 'full' | 'testing';
  /** All cases of the record (trials x scenarios x seeds), and how many are re-run. */
  cases: number;
  reRun: number;
  /** The identity the search ran with and today's (results may legitimately differ when these do). */
  harnessVersion: { recorded: string; today: string };
  agentCodeHash: { recorded: string; today: string };
  /** Trials that ran the agent's defaults of the search's time (config `{}`: the values are not recorded); they re-run with today's. */
  defaultsTrials: string[];
}

/** What `verify FILE/search-<agent>.json` found. */
export interface SearchVerifyReport extends SearchVerifyHeader {
  ok: boolean;
  /** Scores or the best trial that do not follow from the record's own cases (an edited record). */
  inconsistencies: string[];
  entries: SearchCaseCheck[];
}

/** How {@link verifySearchRecord} re-runs a record's cases, and whom it tells as it goes. */
export interface SearchVerifyOptions {
  /** Re-run a seeded sample of this many cases (default: all). */
  sample?: number;
  seed?: number;
  /** Only the record's internal consistency, no re-run. */
  noRerun?: boolean;
  /** Runs one experiment job (`job.ts`'s `runJob`). */
  runJob: (spec: ExperimentJobSpec) => Promise<JobResult>;
  /** Called before the first re-run with what is checked (to print {@link formatSearchHeader}). */
  onStart?: (r: SearchVerifyHeader) => void;
  /** Called with each case as soon as it is checked (to print progress). */
  onCase?: (c: SearchCaseCheck) => void;
}

/** Scores and the best trial recomputed from the record's own cases, where they differ from the recorded ones. */
function inconsistencies(record: SearchRecord): string[] {
  const out: string[] = [];
  for (const t of record.trials) {
    const score = trialScore(t.cases);
    if (score !== t.score) out.push(`${t.id}: score ${show(t.score)} recorded, ${show(score)} is the mean of its cases`);
  }
  const best = bestTrial(record.trials.map((t) => ({ ...t, score: trialScore(t.cases) })));
  if (best?.id !== record.best?.id) out.push(`best trial ${show(record.best?.id ?? null)} recorded, ${show(best?.id ?? null)} by its cases' scores`);
  return out;
}

/**
 * Re-runs a search record's trial cases (all, or a seeded sample) with its variant and measure and
 * compares each case's greedy log-AUC and interactions to threshold (exactly: both are
 * deterministic functions of the job) with the recorded ones; also checks that the record's scores
 * and best trial follow from its cases.
 * @throws InputError for an unreadable or malformed record or a scenario id no shipped suite has
 */
export async function verifySearchRecord(file: string, o: SearchVerifyOptions): Promise<SearchVerifyReport> {
  const record = readSearchRecord(file);
  const learners = searchLearners(record);
  const cases = record.trials.flatMap((t, i) => t.cases.map((c) => ({ learner: learners[i]!, c })));
  const specOf = ({ learner, c }: (typeof cases)[number]): ExperimentJobSpec =>
    learnerJobSpec(learner, { agentKind: 'baseline', scenario: c.scenario, scenarioFile: resolveScenarioFile(c.scenario), variant: record.variant, seed: c.seed, scale: lineScale(record) }, record.measure, false);
  const chosen = o.noRerun ? [] : sampleIndices(cases.length, o.sample ?? cases.length, o.seed ?? 0).map((i) => cases[i]!);
  const specs = chosen.map(specOf); // every scenario id resolves before the first (slow) job
  const header: SearchVerifyHeader = {
    file,
    agent: record.agent,
    variant: record.variant,
    cases: cases.length,
    reRun: specs.length,
    harnessVersion: { recorded: record.harnessVersion, today: VERSION },
    agentCodeHash: { recorded: record.agentCodeHash, today: cases.length ? (await experimentIdentity(specs[0] ?? specOf(cases[0]!))).agentCodeHash : 'none (no cases)' },
    defaultsTrials: learners.filter((l) => !l.config).map((l) => l.id),
  };
  o.onStart?.(header);
  const entries: SearchCaseCheck[] = [];
  for (const [i, spec] of specs.entries()) {
    const { c } = chosen[i]!;
    let result: JobResult | undefined;
    let threw: string | undefined;
    try {
      result = await o.runJob(spec);
    } catch (e) {
      threw = (e as Error).message;
    }
    const again = trialCase(c.scenario, c.seed, result);
    const recomputed = { greedyLogAuc: again.greedyLogAuc, interactions: again.interactions, ...(again.failed !== undefined || threw ? { failed: threw ?? again.failed } : {}) };
    const same = recomputed.greedyLogAuc === c.greedyLogAuc && recomputed.interactions === c.interactions;
    const entry: SearchCaseCheck = { trial: spec.agent, scenario: c.scenario, seed: c.seed, status: same ? 'ok' : 'differs', recorded: { greedyLogAuc: c.greedyLogAuc, interactions: c.interactions }, recomputed };
    entries.push(entry);
    o.onCase?.(entry);
  }
  const problems = inconsistencies(record);
  return { ...header, ok: problems.length === 0 && entries.every((e) => e.status === 'ok'), inconsistencies: problems, entries };
}

/** A checked case as one line: ok with its values, or DIFFERS with both. */
export function formatSearchCase(e: SearchCaseCheck): string {
  const v = (x: number | null): string => (x === null ? 'none (not reached)' : String(x));
  const where = `${e.trial} on ${e.scenario}, seed ${e.seed}`;
  if (e.status === 'ok') return `ok       ${where}: greedyLogAuc ${v(e.recorded.greedyLogAuc)}, interactions ${v(e.recorded.interactions)}`;
  const failed = e.recomputed.failed ? ` (re-run failed: ${e.recomputed.failed})` : '';
  return `DIFFERS  ${where}: greedyLogAuc recorded ${v(e.recorded.greedyLogAuc)}, recomputed ${v(e.recomputed.greedyLogAuc)}; interactions recorded ${v(e.recorded.interactions)}, recomputed ${v(e.recomputed.interactions)}${failed}`;
}

/** The header said before any case runs: what is checked, and whether the record's code is today's. */
export function formatSearchHeader(r: SearchVerifyHeader): string {
  const out = [`search record ${r.file}: ${r.agent}, ${r.variant} variant, ${r.cases} cases (trial x tuning scenario x tuning seed); re-running ${r.reRun}`];
  if (r.agentCodeHash.recorded !== r.agentCodeHash.today) out.push(`note: the search ran with agent code ${r.agentCodeHash.recorded}, today's ${r.agent} is ${r.agentCodeHash.today}: results may legitimately differ (still compared)`);
  if (r.agentCodeHash.recorded !== r.agentCodeHash.today && r.defaultsTrials.length) {
    out.push(`note: ${r.defaultsTrials.join(', ')} ran the agent's defaults of the search's time (config {}, their values not recorded) and re-run with today's defaults: where those changed since (e.g. the search's choice was copied into them), their cases differ`);
  }
  if (r.harnessVersion.recorded !== r.harnessVersion.today) out.push(`note: the search ran with harness ${r.harnessVersion.recorded}, today's is ${r.harnessVersion.today}: results may legitimately differ (still compared)`);
  return `${out.join('\n')}\n`;
}

/** The record's inconsistencies and the verdict line (the cases are printed as they run). */
export function formatSearchVerdict(r: SearchVerifyReport): string {
  const out = r.inconsistencies.map((p) => `INCONSISTENT ${p}`);
  const differ = r.entries.filter((e) => e.status === 'differs').length;
  out.push(`verify: ${r.ok ? 'OK' : 'FAILED'} (${r.reRun} of ${r.cases} cases re-run, ${differ} differ${r.inconsistencies.length ? `, ${r.inconsistencies.length} inconsistent` : ''})`);
  return `${out.join('\n')}\n`;
}
