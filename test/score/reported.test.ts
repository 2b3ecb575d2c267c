/**
 * recordStats: what an agent says about itself is recorded only when well-formed and small, and
 * never replaces what the harness counted. Each rule on its own, with its boundary.
 */
import { describe, expect, it } from 'vitest';
import { INFO_LIMITS, recordStats } from '../../harness/score/reported.ts';

describe('recordStats', () => {
  it('keeps well-formed counters and info as reported', () => {
    expect(recordStats({ realSteps: 10, planningUpdates: 3, learnMs: 1.5, planningMs: 0, info: { a: 'x', b: 2, c: false } }, 10)).toEqual({
      planningUpdates: 3, learnMs: 1.5, planningMs: 0, info: { a: 'x', b: 2, c: false },
    });
  });

  it('anything but an object reports nothing; missing counters are 0', () => {
    for (const r of [null, undefined, 7, 'stats', true]) expect(recordStats(r, 5)).toEqual({ planningUpdates: 0, learnMs: 0, planningMs: 0, info: {} });
    expect(recordStats({}, 5)).toEqual({ planningUpdates: 0, learnMs: 0, planningMs: 0, info: {} });
  });

  it('a counter that is not a finite number >= 0 is recorded as 0 (planning updates: also shown in info)', () => {
    for (const bad of [-1, NaN, Infinity, '3', null]) {
      const r = recordStats({ planningUpdates: bad, learnMs: bad, planningMs: bad }, 5);
      expect([r.planningUpdates, r.learnMs, r.planningMs], String(bad)).toEqual([0, 0, 0]);
      expect(Object.keys(r.info), String(bad)).toEqual(['reportedPlanningUpdates']);
    }
    expect(recordStats({ planningUpdates: -1 }, 5).info).toEqual({ reportedPlanningUpdates: -1 });
    expect(recordStats({ planningUpdates: '3' }, 5).info).toEqual({ reportedPlanningUpdates: '3' });
    expect(recordStats({ planningUpdates: 0, learnMs: 0, planningMs: 0 }, 5)).toEqual({ planningUpdates: 0, learnMs: 0, planningMs: 0, info: {} });
  });

  it('a reported realSteps other than the count is kept in info, never as the count', () => {
    expect(recordStats({ realSteps: 5 }, 5).info).toEqual({});
    expect(recordStats({ realSteps: 1e9 }, 5).info).toEqual({ reportedRealSteps: 1e9 });
    expect(recordStats({ realSteps: 'many' }, 5).info).toEqual({ reportedRealSteps: 'many' });
  });

  it('info that is not a plain object is shown as one string; values other than finite numbers, booleans and strings as strings', () => {
    expect(recordStats({ info: [1, 2] }, 5).info).toEqual({ reportedInfo: '[1,2]' });
    expect(recordStats({ info: 'text' }, 5).info).toEqual({ reportedInfo: 'text' });
    expect(recordStats({ info: null }, 5).info).toEqual({ reportedInfo: 'null' });
    expect(recordStats({ info: { n: NaN, o: { x: 1 }, u: undefined, t: true } }, 5).info).toEqual({ n: 'null', o: '{"x":1}', u: 'undefined', t: true });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(recordStats({ info: { c: cyclic } }, 5).info).toEqual({ c: '[object Object]' });
  });

  it(`keeps at most ${INFO_LIMITS.entries} entries, the first ones`, () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]));
    const info = recordStats({ info: many }, 5).info;
    expect(Object.keys(info)).toEqual(Array.from({ length: INFO_LIMITS.entries }, (_, i) => `k${i}`));
    // Entries found before info count too: realSteps and planning updates come first.
    const withOthers = recordStats({ realSteps: 1, planningUpdates: -1, info: many }, 5).info;
    expect(Object.keys(withOthers)).toHaveLength(INFO_LIMITS.entries);
    expect(Object.keys(withOthers).slice(0, 3)).toEqual(['reportedRealSteps', 'reportedPlanningUpdates', 'k0']);
  });

  it(`stops at ${INFO_LIMITS.totalChars} characters of JSON in all, and bounds each key and value`, () => {
    const big = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v'.repeat(190)]));
    const info = recordStats({ info: big }, 5).info;
    expect(JSON.stringify(info).length).toBeLessThanOrEqual(INFO_LIMITS.totalChars);
    // Each entry is 1 + 4 + 1 + 192 + 2 characters or so: about 20 fit, not all 30, not 1.
    expect(Object.keys(info).length).toBeGreaterThan(15);
    expect(Object.keys(info).length).toBeLessThan(30);
    const one = recordStats({ info: { ['k'.repeat(100)]: 'v'.repeat(500) } }, 5).info;
    const [k, v] = Object.entries(one)[0]!;
    expect(k.length).toBeLessThanOrEqual(INFO_LIMITS.keyChars);
    expect(String(v).length).toBeLessThanOrEqual(INFO_LIMITS.valueChars);
  });

  it('an entry exactly at the total limit is kept; one character more is not', () => {
    // The total starts at 2 ("{}"); an entry costs JSON(key) + JSON(value) + 2 characters.
    const entries = (n: number, last: number) => Object.fromEntries([...Array.from({ length: n }, (_, i) => [`a${String(i).padStart(2, '0')}`, 'v'.repeat(190)]), ['z', 'v'.repeat(last)]]);
    // 20 entries of JSON("aNN") 5 + JSON(190 v) 192 + 2 = 199 each: 2 + 20 x 199 = 3982; "z" costs 3 + (last + 2) + 2.
    const room = INFO_LIMITS.totalChars - 3982 - 7;
    expect(Object.keys(recordStats({ info: entries(20, room) }, 5).info)).toContain('z');
    expect(Object.keys(recordStats({ info: entries(20, room + 1) }, 5).info)).not.toContain('z');
  });

  it('a duplicate or empty key after bounding is dropped, never overwrites', () => {
    const long = 'k'.repeat(100);
    const info = recordStats({ info: { [long]: 1, [`${long}x`]: 2, '': 3 } }, 5).info;
    expect(Object.values(info)).toEqual([1]);
  });
});
