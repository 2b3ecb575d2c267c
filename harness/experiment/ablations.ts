/**
 * The Hybrid Learners' ablation variants: the full agent with one step switched off (the flags of
 * `baselines/hybrid.ts`; `hybrid-v4`'s are in `baselines/hybrid/ablations.ts`). They run as learners of the HL-speedup experiment
 * (`orchbench experiment hl-speedup --ablation all`), so an ablation is measured exactly as the
 * main comparison is: the same seeds, the same greedy-checkpoint measure, the evaluation-phase
 * references, censored runs as bounds, and ratios reference / variant with paired intervals.
 */
import type { HybridConfig } from '../../baselines/hybrid.ts';
import { HYBRID_V4_ABLATIONS } from '../../baselines/hybrid/ablations.ts';
import { InputError } from '../errors.ts';
import { SUBJECT } from './hl-speedup.ts';
import type { LearnerSpec } from './learners.ts';

/** Each step of the Hybrid Learner switched off on its own. */
export const HYBRID_ABLATIONS: Record<string, { what: string; config: Partial<HybridConfig> }> = {
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

/** Each Hybrid's ablation table, by registry name (`hybrid-v4`'s lives beside it, `baselines/hybrid/ablations.ts`). */
export const ABLATIONS_OF: Record<string, Record<string, { what: string; config: object }>> = {
  hybrid: HYBRID_ABLATIONS,
  'hybrid-v4': HYBRID_V4_ABLATIONS,
};

/**
 * The learners of the named ablation variants of `agent` (`all` = every one), with ids
 * `<agent>-<name>`.
 * @param names comma-separated names of the agent's table in {@link ABLATIONS_OF}, or `all`.
 * @throws InputError naming `--ablation` and the unknown names.
 */
export function hybridAblationLearners(names: string, agent: string = SUBJECT): LearnerSpec[] {
  const table = ABLATIONS_OF[agent];
  if (!table) throw new InputError({ file: '--ablation', expected: `an experiment subject with ablations: ${Object.keys(ABLATIONS_OF).join(', ')}`, found: JSON.stringify(agent) });
  const list = names === 'all' ? Object.keys(table) : names.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const unknown = list.filter((n) => !Object.hasOwn(table, n));
  if (list.length === 0 || unknown.length) {
    throw new InputError({ file: '--ablation', expected: `all, or comma-separated names of ${Object.keys(table).join(', ')}`, found: unknown.length ? unknown.join(', ') : JSON.stringify(names) });
  }
  return [...new Set(list)].map((n) => ({ id: `${agent}-${n}`, agent, config: { ...table[n]!.config } as Record<string, unknown>, description: table[n]!.what }));
}
