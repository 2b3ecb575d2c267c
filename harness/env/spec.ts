/**
 * The {@link EnvSpec} an agent receives (in process, or in the `hello` message of the submission
 * protocol): the action table, the features, the budgets, and the scoring contract (the scenario's
 * reward weights and the leaderboard's ranking rule), so that an agent optimises what it is ranked on.
 */
import { RANKING_TEXT, type EnvSpec } from '../agent.ts';
import type { CompiledScenario } from '../scenario/compiled.ts';
import { scenarioFeatures } from './features.ts';

/** The sample-efficiency threshold of scenarios that set none: 0.9 of the random-to-clairvoyant gap. */
export const DEFAULT_THRESHOLD = 0.9;

/** What an agent is told about `scenario` before its first decision. */
export function envSpecOf(scenario: CompiledScenario): EnvSpec {
  const s = scenario.spec;
  return {
    scenarioId: scenario.id,
    users: s.users.count,
    actions: scenario.actions,
    features: scenarioFeatures(s.tiers.device.radio !== undefined, s.tiers.device.battery?.charging !== undefined),
    learningDecisions: s.budgets.learningDecisions,
    evaluationDecisions: s.budgets.evaluationDecisions,
    reward: {
      latencyWeightPerS: s.reward.latencyWeightPerS,
      energyWeightPerJ: s.reward.energyWeightPerJ,
      accuracyViolationPenalty: s.reward.accuracyViolationPenalty,
      deadlineMissPenalty: s.reward.deadlineMissPenalty,
      batteryEmptyPenaltyPerRequest: s.tiers.device.battery?.emptyPenaltyPerRequest ?? 0,
    },
    ranking: {
      rankedBy: 'normalisedEvalReward',
      sampleEfficiencyRankedBy: 'interactionsToThreshold',
      sampleEfficiencyThreshold: s.sampleEfficiency?.thresholdFraction ?? DEFAULT_THRESHOLD,
      text: RANKING_TEXT,
    },
  };
}
