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
 * `Obs` is an {@link Observation} with `actionMask` and `features` as JSON arrays of numbers.
 * Any reply may instead be `{"error":"message"}` (the agent then exits); the run records it as the
 * reason the submission failed. Messages that need no reply may arrive in the same write as the
 * next `act` (the harness batches `learn` with the following `act`).
 */
import type { AgentStats, EnvSpec, Observation, Outcome } from '../agent.ts';

export const PROTOCOL_VERSION = 1;

/** An observation as it travels: typed arrays as plain arrays. */
export interface WireObservation extends Omit<Observation, 'actionMask' | 'features'> {
  actionMask: number[];
  features: number[];
}

export type HostMessage =
  | { type: 'hello'; protocol: number; env: EnvSpec; seed: number; config: Record<string, unknown> }
  | { type: 'act'; obs: WireObservation }
  | { type: 'learn'; transition: { obs: WireObservation; action: number; reward: number; outcome: Outcome; decidedAtMs: number; completedAtMs: number; nextObs: WireObservation } }
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

/**
 * An observation as one JSON text. Float32 features become doubles that convert back to the
 * same float32 exactly, so an out-of-process agent sees bit-identical inputs.
 */
export function observationJson(o: Observation): string {
  return `{"timeMs":${o.timeMs},"userId":${o.userId},"request":${JSON.stringify(o.request)},"link":${JSON.stringify(o.link)},"load":${JSON.stringify(o.load)},"inFlight":${JSON.stringify(o.inFlight)},"user":${JSON.stringify(o.user)},"actionMask":[${o.actionMask.join(',')}],"features":[${Array.from(o.features).join(',')}]}`;
}

/** The inverse of {@link observationJson} after `JSON.parse`: typed arrays restored. */
export function fromWire(o: WireObservation): Observation {
  return { ...o, actionMask: Uint8Array.from(o.actionMask), features: Float32Array.from(o.features) };
}
