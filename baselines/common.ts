/**
 * Harness-side helpers shared by the reference baselines, kept out of the algorithm files so each
 * of those reads as the algorithm alone: config merging with validation, masked action selection,
 * accuracy-aware variant choice and the `stats()` bookkeeping (real steps, learning time).
 */
import type { ActionDef, AgentStats, Observation } from '../harness/agent.ts';
import { InputError, show } from '../harness/errors.ts';
import type { Rng } from '../harness/rng.ts';

/**
 * The agent's documented defaults with `overrides` (from `AgentContext.config`) merged over them.
 * Every override must name a default field and have its type (arrays: same length, numbers);
 * anything else is an InputError located at `/<field>` of the agent's config.
 */
export function mergeConfig<T extends object>(agent: string, defaults: T, overrides: Record<string, unknown> | undefined): T {
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  const file = `config of agent "${agent}"`;
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (!(key in defaults)) {
      throw new InputError({ file, pointer: `/${key}`, expected: `one of the fields ${Object.keys(defaults).join(', ')}`, found: `unknown field ${show(key)}` });
    }
    const d = (defaults as Record<string, unknown>)[key];
    const sameShape = Array.isArray(d)
      ? Array.isArray(value) && value.length === d.length && value.every((v) => typeof v === 'number' && Number.isFinite(v))
      : typeof value === typeof d && (typeof value !== 'number' || Number.isFinite(value));
    if (!sameShape) {
      const expected = Array.isArray(d) ? `an array of ${d.length} finite numbers` : `a ${typeof d === 'number' ? 'finite number' : typeof d}`;
      throw new InputError({ file, pointer: `/${key}`, expected, found: show(value) });
    }
    merged[key] = value;
  }
  return merged as T;
}

/** Uniformly random unmasked action (the mask must have at least one 1). */
export function randomUnmasked(mask: Uint8Array, rng: Rng): number {
  let legal = 0;
  for (let a = 0; a < mask.length; a++) legal += mask[a]!;
  if (legal === 0) throw new Error('every action is masked: the environment offers no legal action');
  let k = rng.int(legal);
  for (let a = 0; a < mask.length; a++) {
    if (mask[a] === 1 && k-- === 0) return a;
  }
  throw new Error('unreachable: randomUnmasked ran past the mask');
}

/**
 * The unmasked action with the largest `values[offset + a]` (lowest index on ties, so greedy
 * choices are deterministic).
 */
export function argmaxMasked(values: ArrayLike<number>, offset: number, mask: Uint8Array): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let a = 0; a < mask.length; a++) {
    if (mask[a] === 0) continue;
    const v = values[offset + a]!;
    if (best < 0 || v > bestValue) {
      best = a;
      bestValue = v;
    }
  }
  if (best < 0) throw new Error('every action is masked: the environment offers no legal action');
  return best;
}

/**
 * Among the unmasked `candidates`, the one with the lowest `cost` whose model meets
 * `requirementTop1Pct`; when none meets it, the most accurate candidate (lower cost on ties).
 * Returns -1 when no candidate is unmasked.
 */
export function cheapestMeetingRequirement(
  actions: readonly ActionDef[],
  candidates: readonly number[],
  mask: Uint8Array,
  requirementTop1Pct: number,
  cost: (a: number) => number,
): number {
  let best = -1;
  let fallback = -1;
  for (const a of candidates) {
    if (mask[a] !== 1) continue;
    const acc = actions[a]!.accuracyTop1Pct;
    if (acc >= requirementTop1Pct && (best < 0 || cost(a) < cost(best))) best = a;
    const fAcc = fallback < 0 ? -Infinity : actions[fallback]!.accuracyTop1Pct;
    if (fallback < 0 || acc > fAcc || (acc === fAcc && cost(a) < cost(fallback))) fallback = a;
  }
  return best >= 0 ? best : fallback;
}

/** An observation's deep copy (the environment reuses its observation buffers). */
export function copyObservation(obs: Observation): Observation {
  return {
    timeMs: obs.timeMs,
    userId: obs.userId,
    request: { ...obs.request },
    link: { ...obs.link },
    load: { ...obs.load },
    inFlight: { ...obs.inFlight },
    user: { ...obs.user, resident: [...obs.user.resident] },
    actionMask: obs.actionMask.slice(),
    features: obs.features.slice(),
  };
}

/**
 * `stats()` bookkeeping for learning agents: counts real transitions and times `learn` with
 * `performance.now()` (timing is reported, never part of deterministic results).
 */
export class LearnStats {
  private realSteps = 0;
  private learnMs = 0;

  /** Runs one real-transition update, counting and timing it. */
  timeLearn(update: () => void): void {
    const t0 = performance.now();
    update();
    this.learnMs += performance.now() - t0;
    this.realSteps++;
  }

  /** The AgentStats of a model-free learner (no planning). */
  snapshot(info?: Record<string, string | number | boolean>): AgentStats {
    return { realSteps: this.realSteps, planningUpdates: 0, learnMs: this.learnMs, planningMs: 0, ...(info ? { info } : {}) };
  }
}
