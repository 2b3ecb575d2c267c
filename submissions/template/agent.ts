/**
 * Submission template: a working latency-first greedy rule to replace with your algorithm.
 *
 * The contract (harness/agent.ts): export `createAgent`, a factory that receives the environment's
 * description (`ctx.env`: actions, features, budgets), a seed (`ctx.seed`: use it for ALL
 * randomness, never Math.random) and your hyperparameters (`ctx.config`: the manifest's
 * `hyperparameters`). It returns an agent whose `act(obs)` returns an unmasked action index.
 * Optional: `learn(transition)` (learning phase), `setMode('eval')` (stop exploring), `stats()`.
 * Observations are reused buffers: copy what you keep beyond the current call.
 */
import type { AgentFactory, Observation } from '../../harness/agent.ts';

interface Config {
  /** Edge-to-cloud RTT (ms) the rule assumes, since agents do not observe it. */
  assumedWanRttMs: number;
}

export const createAgent: AgentFactory = (ctx) => {
  const config = { assumedWanRttMs: 30, ...ctx.config } as Config;
  const { actions } = ctx.env;

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

  return {
    name: 'template',
    act(obs) {
      // Fastest unmasked action whose model meets the accuracy requirement; else the most accurate one.
      let best = -1;
      let bestMs = Infinity;
      let fallback = -1;
      for (let a = 0; a < actions.length; a++) {
        if (obs.actionMask[a] !== 1) continue;
        if (fallback < 0 || actions[a]!.accuracyTop1Pct > actions[fallback]!.accuracyTop1Pct) fallback = a;
        if (actions[a]!.accuracyTop1Pct < obs.request.accuracyRequirementTop1Pct) continue;
        const ms = estimateMs(obs, a);
        if (ms < bestMs) {
          best = a;
          bestMs = ms;
        }
      }
      return best >= 0 ? best : fallback;
    },
    // learn(t) { ... }  // a learning agent updates its model here (t is reused: copy what you keep)
    // setMode(mode) { ... }  // 'eval': stop exploring, act greedily
  };
};
