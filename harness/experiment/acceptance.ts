/**
 * The acceptance checks of a default suite (issue 10): do its scenarios leave learning algorithms
 * room to differ? Computed from per-job scores, the same way for the pre-registered test
 * (`test/scenario/acceptance-v3.test.ts`, testing variants) and for published results
 * (`orchbench scenario acceptance results.jsonl`, e.g. the main command's full-variant run).
 *
 * On scores normalised per job (random = 0, the clairvoyant reference = 1; `normalisedEvalReward`):
 * 1. on every scenario the best static policy scores <= {@link ACCEPTANCE.staticMax};
 * 2. on at least {@link ACCEPTANCE.headroomScenarios} scenarios no baseline scores above
 *    {@link ACCEPTANCE.headroomLine} (headroom);
 * 3. on every scenario the best and worst non-random baselines are >= {@link ACCEPTANCE.spreadMin} apart;
 * 4. on every scenario at least one learner reaches the scenario's sample-efficiency threshold
 *    (`interactionsToThreshold`, the learning curve) on a majority of its runs.
 * A score is the mean over a baseline's runs on the scenario. Baselines: every registered
 * non-reference baseline that is not an experiment's control.
 */
import { BASELINES, type BaselineEntry } from '../../baselines/index.ts';

/** The pre-registered limits. */
export const ACCEPTANCE = { staticMax: 0.85, headroomLine: 0.9, headroomScenarios: 5, spreadMin: 0.15 } as const;

/** The static policies (check 1). */
export const STATIC_POLICIES: readonly string[] = ['static-device', 'static-edge', 'static-cloud'];

/** One job's scores, as a result line carries them. */
export interface AcceptanceJob {
  scenario: string;
  agent: string;
  /** `metrics.normalisedEvalReward`. */
  normalisedEvalReward: number;
  /** `metrics.interactionsToThreshold` (null: never reached). */
  interactionsToThreshold: number | null;
}

/** One scenario's row of the acceptance table. */
export interface AcceptanceRow {
  scenario: string;
  /** Mean normalised evaluation reward per baseline. */
  scores: Record<string, number>;
  /** Runs per baseline. */
  runs: Record<string, number>;
  /** The best static policy's score (NaN when no static policy ran on the scenario). */
  bestStatic: number;
  best: { agent: string; score: number };
  /** Best minus worst non-random baseline. */
  spread: number;
  /** Learners that reach the threshold on a majority of their runs, with how many runs reached it. */
  reaching: Reach[];
  /**
   * A control, not a check: the non-learning, non-privileged baselines (the calibration policies)
   * that "reach" the threshold on a majority of their runs. The threshold sits at the best of them
   * (calibrated on other seeds and on the evaluation phase, while the measure reads the learning
   * curve), so run-to-run noise carries them across it too: where they reach it, a learner's reach
   * says little about learning.
   */
  controlsReaching: Reach[];
}

/** How many of an agent's runs reached the threshold. */
export interface Reach {
  agent: string;
  reached: number;
  runs: number;
}

export interface AcceptanceReport {
  rows: AcceptanceRow[];
  checks: { staticMax: boolean; headroom: { scenarios: number; ok: boolean }; spread: boolean; learnerReaches: boolean };
}

/** Whether a registered name is a baseline the checks count (not a reference, not a control). */
export function countedBaseline(name: string): boolean {
  const b = BASELINES[name];
  return b !== undefined && !b.reference && !b.control;
}

/**
 * The acceptance table and checks of the jobs given (one scenario variant each; jobs of agents that
 * are not counted baselines are ignored).
 * @param jobs one entry per job: every counted baseline should have the same runs on every scenario
 */
