/**
 * Causal feedback: what the orchestrator knows of its own requests at a given simulated time.
 * - In-flight counts: requests decided and not yet completed, per tier of the decision, per
 *   user, and each user's local device backlog (its local requests queued or computing; a local
 *   request completes when its compute ends).
 * - Transitions: a decision's outcome is kept (with a copy of its observation) until the clock
 *   reaches its delivery time (its completion, or its decision under the `instant` ablation) and
 *   is then delivered before the next decision, in delivery order (ties in decision order).
 * Everything is pooled: no allocation per decision once warmed up.
 */
import type { Observation, Outcome, Transition } from '../agent.ts';
import { EventQueue, type EventQueueState } from './heap.ts';
import { FEATURE_COUNT } from './features.ts';
import { copyOutcome, newObservation, newOutcome } from './observation.ts';

/**
 * The decision just taken, for the harness's scoring only (`runEpisode`, evaluation summaries):
 * giving it to an agent before `completedAtMs` would leak the future.
 */
export interface DecisionRecord {
  reward: number;
  outcome: Outcome;
  decidedAtMs: number;
  completedAtMs: number;
}

export const DEVICE = 0;
export const EDGE = 1;
export const CLOUD = 2;

/** The state of a {@link Feedback}; `transitions[i]` is the transition of slot `kept[i]` (shared, never written again). */
export interface FeedbackState {
  readonly inFlight: Int32Array;
  readonly userInFlight: Int32Array;
  readonly deviceBacklog: Int32Array;
  readonly completions: EventQueueState;
  readonly deliveries: EventQueueState;
  readonly slots: number;
  readonly free: readonly number[];
  readonly deliveredSlots: readonly number[];
  readonly kept: readonly number[];
  readonly transitions: readonly Transition[];
}

export class Feedback {
  /** Requests decided and not completed, per tier (device, edge, cloud). */
  readonly inFlight = new Int32Array(3);
  /** Per user: its requests decided and not completed. */
  readonly userInFlight: Int32Array;
  /** Per user: its local requests queued or computing on its device. */
  readonly deviceBacklog: Int32Array;
  /** Transitions delivered by the last {@link deliver}, in order (reused). */
  readonly delivered: Transition[] = [];

  private readonly completions: EventQueue;
  private readonly deliveries: EventQueue;
  private readonly slots: Transition[] = [];
  /** Per slot: 1 while a snapshot may hold its transition. */
  private readonly shared: number[] = [];
  private readonly free: number[] = [];
  private readonly deliveredSlots: number[] = [];

  constructor(private readonly users: number, private readonly actionCount: number, private readonly mask: Uint8Array, private readonly featureCount = FEATURE_COUNT) {
    this.userInFlight = new Int32Array(users);
    this.deviceBacklog = new Int32Array(users);
    this.completions = new EventQueue(4 * users);
    this.deliveries = new EventQueue(4 * users);
  }

  reset(): void {
    this.inFlight.fill(0);
    this.userInFlight.fill(0);
    this.deviceBacklog.fill(0);
    this.completions.clear();
    this.deliveries.clear();
    this.free.length = 0;
    for (let s = 0; s < this.slots.length; s++) this.free.push(s);
    this.delivered.length = 0;
    this.deliveredSlots.length = 0;
  }

  /**
   * A copy of the state: counts, both queues, and the transitions not yet freed (pending and last
   * delivered), for {@link restore}. The transitions are shared with the snapshot, not copied: a
   * shared slot is replaced by a new one before it is written again ({@link record}), so the
   * snapshot's stay as they were.
   */
  snapshot(): FeedbackState {
    const kept: number[] = [];
    const transitions: Transition[] = [];
    const keep = (s: number): void => {
      this.shared[s] = 1;
      kept.push(s);
      transitions.push(this.slots[s]!);
    };
    const deliveries = this.deliveries.snapshot();
    for (const s of deliveries.payload) keep(s);
    for (const s of this.deliveredSlots) keep(s);
    return {
      inFlight: this.inFlight.slice(),
      userInFlight: this.userInFlight.slice(),
      deviceBacklog: this.deviceBacklog.slice(),
      completions: this.completions.snapshot(),
      deliveries,
      slots: this.slots.length,
      free: this.free.slice(),
      deliveredSlots: this.deliveredSlots.slice(),
      kept,
      transitions,
    };
  }

