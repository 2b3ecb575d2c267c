/**
 * q-learning-v4: the tabular Q-learning of `q-learning.ts`, unchanged (same config, searched
 * defaults and random streams), on any scenario's feature vector. `q-learning.ts`'s config has one
 * bin count per feature of the v1-v3 scenarios (15) and refuses a longer vector; every v4 scenario
 * appends features (`radioTailS`; `chargeInPeriods` and `charging` with charging windows:
 * `harness/env/features.ts`). Its search gave one bin (no distinction) to each of the six newer
 * features it knew, and the same holds here for the appended ones: the agent sees the first 15
 * features, as searched. Its own bins for them would come from issue 21's search on the v4 tuning
 * scenarios. A wrapper, not an edit: `q-learning.ts`'s bytes are the code hash of published lines.
 */
import type { Agent, AgentFactory, Observation } from '../harness/agent.ts';
import { createAgent as createQLearning, DEFAULT_CONFIG } from './q-learning.ts';

/** The features the searched bins cover: the first {@link DEFAULT_CONFIG}.bins.length of any vector. */
const BASE_FEATURES = DEFAULT_CONFIG.bins.length;

/** `obs` with its feature vector cut to the base features (a view, no copy). */
function cut(obs: Observation): Observation {
  return obs.features.length === BASE_FEATURES ? obs : { ...obs, features: obs.features.subarray(0, BASE_FEATURES) };
}

export const createAgent: AgentFactory = async (ctx) => {
  const inner = await createQLearning({ ...ctx, env: { ...ctx.env, features: ctx.env.features.slice(0, BASE_FEATURES) } });
  const agent: Agent = {
    name: 'q-learning-v4',
    act: (obs) => inner.act(cut(obs)),
    learn: (t) => inner.learn!({ ...t, obs: cut(t.obs), nextObs: cut(t.nextObs) }),
    setMode: (mode) => inner.setMode?.(mode),
    stats: () => inner.stats!(),
  };
  return agent;
};