export function acceptance(jobs: readonly AcceptanceJob[]): AcceptanceReport {
  const byScenario = new Map<string, Map<string, AcceptanceJob[]>>();
  for (const j of jobs) {
    if (!countedBaseline(j.agent)) continue;
    const row = byScenario.get(j.scenario) ?? new Map<string, AcceptanceJob[]>();
    byScenario.set(j.scenario, row);
    row.set(j.agent, [...(row.get(j.agent) ?? []), j]);
  }
  const rows: AcceptanceRow[] = [...byScenario].sort(([a], [b]) => (a < b ? -1 : 1)).map(([scenario, row]) => {
    const scores: Record<string, number> = {};
    const runs: Record<string, number> = {};
    for (const [agent, js] of row) {
      scores[agent] = js.reduce((s, j) => s + j.normalisedEvalReward, 0) / js.length;
      runs[agent] = js.length;
    }
    const entries = Object.entries(scores);
    const best = entries.reduce((a, b) => (b[1] > a[1] ? b : a));
    const values = entries.map(([, v]) => v);
    const majority = (keep: (b: BaselineEntry) => boolean): Reach[] => [...row].filter(([agent]) => keep(BASELINES[agent]!))
      .map(([agent, js]) => ({ agent, reached: js.filter((j) => j.interactionsToThreshold !== null).length, runs: js.length }))
      .filter((r) => 2 * r.reached > r.runs);
    return {
      scenario,
      scores,
      runs,
      // NaN without a static policy's run: check 1 is then not met (never vacuously).
      bestStatic: STATIC_POLICIES.some((n) => n in scores) ? Math.max(...STATIC_POLICIES.filter((n) => n in scores).map((n) => scores[n]!)) : NaN,
      best: { agent: best[0], score: best[1] },
      spread: Math.max(...values) - Math.min(...values),
      reaching: majority((b) => b.learning),
      controlsReaching: majority((b) => !b.learning && b.privileged !== true),
    };
  });
  const headroom = rows.filter((r) => r.best.score <= ACCEPTANCE.headroomLine).length;
  return {
    rows,
    checks: {
      // No rows (no counted baseline's jobs) meet no check.
      staticMax: rows.length > 0 && rows.every((r) => r.bestStatic <= ACCEPTANCE.staticMax),
      headroom: { scenarios: headroom, ok: headroom >= ACCEPTANCE.headroomScenarios },
      spread: rows.length > 0 && rows.every((r) => r.spread >= ACCEPTANCE.spreadMin),
      learnerReaches: rows.length > 0 && rows.every((r) => r.reaching.length > 0),
    },
  };
}

/** The acceptance table as Markdown: one row per scenario, one column per baseline, then the checks. */
export function acceptanceMarkdown(rep: AcceptanceReport): string {
  const agents = [...new Set(rep.rows.flatMap((r) => Object.keys(r.scores)))];
  const f = (x: number): string => (Number.isNaN(x) ? '-' : x.toFixed(3));
  const reaches = (xs: readonly Reach[]): string => xs.map((x) => `${x.agent} ${x.reached}/${x.runs}`).join(', ') || 'none';
  const lines = [
    `| scenario | ${agents.join(' | ')} | best static | spread | learners reaching the threshold (runs) | control: non-learners reaching it |`,
    `|---|${agents.map(() => '---').join('|')}|---|---|---|---|`,
    ...rep.rows.map((r) => `| ${r.scenario} | ${agents.map((a) => (a in r.scores ? (r.scores[a]! > ACCEPTANCE.headroomLine ? `**${f(r.scores[a]!)}**` : f(r.scores[a]!)) : '-')).join(' | ')} | ${f(r.bestStatic)} | ${f(r.spread)} | ${reaches(r.reaching)} | ${reaches(r.controlsReaching)} |`),
    '',
    `Scores above ${ACCEPTANCE.headroomLine} in bold. Checks: best static <= ${ACCEPTANCE.staticMax} everywhere: ${rep.checks.staticMax ? 'met' : 'NOT met'}; ` +
      `no baseline above ${ACCEPTANCE.headroomLine} on ${rep.checks.headroom.scenarios} of ${rep.rows.length} scenarios (>= ${ACCEPTANCE.headroomScenarios} asked): ${rep.checks.headroom.ok ? 'met' : 'NOT met'}; ` +
      `spread >= ${ACCEPTANCE.spreadMin} everywhere: ${rep.checks.spread ? 'met' : 'NOT met'}; a learner reaches the threshold on a majority of runs everywhere: ${rep.checks.learnerReaches ? 'met' : 'NOT met'}. ` +
      `Control (not a check): where non-learners reach the threshold too, a learner's reach says little about learning (${rep.rows.filter((r) => r.controlsReaching.length > 0).length} of ${rep.rows.length} scenarios).`,
  ];
  return `${lines.join('\n')}\n`;
}
