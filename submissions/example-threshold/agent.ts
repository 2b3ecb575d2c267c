/**
 * Example submission, a small heuristic: offload only when the link is good.
 *
 * For each request, among the unmasked actions whose model meets the accuracy requirement (the
 * most accurate action if none does): when the probed uplink is at least `minUplinkMbps` and the
 * RTT at most `maxRttMs`, take the fastest (by public median compute time) on the edge if it has a
 * free core, else on the cloud; otherwise stay on the device. Non-learning, deterministic.
 */
import type { ActionDef, AgentFactory, Observation } from '../../harness/agent.ts';

interface Config {
  minUplinkMbps: number;
  maxRttMs: number;
}

export const createAgent: AgentFactory = (ctx) => {
  const config = { minUplinkMbps: 5, maxRttMs: 80, ...ctx.config } as Config;
  const { actions } = ctx.env;

  /** Fastest allowed action on `tier` meeting the requirement, or -1. */
  const fastestOn = (obs: Observation, tier: ActionDef['tier']): number => {
    let best = -1;
    for (const a of actions) {
      if (a.tier !== tier || obs.actionMask[a.index] !== 1 || a.accuracyTop1Pct < obs.request.accuracyRequirementTop1Pct) continue;
      if (best < 0 || (a.medianComputeMs ?? Infinity) < (actions[best]!.medianComputeMs ?? Infinity)) best = a.index;
    }
    return best;
  };

  /** The most accurate allowed action (when no model meets the requirement). */
  const mostAccurate = (obs: Observation): number => {
    let best = -1;
    for (const a of actions) if (obs.actionMask[a.index] === 1 && (best < 0 || a.accuracyTop1Pct > actions[best]!.accuracyTop1Pct)) best = a.index;
    return best;
  };

  return {
    name: 'example-threshold',
    act(obs) {
      const goodLink = obs.link.uplinkMbps >= config.minUplinkMbps && obs.link.rttMs <= config.maxRttMs;
      const edgeFree = obs.load.edgeInSystem < obs.load.edgeCores;
      const order: ActionDef['tier'][] = goodLink ? (edgeFree ? ['edge', 'cloud', 'device'] : ['cloud', 'edge', 'device']) : ['device', 'edge', 'cloud'];
      for (const tier of order) {
        const a = fastestOn(obs, tier);
        if (a >= 0) return a;
      }
      return mostAccurate(obs);
    },
  };
};