  /**
   * Puts the state back to a {@link snapshot} of a feedback of the same scenario. The delivered
   * transitions' `nextObs` is left for the environment to point at its restored observation.
   */
  restore(s: FeedbackState): void {
    this.inFlight.set(s.inFlight);
    this.userInFlight.set(s.userInFlight);
    this.deviceBacklog.set(s.deviceBacklog);
    this.completions.restore(s.completions);
    this.deliveries.restore(s.deliveries);
    while (this.slots.length < s.slots) this.newSlot();
    this.free.length = 0;
    this.free.push(...s.free);
    // Slots created after the snapshot are free at its time.
    for (let k = s.slots; k < this.slots.length; k++) this.free.push(k);
    for (let i = 0; i < s.kept.length; i++) {
      const k = s.kept[i]!;
      this.slots[k] = s.transitions[i]!;
      this.shared[k] = 1;
    }
    this.deliveredSlots.length = 0;
    this.deliveredSlots.push(...s.deliveredSlots);
    this.delivered.length = 0;
    for (const k of s.deliveredSlots) this.delivered.push(this.slots[k]!);
  }

  private newSlot(): number {
    this.slots.push(this.newTransition());
    this.shared.push(0);
    return this.slots.length - 1;
  }

  private newTransition(): Transition {
    const o = newObservation(this.actionCount, this.mask, this.featureCount);
    return { obs: o, action: 0, reward: 0, outcome: newOutcome(), decidedAtMs: 0, completedAtMs: 0, nextObs: o };
  }

  /** Counts a request of `user` on `tier` as in flight until `completedAtMs`. */
  dispatch(tier: number, user: number, completedAtMs: number): void {
    this.inFlight[tier]!++;
    this.userInFlight[user]!++;
    if (tier === DEVICE) this.deviceBacklog[user]!++;
    this.completions.push(completedAtMs, tier * this.users + user);
  }

  /** Retires every request completed at or before `tMs` from the in-flight counts. */
  advance(tMs: number): void {
    const q = this.completions;
    while (q.size > 0 && q.peekTimeMs() <= tMs) {
      const p = q.peekPayload();
      q.pop();
      const tier = Math.floor(p / this.users);
      const user = p - tier * this.users;
      this.inFlight[tier]!--;
      this.userInFlight[user]!--;
      if (tier === DEVICE) this.deviceBacklog[user]!--;
    }
  }

  /**
   * Keeps a decision's transition until its completion, or until its decision when `instant`. It
   * takes `obs` itself as the transition's observation (no copy: the caller writes no more into it)
   * and returns, in exchange, the observation object of a freed transition, for the caller to
   * reuse: one that nothing reads any more (it was delivered before the previous delivery).
   */
  record(obs: Observation, decision: Readonly<DecisionRecord>, instant: boolean): Observation {
    const outcome = decision.outcome;
    const s = this.free.pop() ?? this.newSlot();
    // A slot a snapshot holds gets a new transition: the snapshot's must not change.
    if (this.shared[s] === 1) {
      this.slots[s] = this.newTransition();
      this.shared[s] = 0;
    }
    const t = this.slots[s]!;
    const spare = t.obs;
    t.obs = obs;
    copyOutcome(outcome, t.outcome);
    t.action = outcome.action;
    t.reward = decision.reward;
    t.decidedAtMs = decision.decidedAtMs;
    t.completedAtMs = decision.completedAtMs;
    this.deliveries.push(instant ? decision.decidedAtMs : decision.completedAtMs, s);
    return spare;
  }

  /**
   * Frees the previous delivery and collects, into {@link delivered}, every transition due at or
   * before `tMs`, with `nextObs` = the observation about to be acted on.
   */
  deliver(tMs: number, nextObs: Observation): readonly Transition[] {
    if (this.deliveredSlots.length > 0) {
      for (const s of this.deliveredSlots) this.free.push(s);
      // Emptied by pops: `length = 0` gives up the backing store, so the next push reallocates it.
      while (this.deliveredSlots.length > 0) this.deliveredSlots.pop();
      while (this.delivered.length > 0) this.delivered.pop();
    }
    const q = this.deliveries;
    while (q.size > 0 && q.peekTimeMs() <= tMs) {
      const s = q.peekPayload();
      q.pop();
      const t = this.slots[s]!;
      t.nextObs = nextObs;
      this.delivered.push(t);
      this.deliveredSlots.push(s);
    }
    return this.delivered;
  }
}
