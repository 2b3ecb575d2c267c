import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseColumnsTrace } from '../../harness/traces/formats/columns.ts';
import type { ColumnMapping } from '../../harness/traces/formats/columns.ts';
import { loadTrace } from '../../harness/traces/load.ts';
import { traceStats } from '../../harness/traces/stats.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { fixtureDir, inputIssue } from './helpers.ts';

const { dir, write } = fixtureDir();
const BIN = join(REPO_ROOT, 'bin', 'orchbench.js');
const env = { ...process.env, NO_COLOR: '1' };

/**
 * A throughput log as phones write it: 10 s, 4 rows per second (every 250 ms), DL_bitrate in kbps
 * spread around (s + 1) Mbps in second s, so each second's mean is exactly (s + 1) Mbps; second 9
 * is an outage (0). UL_bytes: 31250 bytes per 250 ms row = 1 Mbps. Timestamps in ms, in s, and as
 * date-times with 1 s resolution (rows of one second share a timestamp).
 */
function throughputLog(opts: { skipSecond?: number } = {}): string {
  const rows = ['Timestamp_ms,Time_s,Timestamp,DL_bitrate,UL_bytes,RSRP'];
  for (let s = 0; s < 10; s++) {
    if (s === opts.skipSecond) continue;
    [-300, -100, 100, 300].forEach((d, q) => {
      const ms = s * 1000 + q * 250;
      const kbps = s === 9 ? 0 : 1000 * (s + 1) + d;
      rows.push(`${ms},${ms / 1000},2026-11-27 08:00:${String(s).padStart(2, '0')},${kbps},31250,-90`);
    });
  }
  return `${rows.join('\n')}\n`;
}

const KBPS: ColumnMapping = { time: { column: 'Timestamp_ms', unit: 'ms' }, downlink: { column: 'DL_bitrate', unit: 'kbps' } };
const PER_SECOND = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0];

