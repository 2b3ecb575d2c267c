import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCsvTrace, parseCsvTrace } from '../../harness/traces/formats/csv.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const scratch = mkdtempSync(join(tmpdir(), 'orchbench-traces-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const bin = join(REPO_ROOT, 'bin', 'orchbench.js');
const LOG = join(REPO_ROOT, 'scenarios/examples/traces/phone-throughput-log.csv');
const MAPPING = ['--format', 'csv-columns', '--time-column', 'Timestamp:datetime', '--downlink-column', 'DL_bitrate:kbps', '--uplink-fraction', '0.3'];
const orchbench = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

describe('orchbench traces', () => {
  it('inspect: every header stands apart and ends where its column of values ends', () => {
    const r = orchbench(['traces', 'inspect', LOG, ...MAPPING]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('Mbps'))!;
    const row = lines.find((l) => l.startsWith('downlink'))!;
    expect(header).toMatch(/\smean\(time\)\s+mean\(smpl\)\s+median\s+p5\s+p95\s+outage$/);
    // Right-aligned columns: each header's last character sits above its value's last character.
    const ends = (line: string): number[] => [...line.matchAll(/\S+/g)].slice(1).map((m) => m.index! + m[0].length);
    expect(ends(row)).toEqual(ends(header));
  });

  it('convert: values without float noise, into a folder it creates', () => {
    const out = join(scratch, 'new', 'phone.csv');
    const r = orchbench(['traces', 'convert', LOG, ...MAPPING, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    // 21.71625 Mbps x 0.3 is 6.514874999999999 in floating point.
    expect(text).toContain('\n1000,6.514875,21.71625\n');
    for (const v of text.split(/[\n,]/).filter((x) => /^\d/.test(x))) expect(v.replace(/^0\.|\./, '').replace(/^0+/, '').length).toBeLessThanOrEqual(12);
  });

  it('formatCsvTrace with significant digits changes a value by less than 1e-12 of it', () => {
    const t = parseCsvTrace(Buffer.from('t_ms,uplink_mbps,downlink_mbps\n0,6.514874999999999,0.30000000000000004\n'), 'x.csv');
    const again = parseCsvTrace(Buffer.from(formatCsvTrace(t, 12)), 'x.csv');
    expect(Array.from(again.uplinkMbps)).toEqual([6.514875]);
    expect(Array.from(again.downlinkMbps)).toEqual([0.3]);
    expect(Math.abs(again.uplinkMbps[0]! - t.uplinkMbps[0]!) / t.uplinkMbps[0]!).toBeLessThan(1e-12);
  });
});
