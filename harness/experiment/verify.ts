/**
 * Re-running an experiment's result lines (`orchbench verify` on an `experiment hl-speedup`
 * folder). An experiment job is a baseline under a learner id, with config overrides and the
 * experiment's measure (`learners.ts`), none of which an ordinary job spec carries; the folder's
 * `hl-speedup.json` records the learners and the measure. Each line's spec is rebuilt from them and
 * accepted only when, with the identity the line records (harness version, agent code, scenario and
 * trace hashes), it gives the line's own job hash: a report whose learners or measure were edited
 * after the run cannot be used to "reproduce" its lines. The re-run uses today's code, as for any
 * line; a changed agent shows as a different `agentCodeHash`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { readInputText } from '../io/safe-file.ts';
import { MAX_JSON_BYTES } from '../io/json-limits.ts';
import type { JobResult, JobSpec } from '../runner/types.ts';
import { jobIdentity } from '../runner/identity.ts';
import { type ExperimentJobSpec, experimentJobHash, type LearnerSpec, type MeasureOptions } from './learners.ts';

/** The experiment report's file in an experiment's output folder. */
export const EXPERIMENT_REPORT = 'hl-speedup.json';

/** Whether a spec is an experiment job's (it names the baseline its learner runs). */
export function isExperimentSpec(spec: JobSpec): spec is ExperimentJobSpec {
  return 'baseAgent' in spec && 'measure' in spec;
}

/**
 * The spec of each result line of an experiment folder, or undefined when `dir` holds no
 * experiment report (an ordinary run). Lines are matched by job hash: a line no learner of the
 * report reproduces gets a spec resolver that throws, which `verify` reports against that line.
 * @param plainSpec the ordinary spec of a line (scenario file, variant, seed), extended here.
 * @throws InputError when the report cannot be read or lacks its learners or measure
 */
export function experimentSpecs(dir: string, results: readonly JobResult[], plainSpec: (r: JobResult) => JobSpec): ((r: JobResult) => JobSpec) | undefined {
  const file = join(dir, EXPERIMENT_REPORT);
  if (!existsSync(file)) return undefined;
  let report: { learners?: unknown; measure?: unknown };
  try {
    report = JSON.parse(readInputText(file, { maxBytes: MAX_JSON_BYTES, what: 'an experiment report' })) as typeof report;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError({ file, expected: 'an experiment report (JSON)', found: (e as Error).message });
  }
  if (!Array.isArray(report.learners) || report.measure === null || typeof report.measure !== 'object') {
    throw new InputError({ file, pointer: '/learners', expected: 'the learners and the measure the experiment ran with', found: 'missing' });
  }
  const learners = report.learners as LearnerSpec[];
  const measure = report.measure as MeasureOptions;
  const specs = new Map<string, ExperimentJobSpec>();
  for (const r of results) {
    const learner = learners.find((l) => l.id === r.agent);
    if (!learner) continue;
    let base: JobSpec;
    try {
      base = plainSpec(r);
    } catch {
      continue; // reported when verify asks for this line's spec
    }
    const recorded = jobIdentity({ agent: learner.agent, variant: r.variant, seed: r.seed }, { harnessVersion: r.harnessVersion, agentCodeHash: r.agentCodeHash, scenarioHash: r.scenarioHash, traceSha256s: r.traceSha256s });
    // Whether a job also ran the purity check is in its hash, not in its line: try both.
    for (const purityCheck of [false, true]) {
      const spec: ExperimentJobSpec = { ...base, agent: learner.id, baseAgent: learner.agent, ...(learner.config ? { config: learner.config } : {}), measure, purityCheck };
      if (experimentJobHash(recorded.jobHash, spec) === r.jobHash) {
        specs.set(r.jobHash, spec);
        break;
      }
    }
  }
  return (r) => {
    const spec = specs.get(r.jobHash);
    if (spec) return spec;
    throw new InputError({ file, expected: `a learner and measure that give job ${r.jobHash} (${r.agent} on ${r.scenario}, seed ${r.seed})`, found: learners.some((l) => l.id === r.agent) ? `learner "${r.agent}" with this config and measure gives another job hash (the report or the line was edited)` : `no learner "${r.agent}"` });
  };
}
