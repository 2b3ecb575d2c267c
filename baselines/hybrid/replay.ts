/**
 * The real transitions the Hybrid Learner keeps: a ring buffer of typed arrays (no per-transition
 * objects) of encoded states, actions, rewards, next states and both action masks. The model fits
 * on them, the value learner updates on them, and simulated transitions start from their states.
 * The DQN's `ReplayBuffer` has the same layout but stores the feature vector only (no device
 * in-flight count, no resident mask); it is not generalised in place because editing `dqn.ts`
 * would change the DQN's code hash and with it every published DQN result's identity.
 */
import type { Observation } from '../../harness/agent.ts';
import type { Rng } from '../../harness/rng.ts';
import type { Encoder } from './encoding.ts';

export class Replay {
  readonly states: Float32Array;
  readonly nextStates: Float32Array;
  readonly masks: Uint8Array;
  readonly nextMasks: Uint8Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  size = 0;
  private head = 0;

  constructor(readonly capacity: number, private readonly enc: Encoder) {
    const S = enc.stateSize;
    const A = enc.actionCount;
    this.states = new Float32Array(capacity * S);
    this.nextStates = new Float32Array(capacity * S);
    this.masks = new Uint8Array(capacity * A);
    this.nextMasks = new Uint8Array(capacity * A);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
  }

  /** Stores a real transition from `obs` by `action` to `nextObs` (observations encoded) and returns its slot. */
  push(obs: Observation, action: number, reward: number, nextObs: Observation): number {
    const i = this.head;
    const S = this.enc.stateSize;
    const A = this.enc.actionCount;
    this.enc.encodeState(obs, this.states, i * S);
    this.enc.encodeState(nextObs, this.nextStates, i * S);
    this.masks.set(obs.actionMask, i * A);
    this.nextMasks.set(nextObs.actionMask, i * A);
    this.actions[i] = action;
    this.rewards[i] = reward;
    this.head = (i + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    return i;
  }

  /** Draws slots uniformly with replacement into `out`. */
  sample(rng: Rng, out: Int32Array): void {
    for (let k = 0; k < out.length; k++) out[k] = rng.int(this.size);
  }

  /** The state at `slot` (a view). */
  state(slot: number): Float32Array {
    const S = this.enc.stateSize;
    return this.states.subarray(slot * S, (slot + 1) * S);
  }
}
