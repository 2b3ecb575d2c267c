/**
 * Calibrating a scenario's sample-efficiency threshold with non-learning policies only, before any
 * learner runs on it.
 *
 * The rule: a learner has learned a scenario when its normalised score (random = 0, clairvoyant
 * reference = 1) reaches that of the best policy that needs no learning: the best of the
 * registered non-learning, non-privileged baselines (the static policies and the greedy
 * heuristic), as the mean normalised evaluation reward over the calibration seeds, rounded up to
 * 0.01. The fixed 0.9 of the gap that scenarios without `sampleEfficiency` use coincides with
 * the headroom line of a benchmark ("no baseline above 0.9"): on a scenario with headroom no
 * learner can reach it, so the two cannot both be asked of one scenario. The privileged plug-in
 * baseline is scored too, for information: it reads the simulator, so it sets no threshold.
 *
 * That is rule `v3`, the one the v3 suite was registered with. Its known weakness, reported as a
 * control: it reads the evaluation phase while the threshold is applied to the learning curve, so a
 * calibration policy's own curve can cross it (on 4 of the 7 v3 scenarios one does on a majority
 * of seeds).
 *
 * Rule `v4` (the default; written down before the v4 suite was calibrated, issue 20): the threshold
 * is the `v3` value, raised where needed so that no calibration policy's own learning curve
 * reaches it on a majority of the calibration seeds. A learning curve reaches a threshold when its
 * normalised trailing-window mean at the last interaction is at or above it
 * (`interactionsToThreshold`), so the rule takes, for each calibration policy, that end level on
 * each seed, the majority-th highest of them (the 3rd of 5), and the smallest multiple of 0.01
 * above it; the threshold is the largest of these and the `v3` value (at most 1). The control then
 * re-scores every calibration policy with the threshold, as for `v3`.
 */
import { BASELINES, listBaselines, loadBaseline } from '../../baselines/index.ts';
import { InputError } from '../errors.ts';
import { CURRENT_SCALE } from '../reference/scale.ts';
import { scoreJob } from '../score/job.ts';
import type { CompiledScenario } from '../scenario/compiled.ts';
import type { SampleEfficiencySpec } from '../scenario/types.ts';

/** The threshold rules (module comment): `v3` as the v3 suite was registered, `v4` also above the non-learners' learning curves. */
export type CalibrationRule = 'v3' | 'v4';

/** Seeds a calibration uses unless told otherwise: apart from the job seeds results and acceptance tests use (0-9 and 1-5). */
export const CALIBRATION_SEEDS: readonly number[] = [101, 102, 103, 104, 105];

/** The baselines whose scores set the threshold: non-learning, non-privileged competitors. */
export function calibrationPolicies(): string[] {
  return listBaselines().filter((n) => {
    const b = BASELINES[n]!;
    return !b.learning && !b.privileged && !b.reference && !b.control;
  });
}

export interface Calibration {
  scenarioId: string;
  variant: 'full' | 'testing';
  seeds: number[];
  /** Mean normalised evaluation reward per policy (the calibration policies, then plug-in). */
  scores: Record<string, number>;
  /** The calibration policy with the best score. */
  best: string;
  /** The threshold the rule gives, and where it came from: the scenario's `sampleEfficiency`. */
  sampleEfficiency: SampleEfficiencySpec;
  /**
   * The control: per calibration policy, on how many of the seeds its own learning curve reaches
   * the derived threshold (`interactionsToThreshold`, the measure the threshold is used with). A
   * policy that learns nothing and reaches it on a majority of seeds means a learner's reach says
   * little about learning on this scenario (the rule reads the evaluation phase, the measure the
   * learning curve).
   */
  control: Record<string, number>;
  /** The calibration policies that reach the threshold on a majority of the seeds. */
  controlMajority: string[];
}

/**
 * Scores the non-learning policies on `scenario` and derives its threshold (see the module comment).
 * @param seeds job seeds (default {@link CALIBRATION_SEEDS})
 * @throws InputError when no calibration policy beats random (score > 0): set a threshold by hand then
 */
export async function calibrateScenario(scenario: CompiledScenario, seeds: readonly number[] = CALIBRATION_SEEDS, rule: CalibrationRule = 'v4'): Promise<Calibration> {
  const scores: Record<string, number> = {};
  // Per calibration policy: its learning curve's normalised end level on each seed (rule v4).
  const endLevels: Record<string, number[]> = {};
  for (const name of [...calibrationPolicies(), 'plug-in']) {
    const factory = await loadBaseline(name);
    let sum = 0;
    endLevels[name] = [];
    for (const seed of seeds) {
      const job = await scoreJob(scenario, factory, seed, { privileged: BASELINES[name]!.privileged === true, checkpointEval: false });
      sum += job.metrics.normalisedEvalReward;
      endLevels[name]!.push(job.metrics.curve.normalised.at(-1)!);
    }
    scores[name] = sum / seeds.length;
  }
  const best = calibrationPolicies().reduce((a, b) => (scores[b]! > scores[a]! ? b : a));
  const bestScore = scores[best]!;
  if (!(bestScore > 0)) {
    throw new InputError({
      file: scenario.file ?? scenario.id,
      pointer: scenario.variant === 'testing' ? '/testing/sampleEfficiency' : '/sampleEfficiency',
      expected: `a scenario where a non-learning policy beats random (normalised score > 0), else a threshold set by hand (${scenario.variant} variant)`,
      found: `best ${best} ${bestScore.toFixed(3)}`,
    });
  }
  const fromEval = Math.ceil(bestScore * 100 - 1e-9) / 100;
  const majority = Math.floor(seeds.length / 2) + 1;
  const above = (name: string): number => Math.floor([...endLevels[name]!].sort((a, b) => b - a)[majority - 1]! * 100 + 1e-9) / 100 + 0.01;
  const fromCurves = rule === 'v4' ? Math.max(...calibrationPolicies().map(above)) : -Infinity;
  const thresholdFraction = Math.min(1, Number(Math.max(fromEval, fromCurves).toFixed(2)));
  const control: Record<string, number> = {};
  for (const name of calibrationPolicies()) {
    const factory = await loadBaseline(name);
    control[name] = 0;
    for (const seed of seeds) {
      const job = await scoreJob(scenario, factory, seed, { threshold: thresholdFraction, checkpointEval: false });
      if (job.metrics.interactionsToThreshold !== null) control[name]++;
    }
  }
  const list = Object.entries(scores).map(([n, v]) => `${n} ${v.toFixed(3)}`).join(', ');
  return {
    scenarioId: scenario.id,
    variant: scenario.variant,
    seeds: [...seeds],
    scores,
    best,
    sampleEfficiency: {
      thresholdFraction,
      source:
        rule === 'v3'
          ? `the best non-learning policy's mean normalised evaluation reward, rounded up to 0.01 (orchbench scenario calibrate, ${scenario.variant} variant, seeds ${seeds.join(',')}: ${list})`
          : `rule v4: the best non-learning policy's mean normalised evaluation reward rounded up to 0.01 (${fromEval.toFixed(2)}), raised above every non-learning policy's learning-curve end level on a majority of the seeds (${Math.max(fromCurves, 0).toFixed(2)}) (orchbench scenario calibrate, ${scenario.variant} variant, seeds ${seeds.join(',')}, ${CURRENT_SCALE} scale: ${list})`,
    },
    control,
    controlMajority: Object.entries(control).filter(([, n]) => 2 * n > seeds.length).map(([name]) => name),
  };
}
