/**
 * The narrow view of the environment every reference works through: the pending request's legal
 * actions, what-if outcomes of them (`env.whatIf`), forks (`env.snapshot` / `env.restore`) and
 * `env.step`. This file holds the one helper they share: the best legal action by a score.
 */
import type { OrchestrationEnv } from '../env/env.ts';

/** The legal action of the pending request maximising `score` (lowest index on ties). */
export function bestAction(env: OrchestrationEnv, score: (action: number) => number): number {
  const mask = env.currentObservation.actionMask;
  let best = -1;
  let bestScore = -Infinity;
  for (let a = 0; a < mask.length; a++) {
    if (mask[a] === 0) continue;
    const r = score(a);
    if (r > bestScore) {
      bestScore = r;
      best = a;
    }
  }
  return best;
}
