/**
 * The Hybrid Learner's ablation variants: each removes one part by config alone (no code of its
 * own on the agent's default path). `orchbench experiment hl-speedup --ablation` runs them as
 * learners `hybrid-v4-<name>` when the experiment's subject is `hybrid-v4`
 * (`harness/experiment/ablations.ts`), measured exactly as the subject is.
 */
import type { HybridConfig } from './config.ts';

export const HYBRID_V4_ABLATIONS: Record<string, { what: string; config: Partial<HybridConfig> }> = {
  'no-dyna': { what: 'no simulated transitions: Q learns from real transitions only', config: { simulatedBatchesPerStep: 0 } },
  'no-lookahead': { what: 'no decision-time planning: act on Q alone (the model only feeds Dyna)', config: { planningWeight: 0 } },
  'no-trust': { what: 'trust taken as 1: the model fully used from the first decision, whatever its held-out error', config: { trustUsed: false } },
  'model-free': { what: 'neither Dyna nor lookahead: a DQN-like learner on the same inputs', config: { simulatedBatchesPerStep: 0, planningWeight: 0 } },
  myopic: { what: 'gamma 0: every request on its own (no value of the state a decision leaves)', config: { gamma: 0 } },
};
