/**
 * Static placement: always run on one tier (device, edge or cloud), whatever the network and
 * the load, the classic "all local" / "all edge" / "all cloud" references of offloading papers.
 *
 * Only the model variant follows the request: by default the tier's fastest variant (lowest public
 * `medianComputeMs`) that meets the request's accuracy requirement, so a static policy is not
 * penalised for needless accuracy violations or needlessly slow models; if no variant on the tier
 * meets the requirement, the most accurate one the tier can run. `variant: 'most-accurate'` instead
 * always runs the tier's most accurate variant. Non-learning; no randomness.
 */
import type { AgentFactory } from '../harness/agent.ts';
import type { Tier } from '../harness/scenario/types.ts';
import { cheapestMeetingRequirement, mergeConfig } from './common.ts';

export interface StaticConfig {
  /** `fastest-sufficient`: the fastest variant meeting the requirement; `most-accurate`: the tier's most accurate variant. */
  variant: 'fastest-sufficient' | 'most-accurate';
}

export const DEFAULT_CONFIG: StaticConfig = {
  variant: 'fastest-sufficient',
};

/** A factory for the static policy on `tier`. */
export function staticAgent(tier: Tier): AgentFactory {
  return (ctx) => {
    const name = `static-${tier}`;
    const config = mergeConfig(name, DEFAULT_CONFIG, ctx.config);
    if (config.variant !== 'fastest-sufficient' && config.variant !== 'most-accurate') {
      throw new Error(`${name}: config.variant must be "fastest-sufficient" or "most-accurate", got ${JSON.stringify(config.variant)}`);
    }
    const actions = ctx.env.actions;
    const onTier = actions.filter((a) => a.tier === tier).map((a) => a.index);
    const computeMs = (a: number): number => actions[a]!.medianComputeMs ?? Infinity;
    // An unreachable requirement makes the helper fall back to the most accurate variant.
    const requirementOf = config.variant === 'most-accurate' ? () => Infinity : (req: number) => req;
    return {
      name,
      act(obs) {
        const a = cheapestMeetingRequirement(actions, onTier, obs.actionMask, requirementOf(obs.request.accuracyRequirementTop1Pct), computeMs);
        if (a < 0) throw new Error(`${name}: scenario ${ctx.env.scenarioId} offers no unmasked action on the ${tier} tier`);
        return a;
      },
    };
  };
}

export const createDeviceAgent: AgentFactory = staticAgent('device');
export const createEdgeAgent: AgentFactory = staticAgent('edge');
export const createCloudAgent: AgentFactory = staticAgent('cloud');
