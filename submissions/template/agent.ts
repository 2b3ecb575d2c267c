/**
 * Submission template: a working rule to replace with your algorithm. It picks, for each request,
 * the action with the lowest expected cost under the scenario's own reward (`ctx.env.reward`: the
 * weights every transition's reward is computed with) from a rough latency estimate.
 *
 * The contract (harness/agent.ts): export `createAgent`, a factory that receives the environment's
 * description (`ctx.env`: actions, features, budgets, the reward weights and the ranking rule), a
 * seed (`ctx.seed`: use it for ALL randomness, never Math.random) and your hyperparameters
 * (`ctx.config`: the manifest's `hyperparameters`). It returns an agent whose `act(obs)` returns an
 * unmasked action index. Optional: `learn(transition)` (learning phase), `setMode('eval')` (stop
 * exploring), `stats()`. Observations are reused buffers: copy what you keep beyond the current call.
 * The `orchbench/...` import is a type import only (erased when the agent runs): it resolves to
 * this installation wherever the folder is (`orchbench submission check` type-checks it).
 */
import type { AgentFactory, Observation } from 'orchbench/harness/agent.ts';

interface Config {
  /** Edge-to-cloud RTT (ms) the rule assumes, since agents do not observe it. */
  assumedWanRttMs: number;
}

export const createAgent: AgentFactory = (ctx) => {
  const config = { assumedWanRttMs: 30, ...ctx.config } as Config;
  const { actions, reward } = ctx.env;

  /** Estimated response time (ms) of action `a` for this request. YOUR ALGORITHM GOES HERE. */
  const estimateMs = (obs: Observation, a: number): number => {
    const def = actions[a]!;
    const computeMs = def.medianComputeMs ?? Infinity;
    if (def.tier === 'device') return computeMs;
    const uploadMs = (obs.request.inputKb * 8) / Math.max(obs.link.uplinkMbps, 1e-3);
    const [inSystem, servers] = def.tier === 'edge' ? [obs.load.edgeInSystem, obs.load.edgeCores] : [obs.load.cloudInSystem, obs.load.cloudCapacity];
    const queueMs = (Math.max(0, inSystem + 1 - servers) * computeMs) / servers;
    return uploadMs + obs.link.rttMs + (def.tier === 'cloud' ? config.assumedWanRttMs : 0) + queueMs + computeMs;
  };

  /** Expected cost (minus the reward) of action `a`, by the scenario's weights (energy left out: not estimated here). */
  const costOf = (obs: Observation, a: number): number => {
    const ms = estimateMs(obs, a);
    const violation = actions[a]!.accuracyTop1Pct < obs.request.accuracyRequirementTop1Pct;
    const miss = obs.request.deadlineMs !== null && ms > obs.request.deadlineMs;
    return reward.latencyWeightPerS * (ms / 1000) + (violation ? reward.accuracyViolationPenalty : 0) + (miss ? reward.deadlineMissPenalty : 0);
  };

  return {
    name: 'template',
    act(obs) {
      let best = -1;
      let bestCost = Infinity;
      for (let a = 0; a < actions.length; a++) {
        if (obs.actionMask[a] !== 1) continue;
        const cost = costOf(obs, a);
        if (best < 0 || cost < bestCost) {
          best = a;
          bestCost = cost;
        }
      }
      return best;
    },
    // learn(t) { ... }  // a learning agent updates its model here (t is reused: copy what you keep)
    // setMode(mode) { ... }  // 'eval': stop exploring, act greedily
  };
};
