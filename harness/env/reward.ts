/**
 * The reward of one request, as the scenario's `reward` block defines it (see
 * `harness/scenario/types.ts`, `RewardSpec`):
 * reward = -(latencyWeightPerS x response time (s) + energyWeightPerJ x device energy (J)
 *            + accuracyViolationPenalty x [violation] + deadlineMissPenalty x [miss]).
 */
import type { RewardSpec } from '../scenario/types.ts';

/** The reward of a request with this response time (ms), device energy (mJ), violation and miss. */
export function rewardOf(r: RewardSpec, latencyMs: number, deviceEnergyMj: number, violation: boolean, miss: boolean): number {
  return -(
    r.latencyWeightPerS * latencyMs * 1e-3 +
    r.energyWeightPerJ * deviceEnergyMj * 1e-3 +
    (violation ? r.accuracyViolationPenalty : 0) +
    (miss ? r.deadlineMissPenalty : 0)
  );
}
