/**
 * The causal-feedback bookkeeping by itself: in-flight counts per tier and per user (each request
 * retired exactly at its completion), and transitions kept until their delivery time, from a
 * pool of slots reused across decisions and episodes.
 */
import { describe, expect, it } from 'vitest';
import { CLOUD, DEVICE, EDGE, Feedback } from '../../harness/env/feedback.ts';
import { newObservation, newOutcome } from '../../harness/env/observation.ts';

const MASK = Uint8Array.of(1, 1);
const counts = (f: Feedback) => ({ tiers: [...f.inFlight], users: [...f.userInFlight], backlog: [...f.deviceBacklog] });

describe('Feedback: in-flight counts', () => {
  it('counts each request on its tier and user until its completion time, inclusive', () => {
    const f = new Feedback(3, 2, MASK);
    f.reset();
    f.dispatch(EDGE, 2, 100);
    f.dispatch(DEVICE, 1, 50);
    f.dispatch(CLOUD, 0, 70);
    f.dispatch(DEVICE, 1, 80);
    expect(counts(f)).toEqual({ tiers: [2, 1, 1], users: [1, 2, 1], backlog: [0, 2, 0] });
    f.advance(49);
    expect(counts(f)).toEqual({ tiers: [2, 1, 1], users: [1, 2, 1], backlog: [0, 2, 0] });
    f.advance(50);
    expect(counts(f)).toEqual({ tiers: [1, 1, 1], users: [1, 1, 1], backlog: [0, 1, 0] });
    f.advance(99);
    expect(counts(f)).toEqual({ tiers: [0, 1, 0], users: [0, 0, 1], backlog: [0, 0, 0] });
    f.advance(100);
    expect(counts(f)).toEqual({ tiers: [0, 0, 0], users: [0, 0, 0], backlog: [0, 0, 0] });
  });

  it('reset forgets the requests in flight (none is retired in the next episode)', () => {
    const f = new Feedback(2, 2, MASK);
    f.reset();
    f.dispatch(CLOUD, 1, 10);
    f.reset();
    expect(counts(f)).toEqual({ tiers: [0, 0, 0], users: [0, 0], backlog: [0, 0] });
    f.advance(1000);
    expect(counts(f)).toEqual({ tiers: [0, 0, 0], users: [0, 0], backlog: [0, 0] });
  });
});

describe('Feedback: transitions', () => {
  const obsAt = (timeMs: number) => Object.assign(newObservation(2, MASK), { timeMs });
  const outcome = (action: number) => Object.assign(newOutcome(), { action });

  it('delivers each transition once, at the first delivery at or after its time, ties in decision order, with the next observation', () => {
    const f = new Feedback(1, 2, MASK);
    f.reset();
    f.record(obsAt(1), { outcome: outcome(0), reward: -1, decidedAtMs: 1, completedAtMs: 10 }, false);
    f.record(obsAt(2), { outcome: outcome(1), reward: -2, decidedAtMs: 2, completedAtMs: 20 }, false);
    f.record(obsAt(3), { outcome: outcome(0), reward: -3, decidedAtMs: 3, completedAtMs: 20 }, false);
    expect(f.deliver(5, obsAt(5))).toEqual([]);
    const next = obsAt(15);
    const first = f.deliver(15, next);
    expect(first.map((t) => [t.reward, t.obs.timeMs, t.action, t.decidedAtMs, t.completedAtMs])).toEqual([[-1, 1, 0, 1, 10]]);
    expect(first[0]!.nextObs).toBe(next);
    expect(f.deliver(20, obsAt(20)).map((t) => t.reward)).toEqual([-2, -3]);
    expect(f.deliver(30, obsAt(30))).toEqual([]);
  });

  it('takes the decided observation as the transition\'s and hands back one nothing reads any more', () => {
    const f = new Feedback(1, 2, MASK);
    f.reset();
    const decided = obsAt(1);
    const spare = f.record(decided, { outcome: outcome(0), reward: -1, decidedAtMs: 1, completedAtMs: 2 }, false);
    expect(spare).not.toBe(decided);
    const [t] = f.deliver(2, obsAt(2));
    expect(t!.obs).toBe(decided);
    expect(t!.obs.timeMs).toBe(1);
    // Once freed (by the next delivery), its observation is the one the next record hands back.
    f.deliver(3, obsAt(3));
    expect(f.record(obsAt(4), { outcome: outcome(1), reward: -2, decidedAtMs: 4, completedAtMs: 5 }, false)).toBe(decided);
  });

  it('reuses the slots of delivered transitions, within an episode and after reset (no allocation per decision)', () => {
    const f = new Feedback(1, 2, MASK);
    f.reset();
    f.record(obsAt(1), { outcome: outcome(0), reward: -1, decidedAtMs: 1, completedAtMs: 10 }, false);
    const slot = f.deliver(10, obsAt(10))[0]!;
    f.record(obsAt(11), { outcome: outcome(1), reward: -2, decidedAtMs: 11, completedAtMs: 12 }, false);
    // The previous delivery is freed by the next deliver, so a record after it reuses the slot.
    f.deliver(11, obsAt(11));
    f.record(obsAt(12), { outcome: outcome(1), reward: -3, decidedAtMs: 12, completedAtMs: 13 }, false);
    // Copied: `delivered` is one array, refilled by every deliver.
    const again = [...f.deliver(13, obsAt(13))];
    expect(again.map((t) => t.reward)).toEqual([-2, -3]);
    expect(again).toContain(slot);
    f.reset();
    f.record(obsAt(1), { outcome: outcome(0), reward: -4, decidedAtMs: 1, completedAtMs: 2 }, false);
    expect(f.deliver(2, obsAt(2))).toEqual([expect.objectContaining({ reward: -4 })]);
    expect([slot, ...again]).toContain(f.delivered[0]);
  });
});
