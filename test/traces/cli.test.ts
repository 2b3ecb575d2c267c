import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../harness/traces/catalog.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { fixtureDir } from './helpers.ts';

const { dir, write } = fixtureDir();
const BIN = join(REPO_ROOT, 'bin', 'orchbench.js');
const env = { ...process.env, NO_COLOR: '1' };

describe('orchbench traces (CLI)', () => {
  it('inspect --json prints the statistics of a good file', () => {
    const file = write('good.csv', 't_ms,uplink_mbps,downlink_mbps,rtt_ms\n0,1,4,30\n1000,3,8,50\n');
    const out = JSON.parse(execFileSync('node', [BIN, 'traces', 'inspect', file, '--format', 'csv', '--json'], { encoding: 'utf8', env })) as Record<string, unknown> & { downlink: Record<string, number>; uplink: Record<string, number> };
    expect(out).toMatchObject({ file, format: 'csv', samples: 2, durationS: 2, derivedUplink: false, meanRttMs: 40 });
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(out.downlink).toMatchObject({ timeWeightedMeanMbps: 6, medianMbps: 6, p5Mbps: 4.2, p95Mbps: 7.8 });
    expect(out.uplink.timeWeightedMeanMbps).toBe(2);
  });

  it('a bad file exits 1 with file:line and no stack trace', () => {
    const file = write('bad.csv', 't_ms,uplink_mbps,downlink_mbps\n0,1,4\n1000,-1,4\n');
    const r = spawnSync('node', [BIN, 'traces', 'inspect', file, '--format', 'csv'], { encoding: 'utf8', env });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`${file}:3: expected uplink_mbps as a number from 0 to 1000000 (Mbps); found "-1"`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('list --json prints the catalog; convert writes the project CSV format', () => {
    const listed = JSON.parse(execFileSync('node', [BIN, 'traces', 'list', '--json'], { encoding: 'utf8', env })) as { id: string }[];
    expect(listed.map((e) => e.id)).toEqual(loadCatalog().map((e) => e.id));
    const src = write('p.txt', '0 2\n5 4\n');
    const out = join(dir, 'p.csv');
    execFileSync('node', [BIN, 'traces', 'convert', src, '--format', 'pensieve', '--uplink-fraction', '0.5', '--out', out], { env });
    expect(readFileSync(out, 'utf8')).toBe('t_ms,uplink_mbps,downlink_mbps\n0,1,2\n5000,2,4\n');
  });
});
