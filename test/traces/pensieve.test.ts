import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrace } from '../../harness/traces/load.ts';
import { traceStats } from '../../harness/traces/stats.ts';
import { HAS_SHARED, SHARED } from '../helpers/paths.ts';
import { fixtureDir, inputIssue, sharedTitle } from './helpers.ts';

const { write } = fixtureDir();

/** Time-weighted mean of raw `time_s mbps` rows, the last row holding for `lastS`. */
function timeWeightedMean(rows: [number, number][], lastS: number): number {
  let area = 0;
  rows.forEach(([t, v], i) => { area += v * ((rows[i + 1]?.[0] ?? t + lastS) - t); });
  return area / (rows.at(-1)![0] + lastS - rows[0]![0]);
}

describe('pensieve importer', () => {
  it('reads irregular steps (tabs or spaces), derives the uplink, weights by time', async () => {
    const file = write('norway', '0.0\t2.0\n1.5  4.0\n2.0\t0.0\n4.0 1.0\n');
    const t = await loadTrace(file, 'pensieve', { uplinkFraction: 0.25 });
    expect(Array.from(t.tMs)).toEqual([0, 1500, 2000, 4000]);
    expect(t.derivedUplink).toBe(true);
    expect(Array.from(t.uplinkMbps)).toEqual([0.5, 1, 0, 0.25]);
    // Steps 1.5, 0.5, 2 s: median 1.5 s for the last sample.
    expect(t.durationMs).toBe(5500);
    const s = traceStats(t);
    expect(s.downlink.timeWeightedMeanMbps).toBeCloseTo(timeWeightedMean([[0, 2], [1.5, 4], [2, 0], [4, 1]], 1.5), 12);
    expect(s.downlink.sampleMeanMbps).toBeCloseTo(7 / 4, 12);
    expect(s.downlink.outageFraction).toBeCloseTo(2 / 5.5, 12);
  });

  it('defaults the uplink fraction to 1 (symmetric)', async () => {
    const t = await loadTrace(write('sym', '0 3\n5 4\n'), 'pensieve');
    expect(Array.from(t.uplinkMbps)).toEqual([3, 4]);
  });

  it('bad lines are errors at their line', async () => {
    const three = write('three', '0 1\n1 2 3\n');
    expect(await inputIssue(() => loadTrace(three, 'pensieve'))).toMatchObject({ file: three, line: 2, expected: 'two whitespace-separated columns: time_s throughput_mbps' });
    const neg = write('neg', '0 1\n\n2 -1\n');
    expect(await inputIssue(() => loadTrace(neg, 'pensieve'))).toMatchObject({ file: neg, line: 3, expected: 'throughput as a number from 0 to 1000000 (Mbps)', found: '"-1"' });
    const back = write('back', '0 1\n2 1\n1 1\n');
    expect(await inputIssue(() => loadTrace(back, 'pensieve'))).toMatchObject({ file: back, line: 3 });
    expect((await inputIssue(() => loadTrace(write('blank', '\n\n'), 'pensieve'))).found).toBe('an empty trace');
    expect((await inputIssue(() => loadTrace(write('frac', '0 1\n'), 'pensieve', { uplinkFraction: 0 }))).expected).toMatch(/uplinkFraction as a number > 0/);
  });
});

describe.skipIf(!HAS_SHARED)(sharedTitle('pensieve recorded traces'), () => {
  const dir = join(SHARED, 'traces/mirror/confiwent/Real-world-bandwidth-traces/d28c4fd48d0e358db024cc0217b111c070815fa7/fcc_and_hsdpa/cooked_traces');
  const rows = (f: string) => readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);

  it.each(['norway_tram_56', 'norway_ferry_20', 'trace_866_http---www.amazon.com'])('%s: statistics match the raw columns', async (name) => {
    const raw = rows(name);
    const steps = raw.slice(1).map(([t], i) => t - raw[i]![0]).sort((a, b) => a - b);
    const mid = steps.length >> 1;
    const medianStepS = steps.length % 2 ? steps[mid]! : (steps[mid - 1]! + steps[mid]!) / 2;
    const s = traceStats(await loadTrace(join(dir, name), 'pensieve'));
    expect(s.samples).toBe(raw.length);
    expect(s.durationS).toBeCloseTo(raw.at(-1)![0] + medianStepS, 9);
    expect(s.downlink.sampleMeanMbps).toBeCloseTo(raw.reduce((a, [, v]) => a + v, 0) / raw.length, 9);
    expect(s.downlink.timeWeightedMeanMbps).toBeCloseTo(timeWeightedMean(raw, medianStepS), 9);
    expect(s.downlink.maxMbps).toBe(Math.max(...raw.map(([, v]) => v)));
  });
});
