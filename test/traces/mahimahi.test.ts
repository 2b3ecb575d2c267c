import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrace } from '../../harness/traces/load.ts';
import { traceStats } from '../../harness/traces/stats.ts';
import { HAS_SHARED, SHARED } from '../helpers/paths.ts';
import { fixtureDir, inputIssue, sharedTitle } from './helpers.ts';

const { write } = fixtureDir();
/** Mbps of `packets` 1500-byte packets delivered in `ms` milliseconds. */
const mbps = (packets: number, ms: number) => (packets * 1500 * 8) / (ms * 1000);

describe('mahimahi importer', () => {
  it('counts packets per window, repeated timestamps being several packets', async () => {
    // Period 2500 ms; the packet at 2500 coincides with time 0 of the next loop.
    const down = write('a.down', '0\n0\n10\n999\n1000\n1500\n2000\n2500\n');
    const t = await loadTrace(down, 'mahimahi');
    expect(t.durationMs).toBe(2500);
    expect(Array.from(t.tMs)).toEqual([0, 1000, 2000]);
    // Window [0,1000): 0,0,10,999 and the wrapped 2500 -> 5 packets; [1000,2000): 2; [2000,2500): 1 over 500 ms.
    expect(Array.from(t.downlinkMbps)).toEqual([mbps(5, 1000), mbps(2, 1000), mbps(1, 500)]);
    expect(t.derivedUplink).toBe(true);
    expect(Array.from(t.uplinkMbps)).toEqual(Array.from(t.downlinkMbps));
  });

  it('a one-line file "1" is a fixed 12 Mbps link', async () => {
    const t = await loadTrace(write('fixed.down', '1\n'), 'mahimahi');
    expect(t.durationMs).toBe(1);
    expect(Array.from(t.downlinkMbps)).toEqual([12]);
  });

  it('pairs a down and an up file; the shorter one loops over the longer', async () => {
    const down = write('p.down', '500\n1000\n'); // period 1000 ms: 2 packets per second
    const up = write('p.up', '100\n200\n300\n3000\n'); // period 3000 ms
    const t = await loadTrace(down, 'mahimahi', { uplinkFile: up, windowMs: 1000 });
    expect(t.durationMs).toBe(3000);
    expect(t.derivedUplink).toBe(false);
    expect(Array.from(t.downlinkMbps)).toEqual([mbps(2, 1000), mbps(2, 1000), mbps(2, 1000)]);
    expect(Array.from(t.uplinkMbps)).toEqual([mbps(4, 1000), 0, 0]);
    expect(t.source).toBe(`${down} + ${up}`);
  });

  it('windowMs changes the resolution but not the time-weighted mean', async () => {
    const down = write('w.down', '0\n3\n3\n250\n260\n700\n701\n1999\n');
    const coarse = traceStats(await loadTrace(down, 'mahimahi', { windowMs: 1000 }));
    const fine = traceStats(await loadTrace(down, 'mahimahi', { windowMs: 100 }));
    expect(fine.samples).toBe(20);
    expect(coarse.samples).toBe(2);
    expect(fine.downlink.timeWeightedMeanMbps).toBeCloseTo(mbps(8, 1999), 12);
    expect(coarse.downlink.timeWeightedMeanMbps).toBeCloseTo(mbps(8, 1999), 12);
  });

  it('a garbage line is an error at its line', async () => {
    const file = write('bad.down', '0\n5\n\n7x\n9\n');
    const i = await inputIssue(() => loadTrace(file, 'mahimahi'));
    expect(i).toMatchObject({ file, line: 4, found: '"7x"' });
    expect(i.expected).toBe('one integer timestamp >= 0 per line (ms)');
  });

  it('a garbage line in the uplink file names the uplink file', async () => {
    const up = write('bad.up', '1\n-2\n');
    const i = await inputIssue(() => loadTrace(write('ok.down', '1\n'), 'mahimahi', { uplinkFile: up }));
    expect(i).toMatchObject({ file: up, line: 2 });
  });

  it('decreasing timestamps, an empty file and a bad window are errors', async () => {
    expect((await inputIssue(() => loadTrace(write('dec.down', '5\n3\n'), 'mahimahi'))).line).toBe(2);
    expect((await inputIssue(() => loadTrace(write('empty.down', '\n'), 'mahimahi'))).found).toBe('an empty trace');
    expect((await inputIssue(() => loadTrace(write('zero.down', '0\n0\n'), 'mahimahi'))).expected).toMatch(/last timestamp > 0/);
    expect((await inputIssue(() => loadTrace(write('win.down', '1\n'), 'mahimahi', { windowMs: 0.5 }))).expected).toMatch(/windowMs as an integer >= 1/);
  });
});

describe.skipIf(!HAS_SHARED)(sharedTitle('mahimahi recorded traces'), () => {
  const dir = join(SHARED, 'traces/mirror/ravinet/mahimahi/ae477d437615b972217498ba52be07db17a15618/traces');
  const lines = (f: string) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim() !== '').map(Number);

  it('Verizon-LTE-short: mean Mbps = total packets x 1500 x 8 / duration, each direction', async () => {
    const down = lines('Verizon-LTE-short.down');
    const up = lines('Verizon-LTE-short.up');
    // Both files span 140000 ms, so neither loops.
    expect(down.at(-1)).toBe(140000);
    expect(up.at(-1)).toBe(140000);
    const t = await loadTrace(join(dir, 'Verizon-LTE-short.down'), 'mahimahi', { uplinkFile: join(dir, 'Verizon-LTE-short.up') });
    const s = traceStats(t);
    expect(s.samples).toBe(140);
    expect(s.durationS).toBe(140);
    expect(s.downlink.timeWeightedMeanMbps).toBeCloseTo(mbps(down.length, 140000), 9);
    expect(s.uplink.timeWeightedMeanMbps).toBeCloseTo(mbps(up.length, 140000), 9);
  });

  it('ATT-LTE-driving: the longer (uplink) direction sets the duration; its mean is exact', async () => {
    const up = lines('ATT-LTE-driving.up');
    const t = await loadTrace(join(dir, 'ATT-LTE-driving.down'), 'mahimahi', { uplinkFile: join(dir, 'ATT-LTE-driving.up') });
    expect(t.durationMs).toBe(up.at(-1));
    expect(traceStats(t).uplink.timeWeightedMeanMbps).toBeCloseTo(mbps(up.length, up.at(-1)!), 9);
  });
});
