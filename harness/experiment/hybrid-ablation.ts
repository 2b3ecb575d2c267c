/**
 * The Hybrid Learner's ablation: the full agent and one variant per step switched off (the flags
 * of `baselines/hybrid.ts`), scored with `scoreJob` on a suite's scenarios over seeds (same seeds
 * for every variant: common random numbers). Prints one JSON line per run and a Markdown table of
 * mean normalised AUC, median interactions to threshold (censored runs counted, shown beside)
 * and mean normalised evaluation reward.
 *
 * Run: `node --import tsx harness/experiment/hybrid-ablation.ts [suite=default] [variant=testing] [seeds=3] [variants=all]`
 * (`variants`: comma-separated names of {@link HYBRID_ABLATIONS}).
 */
import { createAgent, type HybridConfig } from '../../baselines/hybrid.ts';
import { InputError } from '../errors.ts';
import { loadSuite, type SuiteName, type Variant } from '../scenario/load.ts';
import { normalise } from '../score/curves.ts';
import { scoreJob } from '../score/job.ts';

/** Each step of the Hybrid Learner switched off on its own. */
export const HYBRID_ABLATIONS: Record<string, { what: string; config: Partial<HybridConfig> }> = {
  full: { what: 'every step on (the defaults)', config: {} },
  'linear-load': { what: 'outcome model linear in load (no queueing regressors)', config: { nonLinearLoad: false } },
  'no-offsets': { what: "no per-action offsets (the tier's shared law only)", config: { actionOffsets: false } },
  'trust-reward-error': { what: 'trust by held-out reward error instead of ranking', config: { trustMeasure: 'rewardError' } },
  'widen-before-trust': { what: 'posterior spread widened x2 until trusted (off in the tuned defaults)', config: { untrustedPosteriorScale: 2 } },
  'trust-gate': { what: 'explore tier by tier until trusted, as the first Hybrid did', config: { trustGate: true } },
  greedy: { what: 'act on the posterior mean (no posterior exploration)', config: { exploration: 'greedy' } },
  ucb: { what: 'UCB instead of Thompson sampling', config: { exploration: 'ucb' } },
  'no-planning': { what: 'no decision-time planning: epsilon-greedy on Q (Dyna-Q on the model)', config: { decisionTimePlanning: false } },
  // With the tuned gamma 0 nothing reads Q, so rollouts only matter beside a continuation value:
  // compare with gamma-0.5.
  'no-rollouts': { what: 'gamma 0.5 without model rollouts (Q from real transitions only; compare with gamma-0.5)', config: { gamma: 0.5, rollouts: false } },
  'gamma-0.5': { what: 'a continuation value (gamma 0.5; the tuned defaults have gamma 0)', config: { gamma: 0.5 } },
};

/** One variant's summary over every (scenario, seed). */
export interface AblationRow {
  variant: string;
  meanNormalisedAuc: number;
  meanNormalisedEvalReward: number;
  /** Interactions to threshold per run; null = never reached (censored). */
  interactions: (number | null)[];
}

/**
 * Runs `variants` of {@link HYBRID_ABLATIONS} on `suite` (`variant` budgets), seeds 0 .. seeds-1.
 * @throws InputError for an unknown variant name or a seed count that is not a positive integer
 */
export async function runAblation(suite: SuiteName, variant: Variant, seeds: number, variants: string[]): Promise<AblationRow[]> {
  const unknown = variants.filter((v) => !Object.hasOwn(HYBRID_ABLATIONS, v));
  if (unknown.length) throw new InputError({ file: 'variants (4th argument)', expected: `names of ${Object.keys(HYBRID_ABLATIONS).join(', ')}`, found: unknown.join(', ') });
  if (!Number.isInteger(seeds) || seeds < 1) throw new InputError({ file: 'seeds (3rd argument)', expected: 'a positive integer (seeds per scenario)', found: String(seeds) });
  const scenarios = await loadSuite(suite, { variant });
  const rows: AblationRow[] = [];
  for (const name of variants) {
    const { config } = HYBRID_ABLATIONS[name]!;
    const aucs: number[] = [];
    const evals: number[] = [];
    const interactions: (number | null)[] = [];
    for (const scenario of scenarios) {
      for (let seed = 0; seed < seeds; seed++) {
        const { metrics } = await scoreJob(scenario, createAgent, seed, { config: config as Record<string, unknown>, checkpointEval: false });
        const evalNorm = normalise(metrics.eval.meanReward, metrics.refs.randomReward, metrics.refs.oracleReward);
        aucs.push(metrics.normalisedAuc);
        evals.push(evalNorm);
        interactions.push(metrics.interactionsToThreshold);
        process.stdout.write(`${JSON.stringify({ variant: name, scenario: scenario.id, seed, auc: metrics.normalisedAuc, evalNorm, interactions: metrics.interactionsToThreshold, info: metrics.info })}\n`);
      }
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    rows.push({ variant: name, meanNormalisedAuc: mean(aucs), meanNormalisedEvalReward: mean(evals), interactions });
  }
  return rows;
}

/**
 * The rows as a Markdown table. A censored run (null) lies above every count, so the median is a
 * number only when both middle runs reached the threshold; otherwise it is a lower bound: above
 * the lower middle run's count, or above the budget when that run is censored too.
 */
export function ablationTable(rows: AblationRow[], budget: string): string {
  const median = (xs: readonly (number | null)[]): string => {
    const s = xs.map((n) => n ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
    const lo = s[Math.floor((s.length - 1) / 2)]!;
    const hi = s[Math.floor(s.length / 2)]!;
    if (Number.isFinite(hi)) return String((lo + hi) / 2);
    return Number.isFinite(lo) ? `> ${lo}` : `> ${budget}`;
  };
  const lines = ['| variant | mean normalised AUC | mean normalised eval reward | median interactions to threshold (per scenario; censored at budget) | censored runs |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const censored = r.interactions.filter((n) => n === null).length;
    lines.push(`| ${r.variant}: ${HYBRID_ABLATIONS[r.variant]!.what} | ${r.meanNormalisedAuc.toFixed(3)} | ${r.meanNormalisedEvalReward.toFixed(3)} | ${median(r.interactions)} | ${censored}/${r.interactions.length} |`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [suite = 'default', variant = 'testing', seeds = '3', variants = 'all'] = process.argv.slice(2);
  const names = variants === 'all' ? Object.keys(HYBRID_ABLATIONS) : variants.split(',');
  try {
    const rows = await runAblation(suite as SuiteName, variant as Variant, Number(seeds), names);
    process.stdout.write(`${ablationTable(rows, 'budget')}\n`);
  } catch (e) {
    // Bad arguments: the message, no stack trace (as `runAsScript`, which takes no async main).
    if (!(e instanceof InputError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  }
}