describe('column-mapped CSV import (csv-columns)', () => {
  const file = write('log.csv', throughputLog());

  it('averages the rows of each window: a synthetic log with known per-second means and statistics', async () => {
    const t = await loadTrace(file, 'csv-columns', { columns: KBPS, uplinkFraction: 0.25 });
    expect(Array.from(t.tMs)).toEqual(PER_SECOND.map((_, k) => k * 1000));
    PER_SECOND.forEach((m, k) => expect(t.downlinkMbps[k]).toBeCloseTo(m, 12));
    PER_SECOND.forEach((m, k) => expect(t.uplinkMbps[k]).toBeCloseTo(m * 0.25, 12));
    expect(t.durationMs).toBe(10_000);
    expect(t.derivedUplink).toBe(true);
    const s = traceStats(t);
    expect(s.downlink.timeWeightedMeanMbps).toBeCloseTo(4.5, 12);
    expect(s.downlink.medianMbps).toBeCloseTo(4.5, 12);
    expect(s.downlink.outageFraction).toBeCloseTo(0.1, 12);
    expect(s.uplink.timeWeightedMeanMbps).toBeCloseTo(4.5 * 0.25, 12);
  });

  it('the time unit is applied: ms, s and 1 s date-times give the same 1 s windows', async () => {
    const ms = await loadTrace(file, 'csv-columns', { columns: KBPS });
    const s = await loadTrace(file, 'csv-columns', { columns: { ...KBPS, time: { column: 'Time_s', unit: 's' } } });
    const dt = await loadTrace(file, 'csv-columns', { columns: { ...KBPS, time: { column: 'Timestamp', unit: 'datetime' } } });
    expect(Array.from(s.downlinkMbps)).toEqual(Array.from(ms.downlinkMbps));
    expect(Array.from(dt.downlinkMbps)).toEqual(Array.from(ms.downlinkMbps));
    expect(dt.durationMs).toBe(10_000);
  });

  it('a shorter window splits the rows: 500 ms windows hold two rows each', async () => {
    const t = await loadTrace(file, 'csv-columns', { columns: KBPS, windowMs: 500 });
    expect(t.tMs.length).toBe(20);
    // Second 0: rows 700, 900 kbps, then 1100, 1300.
    expect(t.downlinkMbps[0]).toBeCloseTo(0.8, 12);
    expect(t.downlinkMbps[1]).toBeCloseTo(1.2, 12);
    expect(traceStats(t).downlink.timeWeightedMeanMbps).toBeCloseTo(4.5, 12);
  });

  it('an uplink column in bytes per interval: bytes summed per window x 8 / window', async () => {
    const t = await loadTrace(file, 'csv-columns', { columns: { ...KBPS, uplink: { column: 'UL_bytes', unit: 'bytesPerInterval' } } });
    expect(t.derivedUplink).toBe(false);
    for (const v of t.uplinkMbps) expect(v).toBeCloseTo(1, 12);
    // Other rate units scale: the same column read as Mbps is 1000x the kbps reading.
    const mbps = await loadTrace(file, 'csv-columns', { columns: { ...KBPS, downlink: { column: 'DL_bitrate', unit: 'Mbps' } } });
    expect(mbps.downlinkMbps[0]).toBeCloseTo(1000, 9);
    const bps = await loadTrace(file, 'csv-columns', { columns: { ...KBPS, downlink: { column: 'DL_bitrate', unit: 'bps' } } });
    expect(bps.downlinkMbps[0]).toBeCloseTo(0.001, 15);
  });

  it('bytes per interval keep every byte: mean over the trace = total bits / duration (property)', () => {
    // Rows every 1..100 ms with 0..1e6 bytes each; windows of 100..2000 ms, so no window is left empty.
    fc.assert(fc.property(
      fc.integer({ min: 100, max: 2000 }),
      fc.array(fc.tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 1_000_000 })), { minLength: 1, maxLength: 200 }),
      (windowMs, steps) => {
        let t = 0;
        const rows = ['t,bytes', ...steps.map(([dt, b]) => `${(t += dt)},${b}`)];
        const trace = parseColumnsTrace(Buffer.from(rows.join('\n')), 'p.csv', { time: { column: 't', unit: 'ms' }, downlink: { column: 'bytes', unit: 'bytesPerInterval' } }, { windowMs });
        const totalBits = steps.reduce((sum, [, b]) => sum + 8 * b, 0);
        expect(traceStats(trace).downlink.timeWeightedMeanMbps * (trace.durationMs * 1000)).toBeCloseTo(totalBits, 3);
      },
    ), { seed: 7, numRuns: 200 });
  });

  it('a gap in the log (a second without rows) holds the previous window', async () => {
    const t = await loadTrace(write('gap.csv', throughputLog({ skipSecond: 3 })), 'csv-columns', { columns: KBPS });
    expect(t.tMs.length).toBe(10);
    expect(t.downlinkMbps[3]).toBeCloseTo(3, 12);
    expect(t.downlinkMbps[4]).toBeCloseTo(5, 12);
  });

  it('bad mappings and rows are located: unknown column or unit (with a mapping pointer), decreasing time, negative rate', async () => {
    const col = await inputIssue(() => loadTrace(file, 'csv-columns', { columns: { ...KBPS, downlink: { column: 'DL_kbps', unit: 'kbps' } } }));
    expect(col).toMatchObject({ file, line: 1, pointer: '/downlink/column', expected: 'a column named "DL_kbps" (the downlink column)' });
    expect(col.found).toContain('"DL_bitrate"');
    const unit = await inputIssue(() => loadTrace(file, 'csv-columns', { columns: { ...KBPS, downlink: { column: 'DL_bitrate', unit: 'kbit' as 'kbps' } } }));
    expect(unit).toMatchObject({ pointer: '/downlink/unit', found: '"kbit"' });
    expect(unit.expected).toContain('bps, kbps, Mbps, Gbps, bytesPerInterval');
    const back = write('back.csv', 'Timestamp_ms,DL_bitrate\n0,1\n500,1\n400,1\n');
    expect(await inputIssue(() => loadTrace(back, 'csv-columns', { columns: KBPS }))).toMatchObject({ file: back, line: 4, found: '"400"' });
    const neg = write('neg.csv', 'Timestamp_ms,DL_bitrate\n0,1\n500,-1\n');
    expect(await inputIssue(() => loadTrace(neg, 'csv-columns', { columns: KBPS }))).toMatchObject({ line: 3, expected: 'DL_bitrate as a number >= 0 (kbps)' });
    const date = write('date.csv', 'Timestamp,DL_bitrate\n27/11/2026 08:00,1\n');
    expect((await inputIssue(() => loadTrace(date, 'csv-columns', { columns: { ...KBPS, time: { column: 'Timestamp', unit: 'datetime' } } }))).expected).toMatch(/ISO 8601 or YYYY\.MM\.DD_HH\.MM\.SS/);
    expect((await inputIssue(() => loadTrace(file, 'csv-columns'))).expected).toMatch(/column mapping/);
  });

  it('traces inspect and convert take the mapping as flags; a bad flag is named in the error', () => {
    const args = ['--format', 'csv-columns', '--time-column', 'Timestamp:datetime', '--downlink-column', 'DL_bitrate:kbps', '--uplink-fraction', '0.5'];
    const out = JSON.parse(execFileSync('node', [BIN, 'traces', 'inspect', file, ...args, '--json'], { encoding: 'utf8', env })) as { samples: number; downlink: { timeWeightedMeanMbps: number }; uplink: { timeWeightedMeanMbps: number } };
    expect(out.samples).toBe(10);
    expect(out.downlink.timeWeightedMeanMbps).toBeCloseTo(4.5, 9);
    expect(out.uplink.timeWeightedMeanMbps).toBeCloseTo(2.25, 9);
    const csv = join(dir, 'log.project.csv');
    execFileSync('node', [BIN, 'traces', 'convert', file, ...args, '--out', csv], { env });
    expect(readFileSync(csv, 'utf8').split('\n').slice(0, 3)).toEqual(['t_ms,uplink_mbps,downlink_mbps', '0,0.5,1', '1000,1,2']);
    const bad = spawnSync('node', [BIN, 'traces', 'convert', file, '--format', 'csv-columns', '--time-column', 'Timestamp:datetime', '--downlink-column', 'DL:kbps', '--out', join(dir, 'never.csv')], { encoding: 'utf8', env });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe(`--downlink-column: expected a column named "DL" (the downlink column); found columns "Timestamp_ms", "Time_s", "Timestamp", "DL_bitrate", "UL_bytes", "RSRP" (${file}:1)`);
    expect(existsSync(join(dir, 'never.csv'))).toBe(false);
  });
});
