/**
 * The JSON-lines protocol between the harness and an out-of-process agent (a sandboxed Node child
 * or an external program in any language). One JSON object per line, UTF-8, on the agent's stdin
 * (harness -> agent) and stdout (agent -> harness); the agent logs to stderr only.
 *
 * | harness sends | agent replies |
 * |---|---|
 * | `{"type":"hello","protocol":1,"env":EnvSpec,"seed":n,"config":{...}}` | `{"type":"ready","name":"..."}` |
 * | `{"type":"act","obs":Obs}` | `{"action":n}` |
 * | `{"type":"learn","transition":{"obs":Obs,"action":n,"reward":x,"outcome":Outcome,"decidedAtMs":x,"completedAtMs":x,"nextObs":Obs}}` (sent when the request completes, before the next act) | nothing |
 * | `{"type":"mode","mode":"learn"\|"eval"}` | nothing |
 * | `{"type":"stats"}` | `{"stats":AgentStats\|null}` |
 * | `{"type":"close"}` | nothing; exit |
 *
 * `EnvSpec` carries the scoring contract: `reward` (the scenario's reward weights every
 * transition's reward is computed with) and `ranking` (how the leaderboard ranks). A recorded sample
 * of every message is in `submissions/README.md` (checked by `test/submission/protocol-samples.test.ts`).
 * `Obs` is an {@link Observation} with `actionMask` and `features` as JSON arrays of numbers; an
 * observation or transition carries every field the environment sets (see `harness/agent.ts`).
 * `hello` may carry `loadClockMs` (the checker's determinism runs, sandboxed Node only): the wall
 * clock (`Date`) the agent sees while it loads, so a choice made from the time at load differs
 * between the two runs every time rather than by chance.
 * Each reply is one line (at most 1 MB), and nothing else goes to stdout: the harness takes the first
 * line after a request as its reply, and any output after it, before the next request, is a
 * protocol violation. Any reply may instead be `{"error":"message"}` (the agent then exits); the
 * run records it as the reason the submission failed. Messages that need no reply may arrive in
 * the same write as the next `act` (the harness batches `learn` with the following `act`).
 */
import type { AgentStats, EnvSpec, Observation, Transition } from '../agent.ts';

export const PROTOCOL_VERSION = 1;

/** An observation as it travels: typed arrays as plain arrays. */
export interface WireObservation extends Omit<Observation, 'actionMask' | 'features'> {
  actionMask: number[];
  features: number[];
}

export type HostMessage =
  | { type: 'hello'; protocol: number; env: EnvSpec; seed: number; config: Record<string, unknown>; loadClockMs?: number }
  | { type: 'act'; obs: WireObservation }
  | { type: 'learn'; transition: Omit<Transition, 'obs' | 'nextObs'> & { obs: WireObservation; nextObs: WireObservation } }
  | { type: 'mode'; mode: 'learn' | 'eval' }
  | { type: 'stats' }
  | { type: 'close' };

/** A reply; `error` replaces the expected field when the agent failed. */
export interface AgentReply {
  type?: 'ready';
  name?: string;
  action?: number;
  stats?: AgentStats | null;
  error?: string;
}

/** A typed array as a JSON array: `join` prints each number as JSON does, except non-finite ones. */
function typedJson(v: ArrayLike<number> & { join(sep: string): string }): string {
  const text = v.join(',');
  // NaN and Infinity print as letters; JSON has null for them.
  return /[NI]/.test(text) ? JSON.stringify(Array.from(v)) : `[${text}]`;
}

/**
 * `o` as JSON.stringify writes it, with every typed array among its own fields as a plain array
 * (per field: about 1 us cheaper per observation than copying the object first).
 */
function objectJson(o: object): string {
  let s = '';
  for (const k of Object.keys(o)) {
    const v = (o as Record<string, unknown>)[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    s += `${s ? ',' : '{'}${JSON.stringify(k)}:${ArrayBuffer.isView(v) && !(v instanceof DataView) ? typedJson(v as unknown as Float64Array) : JSON.stringify(v)}`;
  }
  return s ? `${s}}` : '{}';
}

/**
 * An observation as one JSON text: every field the environment sets (new ones pass through as
 * they are), typed arrays as arrays. Float32 features become doubles that convert back to the same
 * float32 exactly, so an out-of-process agent sees bit-identical inputs.
 */
export function observationJson(o: Observation): string {
  return objectJson(o);
}

/**
 * A transition as one JSON text, with its observations given already serialised (each is
 * serialised once: it is also the act before or after it). Every other field passes through.
 */
export function transitionJson(t: Transition, obsJson: string, nextObsJson: string): string {
  const { obs: _o, nextObs: _n, ...rest } = t;
  const others = objectJson(rest);
  return `{"obs":${obsJson},"nextObs":${nextObsJson}${others === '{}' ? '}' : `,${others.slice(1)}`}`;
}

/** The inverse of {@link observationJson} after `JSON.parse`: typed arrays restored. */
export function fromWire(o: WireObservation): Observation {
  return { ...o, actionMask: Uint8Array.from(o.actionMask), features: Float32Array.from(o.features) } as Observation;
}
