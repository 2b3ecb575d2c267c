/**
 * Greedy heuristic: estimate every unmasked action's response time from what the orchestrator
 * observes, then run the fastest action whose model meets the request's accuracy requirement
 * (if none does, the most accurate action, the faster one on ties). Non-learning, deterministic.
 *
 * The rule (all times in ms; `c` = the action's public `medianComputeMs`):
 * - device: (the user's device queue) + c. The queue is the agent's own estimate: it knows what it
 *   sent to each user's device and assumes each local job takes its median compute time.
 * - edge: upload + RTT + queue + c, with upload = inputKb * 8 / uplinkMbps (kbit / Mbps = ms) and
 *   queue = max(0, edgeInSystem + 1 - edgeCores) * c / edgeCores (the requests beyond the cores,
 *   served `edgeCores` at a time, each taking about c).
 * - cloud: as edge with the cloud's load and capacity, plus `assumedWanRttMs`: the edge-cloud RTT
 *   is not observed, so the rule assumes a typical value (see the config).
 * - The result download is not estimated: its size is not observed and results are small (~1 kB).
 * It ignores energy (its objective is latency then accuracy), so it is a latency-first reference
 * on scenarios whose reward weighs energy.
 *
 * This is the kind of hand-written rule an engineer would deploy (shortest-expected-time
 * offloading, e.g. MAUI-style cost estimates): the heuristic reference learners should beat.
 */
import type { AgentFactory } from '../harness/agent.ts';
import { cheapestMeetingRequirement, mergeConfig } from './common.ts';

export interface GreedyConfig {
  /** Edge-to-cloud round-trip time (ms) assumed by the rule, since agents do not observe it. Hand-set (not tuned): a same-continent cloud region. */
  assumedWanRttMs: number;
  /** Floor on the observed uplink (Mbps) so a probe of 0 gives a finite, very large upload time. */
  minUplinkMbps: number;
}

export const DEFAULT_CONFIG: GreedyConfig = {
  assumedWanRttMs: 30,
  minUplinkMbps: 1e-3,
};

export const createAgent: AgentFactory = (ctx) => {
  const config = mergeConfig('greedy-heuristic', DEFAULT_CONFIG, ctx.config);
  const actions = ctx.env.actions;
  const all = actions.map((a) => a.index);
  const estimateMs = new Float64Array(actions.length);
  // When each user's device will be free, by the agent's own bookkeeping (ms, episode time).
  const deviceFreeAtMs = new Float64Array(ctx.env.users);
  let lastTimeMs = -Infinity;
  const cost = (a: number): number => estimateMs[a]!;

  return {
    name: 'greedy-heuristic',
    act(obs) {
      const { link, load } = obs;
      // Time going backwards means a new phase (the environment was reset): devices start idle.
      if (obs.timeMs < lastTimeMs) deviceFreeAtMs.fill(0);
      lastTimeMs = obs.timeMs;
      const uploadMs = (obs.request.inputKb * 8) / Math.max(link.uplinkMbps, config.minUplinkMbps);
      const deviceWaitMs = Math.max(0, deviceFreeAtMs[obs.userId]! - obs.timeMs);
      for (const a of actions) {
        const c = a.medianComputeMs ?? Infinity;
        if (a.tier === 'device') {
          estimateMs[a.index] = deviceWaitMs + c;
        } else {
          const [inSystem, servers, extraRttMs] =
            a.tier === 'edge' ? [load.edgeInSystem, load.edgeCores, 0] : [load.cloudInSystem, load.cloudCapacity, config.assumedWanRttMs];
          const queueMs = (Math.max(0, inSystem + 1 - servers) * c) / servers;
          estimateMs[a.index] = uploadMs + link.rttMs + extraRttMs + queueMs + c;
        }
      }
      const choice = cheapestMeetingRequirement(actions, all, obs.actionMask, obs.request.accuracyRequirementTop1Pct, cost);
      if (choice < 0) throw new Error(`greedy-heuristic: scenario ${ctx.env.scenarioId} offers no unmasked action`);
      const chosen = actions[choice]!;
      if (chosen.tier === 'device') deviceFreeAtMs[obs.userId] = obs.timeMs + deviceWaitMs + (chosen.medianComputeMs ?? 0);
      return choice;
    },
  };
};
