import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { loadTrace } from '../../harness/traces/load.ts';
import { traceStats } from '../../harness/traces/stats.ts';
import { HAS_SHARED, SHARED } from '../helpers/paths.ts';
import { fixtureDir, inputIssue, sharedTitle } from './helpers.ts';

const { write } = fixtureDir();
const table = [
  'protocol,carrier,num_tcp_conn,server_location,run_num,seq_num,throughput_mbps',
  'TCP,A,8,East,1,0,100',
  'TCP,A,8,East,1,1,0',
  'TCP,A,8,East,1,3,300',
  'TCP,B,1,West,2,0,10',
  'TCP,B,1,West,2,1,20',
].join('\n');

describe('5gophers importer', () => {
  it('selects one run by a row filter; a missing second holds the previous value; 0 Mbps is kept', async () => {
    const file = write('tp.csv', table);
    const t = await loadTrace(file, '5gophers', { select: { carrier: 'A', run_num: 1 }, uplinkFraction: 0.1 });
    expect(Array.from(t.tMs)).toEqual([0, 1000, 3000]);
    expect(Array.from(t.downlinkMbps)).toEqual([100, 0, 300]);
    expect(Array.from(t.uplinkMbps)).toEqual([10, 0, 30]);
    expect(t.derivedUplink).toBe(true);
    // Steps 1 s and 2 s: median 1.5 s for the last second.
    expect(t.durationMs).toBe(4500);
    const s = traceStats(t);
    expect(s.downlink.outageFraction).toBeCloseTo(2 / 4.5, 12);
    expect(s.downlink.timeWeightedMeanMbps).toBeCloseTo((100 * 1 + 0 * 2 + 300 * 1.5) / 4.5, 12);
  });

  it('numbers in a filter match numerically ("8" = 8.0), strings exactly', async () => {
    const t = await loadTrace(write('num.csv', table.replace(/,8,/g, ',8.0,')), '5gophers', { select: { num_tcp_conn: 8 } });
    expect(t.tMs.length).toBe(3);
    const i = await inputIssue(() => loadTrace(write('case.csv', table), '5gophers', { select: { carrier: 'a' } }));
    expect(i.expected).toBe('at least one row matching carrier=a');
  });

  it('a selection spanning several runs is an error naming the line and suggesting a filter', async () => {
    const file = write('multi.csv', table);
    const i = await inputIssue(() => loadTrace(file, '5gophers', { select: { protocol: 'TCP' } }));
    expect(i).toMatchObject({ file, line: 5 });
    expect(i.expected).toMatch(/one run .* e\.g\. run_num/);
  });

  it('unknown filter or throughput columns and empty throughput cells are located errors', async () => {
    const file = write('cols.csv', table);
    const bad = await inputIssue(() => loadTrace(file, '5gophers', { select: { operator: 'A' } }));
    expect(bad).toMatchObject({ file, line: 1 });
    expect(bad.found).toContain('carrier');
    const col = await inputIssue(() => loadTrace(file, '5gophers', { throughputColumn: 'tput' }));
    expect(col.expected).toMatch(/a column "tput"/);
    const blank = write('blank.csv', `${table}\nICMP,A,8,East,9,0,\n`);
    const cell = await inputIssue(() => loadTrace(blank, '5gophers', { select: { run_num: 9 } }));
    expect(cell).toMatchObject({ file: blank, line: 7, expected: 'throughput_mbps as a number from 0 to 1000000 (Mbps)' });
  });
});

describe.skipIf(!HAS_SHARED)(sharedTitle('5Gophers recorded traces'), () => {
  const root = join(SHARED, 'traces/mirror/jhzuo/Offloading-FL/7133b70d7dd75e9234e26d9df3b4896f52a0ea4b/trace_data/5Gophers-v1.0');
  const rowsOf = (f: string) => parse(readFileSync(join(root, f)), { columns: true }) as Record<string, string>[];

  it('throughput table, T-Mobile run 78: every second and every outage kept', async () => {
    const raw = rowsOf('All-Carriers/01-Throughput/data.csv').filter((r) => r.run_num === '78');
    const values = raw.map((r) => Number(r.throughput_mbps));
    const t = await loadTrace(join(root, 'All-Carriers/01-Throughput/data.csv'), '5gophers', { select: { run_num: 78 } });
    expect(Array.from(t.downlinkMbps)).toEqual(values);
    expect(values.filter((v) => v === 0).length).toBe(11);
    // One row per second with no gaps: every sample holds 1 s.
    expect(traceStats(t).downlink.timeWeightedMeanMbps).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
  });

  it('driving table: one carrier column with missing seconds', async () => {
    const raw = rowsOf('All-Carriers/03-User-Mobility/car-driving-trace-1.csv');
    const t = await loadTrace(join(root, 'All-Carriers/03-User-Mobility/car-driving-trace-1.csv'), '5gophers', { throughputColumn: 'Sprint_throughput_mbps' });
    expect(Array.from(t.downlinkMbps)).toEqual(raw.map((r) => Number(r.Sprint_throughput_mbps)));
    expect(Array.from(t.tMs)).toEqual(raw.map((r) => (Number(r.seq_num) - Number(raw[0]!.seq_num)) * 1000));
  });
});
