/**
 * The shape of `DIR/leaderboard.json` (validated by `scenarios/schema/leaderboard.schema.json`)
 * and of the run facts a leaderboard is built with.
 */
import type { WriterProvenance } from './provenance.ts';
import type { Direction, Interval } from '../stats/index.ts';
import type { MetricId } from './metrics.ts';

/** Facts about the run a leaderboard summarises; shown in its reproducibility section. */
export interface RunMeta {
  /** The command line that reproduces the run, e.g. `orchbench run --suite default --seeds 10`. */
  command: string;
  harnessVersion: string;
  nodeVersion: string;
  suite: string;
  /** The seeds run (each agent and scenario with every seed). */
  seeds: number[];
  /** Root seed of the run; the leaderboard's bootstrap draws derive from it. */
  rootSeed: number;
  /** A sealed run's commitment to its secret (its simulator streams derive from the secret, not the root seed). */
  sealed?: string;
  /** The page's title (`--title`); default: from the suite. */
  title?: string;
  /** Who wrote the page and from what code (absent in older files and in tests that fix every input). */
  writer?: WriterProvenance;
}

/** IQM and median across runs, each with its bootstrap interval. */
export interface Estimate {
  iqm: Interval;
  median: Interval;
}

/** How many runs reached the sample-efficiency threshold. */
export interface Reach {
  reached: number;
  runs: number;
  rate: number;
}

/** One agent on one scenario across seeds. */
export interface Cell {
  agent: string;
  scenario: string;
  /** Seeds of the successful runs, ascending. */
  seeds: number[];
  failed: number;
  reach: Reach;
  metrics: Record<MetricId, Estimate>;
  /** IQM of the normalised learning curve across seeds at each checkpoint, with its interval. */
  curve: { checkpoints: number[]; iqm: number[]; lo: number[]; hi: number[] };
}

/** One agent across scenarios (runs x tasks matrices, stratified bootstrap over tasks). */
export interface Aggregate {
  agent: string;
  scenarios: string[];
  missingScenarios: string[];
  /** Runs per scenario in the matrix (the smallest count of successful runs over its scenarios). */
  runsPerScenario: number;
  /** Successful runs left out to keep the matrix rectangular (the highest seeds of a scenario). */
  excludedRuns: number;
  reach: Reach;
  metrics: Record<MetricId, Estimate>;
}

export interface RankEntry {
  agent: string;
  /** Competition rank (1, 2, 2, 4) of the IQM point estimate. */
  rank: number;
  iqm: Interval;
  /** Agents whose interval overlaps this one's: the order between them is not resolved. */
  overlapsWith: string[];
}

export interface ObjectiveRanking {
  metric: MetricId;
  direction: Direction;
  order: RankEntry[];
}

/** The overall ranking: by what agents are asked to optimise, the scenario's reward (normalised). */
export interface OverallRanking {
  rule: string;
  metric: 'normalisedEvalReward';
  order: RankEntry[];
  unranked: { agent: string; reason: string }[];
}

/** Sample efficiency, ranked on its own: real interactions to the scenario's threshold. */
export interface SampleEfficiencyRanking {
  rule: string;
  metric: 'interactionsToThreshold';
  order: RankEntry[];
}

/** P(x better than y) on a metric, over their common scenarios. */
export interface Improvement {
  x: string;
  y: string;
  scenarios: string[];
  probability: Interval;
}

export interface Failure {
  agent: string;
  scenario: string;
  seed: number;
  variant: string;
  jobHash: string;
  reason: string;
}

export interface PlotEntry {
  id: string;
  title: string;
  /** The vega-lite spec (data inlined), reusable as is. */
  spec: Record<string, unknown>;
}

export interface Leaderboard {
  schemaVersion: 2;
  title: string;
  statistics: { rule: string; confidence: number; reps: number; seed: number };
  metrics: { id: MetricId; label: string; unit: string; direction: Direction; description: string }[];
  agents: { id: string; kind: 'baseline' | 'submission'; codeHash: string }[];
  scenarios: { id: string; hash: string; variant: string; traceSha256s: string[] }[];
  cells: Cell[];
  aggregates: Aggregate[];
  rankings: { objectives: ObjectiveRanking[]; overall: OverallRanking; sampleEfficiency: SampleEfficiencyRanking };
  improvement: { metric: MetricId; pairs: Improvement[] };
  failures: Failure[];
  plots: PlotEntry[];
  /** `isolation`: how the submissions ran (one line per distinct isolation, and the submissions run trusted); absent in older files. */
  reproducibility: RunMeta & { tfjsBackends: string[]; isolation?: string[]; jobs: number; okJobs: number; resultsSha256: string };
}
