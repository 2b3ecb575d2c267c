/**
 * What an agent reports about itself (`stats()`), made safe to record. Nothing that scores comes
 * from here: `realSteps` is what the harness counted (every `env.step` of the learning phase). The
 * rest is kept as reported when it is well-formed and small: finite non-negative numbers for the
 * counters, and an `info` map of at most {@link INFO_LIMITS} entries of short strings, finite numbers
 * or booleans. Anything else is dropped or shown as a short string, so a submission can neither
 * rank itself nor break the leaderboard or `--resume` with what it reports.
 */
import type { AgentStats } from '../agent.ts';
import { boundedText } from '../errors.ts';

/** Bounds of a recorded `info` map. */
export const INFO_LIMITS = { entries: 32, keyChars: 64, valueChars: 200, totalChars: 4096 };

/** A reported stats object as recorded. */
export interface RecordedStats {
  planningUpdates: number;
  /** Timing split the agent measured (ms; never hashed). */
  learnMs: number;
  planningMs: number;
  info: Record<string, string | number | boolean>;
}

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);

/** A reported value that is not what it should be, as a short string for `info`. */
function shown(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return boundedText(s, INFO_LIMITS.valueChars);
}

/**
 * The stats an agent reported (anything, as it came: over the protocol it is untyped), checked
 * against the real steps the harness counted.
 */
export function recordStats(reported: unknown, realSteps: number): RecordedStats {
  const s = (reported !== null && typeof reported === 'object' ? reported : {}) as Partial<Record<keyof AgentStats, unknown>>;
  const info: Record<string, string | number | boolean> = {};
  let total = 2;
  const put = (key: string, value: unknown): void => {
    if (Object.keys(info).length >= INFO_LIMITS.entries) return;
    const k = boundedText(key, INFO_LIMITS.keyChars);
    const v = typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) ? value : shown(value);
    const size = JSON.stringify(k).length + JSON.stringify(v).length + 2;
    if (!k || Object.hasOwn(info, k) || total + size > INFO_LIMITS.totalChars) return;
    info[k] = v;
    total += size;
  };
  if (s.realSteps !== undefined && s.realSteps !== realSteps) put('reportedRealSteps', s.realSteps);
  const planning = s.planningUpdates === undefined ? 0 : count(s.planningUpdates);
  if (planning === null) put('reportedPlanningUpdates', s.planningUpdates);
  if (s.info !== null && typeof s.info === 'object' && !Array.isArray(s.info)) {
    for (const [k, v] of Object.entries(s.info as object).slice(0, INFO_LIMITS.entries)) put(k, v);
  } else if (s.info !== undefined) {
    put('reportedInfo', s.info);
  }
  return { planningUpdates: planning ?? 0, learnMs: count(s.learnMs) ?? 0, planningMs: count(s.planningMs) ?? 0, info };
}
