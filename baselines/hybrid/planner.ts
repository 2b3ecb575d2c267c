/**
 * Decision-time planning with both learners. For each legal action a at state s:
 *
 *     lookahead(a) = r^(s, a) + gamma x max_b Q(s'^(s, a), b)     (the model's step, then the value learner)
 *     score(a)     = (1 - w) x Q(s, a) + w x lookahead(a),   w = min(1, planningWeight x trust)
 *
 * The model predicts the reward and the next state of every action (battery drained, model
 * loaded or evicted, queues grown); the Q-network values the state each action leads to. With an
 * untrusted model (w = 0) the agent acts on its model-free Q alone; the more the model's held-out
 * predictions are right, the more its lookahead decides. `b` ranges over the actions legal now
 * (legality is a tier's, the same at the next request).
 */
import { argmaxMasked } from '../common.ts';
import type { Encoder } from './encoding.ts';
import type { EnvironmentModel } from './model.ts';
import type { ValueLearner } from './value.ts';

export class Planner {
  private readonly scores: Float32Array;
  private readonly legal: Int32Array;
  private readonly tiled: Float32Array;
  private readonly rewards: Float32Array;
  private readonly next: Float32Array;
  private readonly masks: Uint8Array;
  private readonly nextValue: Float32Array;

  constructor(private readonly enc: Encoder, private readonly model: EnvironmentModel, private readonly value: ValueLearner, private readonly gamma: number) {
    const A = enc.actionCount;
    const S = enc.stateSize;
    this.scores = new Float32Array(A);
    this.legal = new Int32Array(A);
    this.tiled = new Float32Array(A * S);
    this.rewards = new Float32Array(A);
    this.next = new Float32Array(A * S);
    this.masks = new Uint8Array(A * A);
    this.nextValue = new Float32Array(A);
  }

  /**
   * The score of every action at `state` (masked actions: -Infinity) with lookahead weight `w`;
   * a scratch array valid until the next call.
   */
  score(state: Float32Array, mask: Uint8Array, w: number): Float32Array {
    const A = this.enc.actionCount;
    const q = this.value.qAll(state, 1, 'online');
    for (let a = 0; a < A; a++) this.scores[a] = mask[a] === 1 ? q[a]! : -Infinity;
    if (w === 0) return this.scores;
    const S = this.enc.stateSize;
    let n = 0;
    for (let a = 0; a < A; a++) {
      if (mask[a] !== 1) continue;
      this.legal[n] = a;
      this.tiled.set(state.subarray(0, S), n * S);
      this.masks.set(mask, n * A);
      n++;
    }
    this.model.predict(this.tiled, this.legal, n, this.rewards, this.next);
    this.value.maxQ(this.next, this.masks, n, 'online', this.nextValue);
    for (let k = 0; k < n; k++) {
      const a = this.legal[k]!;
      const lookahead = this.rewards[k]! + this.gamma * this.nextValue[k]!;
      this.scores[a] = (1 - w) * this.scores[a]! + w * lookahead;
    }
    return this.scores;
  }

  /**
   * Both estimates of the value of `action` at `state` (`planner` module comment), for the held-out
   * trust check: Q(s, a) and the model's one-step lookahead.
   */
  estimates(state: Float32Array, action: number, mask: Uint8Array): { free: number; model: number } {
    const free = this.value.qAll(state, 1, 'online')[action]!;
    const S = this.enc.stateSize;
    this.legal[0] = action;
    this.model.predict(state.subarray(0, S), this.legal, 1, this.rewards, this.next);
    this.value.maxQ(this.next, mask, 1, 'online', this.nextValue);
    return { free, model: this.rewards[0]! + this.gamma * this.nextValue[0]! };
  }

  /** The legal action with the best score plus its `bonus` when given (lowest index on ties). */
  choose(state: Float32Array, mask: Uint8Array, w: number, bonus: Float32Array | null): number {
    const scores = this.score(state, mask, w);
    if (bonus) for (let a = 0; a < scores.length; a++) scores[a] = scores[a]! + bonus[a]!;
    return argmaxMasked(scores, 0, mask);
  }
}
