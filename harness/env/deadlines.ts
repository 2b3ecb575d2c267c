/**
 * Per-request deadlines (the scenario's `users.deadline`): heavy-tailed, drawn per request from
 * the user's own `deadline` stream, so the request sequence does not depend on the agent's actions.
 * - `lognormal`: median x exp(sigma x N(0, 1)), clipped into [minMs, maxMs];
 * - `pareto`: minMs x U^(-1/alpha) (Pareto type I, scale minMs, shape alpha), clipped at maxMs.
 * Without `users.deadline`, every request has the fixed `users.deadlineMs` (or none).
 */
import type { Rng } from '../rng.ts';
import type { DeadlineSpec } from '../scenario/types.ts';

/** One request's deadline (ms) under `spec`, drawn from `rng`. */
export function drawDeadlineMs(spec: DeadlineSpec, rng: Rng): number {
  const raw = spec.distribution === 'lognormal'
    ? spec.medianMs * Math.exp(spec.sigma * rng.normal())
    : spec.minMs * Math.pow(1 - rng.float(), -1 / spec.alpha);
  return Math.min(spec.maxMs, Math.max(spec.minMs, raw));
}
