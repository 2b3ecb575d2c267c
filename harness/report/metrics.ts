/**
 * The objectives a leaderboard reports, each with its unit, its direction and how to read it off
 * one job result. Everything that ranks or gates goes through this table, so a metric's direction
 * is stated once.
 */
import type { Direction } from '../stats/index.ts';
import type { JobMetrics } from '../score/types.ts';

/** Identifier of a reported metric (also its key in `leaderboard.json`). */
export type MetricId =
  | 'interactionsToThreshold'
  | 'normalisedAuc'
  | 'normalisedEvalReward'
  | 'evalMeanLatencyMs'
  | 'evalP95LatencyMs'
  | 'deviceEnergyMj'
  | 'serverEnergyMj'
  | 'accuracyViolationRate'
  | 'deadlineMissRate';

/** One reported metric. */
export interface MetricDef {
  id: MetricId;
  label: string;
  unit: string;
  direction: Direction;
  description: string;
  /** The metric's value for one successful job. */
  value(m: JobMetrics): number;
}

/** Every metric, in display order. */
export const METRICS: readonly MetricDef[] = [
  {
    id: 'interactionsToThreshold',
    label: 'Interactions to threshold',
    unit: 'real interactions',
    direction: 'lower-is-better',
    description: "Real interactions until the normalised learning curve stays above the scenario's threshold (its sampleEfficiency, else 0.9); a run that never reaches it counts as its whole learning budget (see the reach rate).",
    value: (m) => m.interactionsToThreshold ?? m.realSteps,
  },
  {
    id: 'normalisedAuc',
    label: 'Normalised AUC',
    unit: 'fraction (0 = random, 1 = the scale\'s reference: the planning reference on planning-v2)',
    direction: 'higher-is-better',
    description: 'Area under the normalised learning curve over real interactions, divided by its length.',
    value: (m) => m.normalisedAuc,
  },
  {
    id: 'normalisedEvalReward',
    label: 'Normalised eval reward',
    unit: 'fraction (0 = random, 1 = the scale\'s reference: the planning reference on planning-v2)',
    direction: 'higher-is-better',
    description: 'Mean reward of the learned policy on the held-out evaluation segment, normalised by the random and clairvoyant policies on the same segment.',
    value: (m) => m.normalisedEvalReward,
  },
  { id: 'evalMeanLatencyMs', label: 'Eval mean latency', unit: 'ms', direction: 'lower-is-better', description: 'Mean response time of the learned policy on the evaluation segment.', value: (m) => m.eval.meanLatencyMs },
  { id: 'evalP95LatencyMs', label: 'Eval p95 latency', unit: 'ms', direction: 'lower-is-better', description: '95th percentile response time on the evaluation segment.', value: (m) => m.eval.p95LatencyMs },
  { id: 'deviceEnergyMj', label: 'Device energy', unit: 'mJ per request', direction: 'lower-is-better', description: 'Mean end-device energy per request on the evaluation segment.', value: (m) => m.eval.meanDeviceEnergyMj },
  { id: 'serverEnergyMj', label: 'Server energy', unit: 'mJ per request', direction: 'lower-is-better', description: 'Mean edge/cloud energy per request on the evaluation segment.', value: (m) => m.eval.meanServerEnergyMj },
  { id: 'accuracyViolationRate', label: 'Accuracy violation rate', unit: 'fraction of requests', direction: 'lower-is-better', description: 'Requests served by a model variant below their accuracy requirement.', value: (m) => m.eval.accuracyViolationRate },
  { id: 'deadlineMissRate', label: 'Deadline miss rate', unit: 'fraction of requests', direction: 'lower-is-better', description: 'Requests with a deadline answered after it.', value: (m) => m.eval.deadlineMissRate },
];

/** The metric with this id; throws for an unknown id (callers validate user input first). */
export function metricDef(id: MetricId): MetricDef {
  const d = METRICS.find((m) => m.id === id);
  if (!d) throw new Error(`unknown metric ${id}`);
  return d;
}

/** Whether a string names a metric. */
export function isMetricId(s: string): s is MetricId {
  return METRICS.some((m) => m.id === s);
}

/** Metrics the gate checks unless told otherwise. */
export const DEFAULT_GATE_METRICS: readonly MetricId[] = ['normalisedAuc', 'evalMeanLatencyMs', 'deviceEnergyMj'];
