import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCsvTrace, parseCsvTrace } from '../../harness/traces/formats/csv.ts';
import { loadTrace, loadTraceSync } from '../../harness/traces/load.ts';
import { traceStats } from '../../harness/traces/stats.ts';
import { fixtureDir, inputIssue } from './helpers.ts';

const { write } = fixtureDir();

describe('csv importer', () => {
  it('reads samples, shifts time to 0 and ends one median step after the last sample', async () => {
    const file = write('good.csv', '# a comment line\nt_ms,uplink_mbps,downlink_mbps,rtt_ms\n100,1,10,40\n1100,2,20,50\n3100,0,0,60\n4100,4,40,70\n');
    const t = await loadTrace(file, 'csv');
    expect(Array.from(t.tMs)).toEqual([0, 1000, 3000, 4000]);
    expect(Array.from(t.downlinkMbps)).toEqual([10, 20, 0, 40]);
    expect(Array.from(t.rttMs ?? [])).toEqual([40, 50, 60, 70]);
    // Steps 1000, 2000, 1000: median 1000.
    expect(t.durationMs).toBe(5000);
    expect(t.derivedUplink).toBe(false);
    expect(t.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Time-weighted mean computed by hand: (10x1 + 20x2 + 0x1 + 40x1) / 5 s.
    expect(traceStats(t).downlink.timeWeightedMeanMbps).toBeCloseTo((10 + 40 + 0 + 40) / 5, 12);
    expect(traceStats(t).meanRttMs).toBeCloseTo((40 + 100 + 60 + 70) / 5, 12);
  });

  it('accepts the rtt_ms column absent or empty in every row (no RTT recorded)', () => {
    const absent = loadTraceSync(write('nortt.csv', 't_ms,uplink_mbps,downlink_mbps\n0,1,2\n'), 'csv');
    const empty = loadTraceSync(write('emptyrtt.csv', 't_ms,uplink_mbps,downlink_mbps,rtt_ms\n0,1,2,\n500,1,2,\n'), 'csv');
    expect(absent.rttMs).toBeNull();
    expect(absent.durationMs).toBe(1000);
    expect(empty.rttMs).toBeNull();
  });

  it('hashes the file bytes: same bytes same sha256, one changed byte a different one', () => {
    const a = loadTraceSync(write('h1.csv', 't_ms,uplink_mbps,downlink_mbps\n0,1,2\n'), 'csv');
    const b = loadTraceSync(write('h2.csv', 't_ms,uplink_mbps,downlink_mbps\n0,1,2\n'), 'csv');
    const c = loadTraceSync(write('h3.csv', 't_ms,uplink_mbps,downlink_mbps\n0,1,3\n'), 'csv');
    expect(a.sha256).toBe(b.sha256);
    expect(a.sha256).not.toBe(c.sha256);
  });

  it('round-trips any trace through formatCsvTrace and parseCsvTrace (property)', () => {
    const sample = fc.record({
      stepMs: fc.integer({ min: 1, max: 100_000 }),
      up: fc.double({ min: 0, max: 1e4, noNaN: true }),
      down: fc.double({ min: 0, max: 1e4, noNaN: true }),
      rtt: fc.double({ min: 0, max: 1e3, noNaN: true }),
    });
    fc.assert(fc.property(fc.array(sample, { minLength: 1, maxLength: 50 }), fc.boolean(), (rows, withRtt) => {
      let t = 0;
      const lines = rows.map((r, i) => {
        if (i > 0) t += r.stepMs;
        return `${t},${r.up},${r.down}${withRtt ? `,${r.rtt}` : ''}`;
      });
      const text = `t_ms,uplink_mbps,downlink_mbps${withRtt ? ',rtt_ms' : ''}\n${lines.join('\n')}\n`;
      const first = parseCsvTrace(Buffer.from(text), 'p.csv');
      const again = parseCsvTrace(Buffer.from(formatCsvTrace(first)), 'p.csv');
      expect(Array.from(again.tMs)).toEqual(Array.from(first.tMs));
      expect(Array.from(again.uplinkMbps)).toEqual(rows.map((r) => r.up));
      expect(Array.from(again.downlinkMbps)).toEqual(rows.map((r) => r.down));
      expect(again.rttMs ? Array.from(again.rttMs) : null).toEqual(withRtt ? rows.map((r) => r.rtt) : null);
      expect(again.durationMs).toBe(first.durationMs);
    }), { numRuns: 200, seed: 42 });
  });
});

describe('csv importer: bad input names file, line and what was expected', () => {
  const header = 't_ms,uplink_mbps,downlink_mbps,rtt_ms\n';

  it('malformed CSV (unclosed quote)', async () => {
    const file = write('malformed.csv', `${header}0,1,2,3\n1000,"1,2,3\n`);
    const i = await inputIssue(() => loadTrace(file, 'csv'));
    expect(i.file).toBe(file);
    expect(i.line).toBe(3);
    expect(i.expected).toMatch(/well-formed CSV/);
    expect(i.found).toMatch(/Quote Not Closed/);
  });

  it('malformed CSV (a row with a different field count)', async () => {
    const file = write('fields.csv', `${header}0,1,2,3\n1000,1,2,3,4\n`);
    const i = await inputIssue(() => loadTrace(file, 'csv'));
    expect(i.line).toBe(3);
    expect(i.found).toMatch(/Invalid Record Length/);
  });

  it('missing column', async () => {
    const file = write('missing.csv', 't_ms,downlink_mbps\n0,2\n');
    const i = await inputIssue(() => loadTrace(file, 'csv'));
    expect(i).toMatchObject({ file, line: 1 });
    expect(i.expected).toMatch(/column "uplink_mbps" \(Mbps\)/);
    expect(i.found).toContain('t_ms,downlink_mbps');
  });

  it('unit-less column names the header that was expected', async () => {
    const file = write('unitless.csv', 't_ms,uplink,downlink_mbps\n0,1,2\n');
    const i = await inputIssue(() => loadTrace(file, 'csv'));
    expect(i).toMatchObject({ file, line: 1, found: 'column "uplink"' });
    expect(i.expected).toMatch(/column "uplink_mbps" \(the unit is part of the name: Mbps\)/);
  });

  it('a column in the wrong unit is reported like a unit-less one', async () => {
    const i = await inputIssue(() => loadTrace(write('kbps.csv', 't_ms,uplink_kbps,downlink_mbps\n0,1,2\n'), 'csv'));
    expect(i.expected).toMatch(/"uplink_mbps"/);
  });

  it('negative bandwidth', async () => {
    const file = write('negative.csv', `${header}0,1,2,\n1000,-3,2,\n`);
    const i = await inputIssue(() => loadTrace(file, 'csv'));
    expect(i).toMatchObject({ file, line: 3, found: '"-3"' });
    expect(i.expected).toBe('uplink_mbps as a number from 0 to 1000000 (Mbps)');
  });

  it('non-numeric bandwidth', async () => {
    const file = write('nan.csv', `${header}0,1,2,\n1000,1,fast,\n`);
    const i = await inputIssue(() => loadTrace(file, 'csv'));
    expect(i).toMatchObject({ file, line: 3, found: '"fast"' });
    expect(i.expected).toBe('downlink_mbps as a number from 0 to 1000000 (Mbps)');
    for (const bad of ['0x10', 'Infinity', '1e999', '']) {
      expect((await inputIssue(() => loadTrace(write('nan2.csv', `${header}0,${bad},2,\n`), 'csv'))).line, bad).toBe(2);
    }
  });

  it('time going backwards', async () => {
    const file = write('backwards.csv', `${header}0,1,2,\n2000,1,2,\n1000,1,2,\n`);
    const i = await inputIssue(() => loadTrace(file, 'csv'));
    expect(i).toMatchObject({ file, line: 4, found: '1000 ms' });
    expect(i.expected).toMatch(/strictly increasing \(> 2000 ms/);
  });

  it('time not increasing (a repeated timestamp)', async () => {
    const i = await inputIssue(() => loadTrace(write('repeat.csv', `${header}0,1,2,\n0,1,2,\n`), 'csv'));
    expect(i.line).toBe(3);
  });

  it('empty trace (header only)', async () => {
    const file = write('empty.csv', header);
    const i = await inputIssue(() => loadTrace(file, 'csv'));
    expect(i).toMatchObject({ file, line: 2 });
    expect(i.found).toMatch(/empty trace/);
  });

  it('empty file', async () => {
    const file = write('nothing.csv', '');
    const i = await inputIssue(() => loadTrace(file, 'csv'));
    expect(i).toMatchObject({ file, line: 1 });
    expect(i.expected).toMatch(/header row t_ms,uplink_mbps/);
  });

  it('rtt_ms given in some rows only', async () => {
    const i = await inputIssue(() => loadTrace(write('partrtt.csv', `${header}0,1,2,30\n1000,1,2,\n`), 'csv'));
    expect(i.line).toBe(3);
    expect(i.expected).toMatch(/rtt_ms .* every row/);
  });

  it('a missing file', async () => {
    const i = await inputIssue(() => loadTrace('/nonexistent/trace.csv', 'csv'));
    expect(i).toMatchObject({ file: '/nonexistent/trace.csv', found: 'ENOENT (no such file or directory)' });
  });

  it('an option that does not apply to the format', async () => {
    const file = write('opt.csv', 't_ms,uplink_mbps,downlink_mbps\n0,1,2\n');
    const i = await inputIssue(() => loadTrace(file, 'csv', { windowMs: 500 }));
    expect(i.expected).toBe('option windowMs only with format mahimahi or csv-columns');
  });
});
