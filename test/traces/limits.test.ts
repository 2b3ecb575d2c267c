/** Tiny inputs must not buy huge resources: every importer's work is bounded, with located errors. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { register } from '../../harness/cli/traces.ts';
import { InputError } from '../../harness/errors.ts';
import { MAX_TRACE_FILE_BYTES, MAX_TRACE_MS } from '../../harness/traces/formats/common.ts';
import { MAHIMAHI_PACKET_BYTES, parseMahimahiTrace } from '../../harness/traces/formats/mahimahi.ts';
import { loadTrace } from '../../harness/traces/load.ts';
import { runCli } from '../report/cli.ts';
import { fixtureDir, inputIssue } from './helpers.ts';

const { dir, write } = fixtureDir();
const bytes = (text: string) => new TextEncoder().encode(text);

/** The bandwidth series counted the obvious way: every delivery of every loop, one by one. */
function naiveMbps(stamps: number[], totalMs: number, windowMs: number): number[] {
  const period = stamps[stamps.length - 1]!;
  const positions = stamps.map((t) => (t === period ? 0 : t));
  const packets = new Array<number>(Math.ceil(totalMs / windowMs)).fill(0);
  for (let loop = 0; loop < totalMs; loop += period) {
    for (const p of positions) if (loop + p < totalMs) packets[Math.floor((loop + p) / windowMs)]! += 1;
  }
  return packets.map((n, k) => (n * MAHIMAHI_PACKET_BYTES * 8) / ((Math.min(windowMs, totalMs - k * windowMs)) * 1000));
}

describe('mahimahi: work bounded whatever the timestamps claim', () => {
  it('the 22-byte file `0\\n2000000000` with a 1 ms window is refused at once, naming the smallest window that fits', async () => {
    const file = write('tiny.down', '0\n2000000000\n');
    const i = await inputIssue(() => loadTrace(file, 'mahimahi', { windowMs: 1 }));
    expect(i).toEqual({ file, expected: 'at most 10000000 windows: option windowMs >= 200 ms for this 2000000000 ms trace', found: 'windowMs 1 ms (2000000000 windows)' });
    // A window it allows loads: 1 packet in 2e9 ms.
    const t = await loadTrace(file, 'mahimahi', { windowMs: 100_000 });
    expect(t.tMs.length).toBe(20_000);
  });

  it('a timestamp beyond 365 days (e.g. 1e15 ms) is an error at its line', async () => {
    const file = write('huge.down', '0\n5\n1000000000000000\n');
    expect(await inputIssue(() => loadTrace(file, 'mahimahi'))).toEqual({ file, line: 3, expected: `a timestamp <= ${MAX_TRACE_MS} ms (365 days)`, found: '"1000000000000000"' });
  });

  it('a short uplink looping under a long downlink costs windows, not loops, and counts exactly as the loops do', () => {
    const schedule = fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 12 }).map((a) => a.sort((x, y) => x - y)).filter((a) => a[a.length - 1]! > 0);
    fc.assert(fc.property(schedule, schedule, fc.integer({ min: 1, max: 25 }), (down, up, windowMs) => {
      const t = parseMahimahiTrace({ bytes: bytes(down.join('\n')), file: 'd' }, { bytes: bytes(up.join('\n')), file: 'u' }, { windowMs });
      const total = Math.max(down[down.length - 1]!, up[up.length - 1]!);
      expect([...t.downlinkMbps]).toEqual(naiveMbps(down, total, windowMs));
      expect([...t.uplinkMbps]).toEqual(naiveMbps(up, total, windowMs));
    }));
    // 1 ms uplink period under a 300-day downlink: 2.6e10 loops the old way, 2.6e7 / 1e6 windows now.
    const long = parseMahimahiTrace({ bytes: bytes('0\n25920000000\n'), file: 'd' }, { bytes: bytes('1\n'), file: 'u' }, { windowMs: 3_600_000 });
    expect(long.uplinkMbps[0]).toBeCloseTo(12, 9);
  });
});

describe('importers: bounded values, located errors', () => {
  it('a bandwidth of 1e308 Mbps is refused at its line', async () => {
    const file = write('fast.csv', 't_ms,uplink_mbps,downlink_mbps\n0,1,1e308\n');
    expect(await inputIssue(() => loadTrace(file, 'csv'))).toEqual({ file, line: 2, expected: 'downlink_mbps as a number from 0 to 1000000 (Mbps)', found: '"1e308"' });
  });

  it('a trace spanning more than 365 days is refused at the line that goes past it', async () => {
    const file = write('long.txt', '0 1\n10 1\n1e15 1\n');
    expect(await inputIssue(() => loadTrace(file, 'pensieve'))).toMatchObject({ file, line: 3, expected: `a trace spanning at most ${MAX_TRACE_MS} ms (365 days) from its first sample` });
  });

  it('a negative 5Gophers seq_num is refused', async () => {
    const file = write('neg.csv', 'seq_num,throughput_mbps\n-1,5\n0,6\n');
    expect(await inputIssue(() => loadTrace(file, '5gophers'))).toEqual({ file, line: 2, expected: 'seq_num as a number >= 0 (s)', found: '"-1"' });
  });
});

describe('trace files: special files refused, size bounded', () => {
  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    expect(await inputIssue(() => loadTrace(fifo, 'csv'))).toEqual({ file: fifo, expected: 'a trace file (a regular file)', found: 'a FIFO (named pipe)' });
  });

  it('refuses /dev/zero, also through a symbolic link, instead of reading forever', async () => {
    const link = join(dir, 'zero.csv');
    symlinkSync('/dev/zero', link);
    for (const f of ['/dev/zero', link]) expect(await inputIssue(() => loadTrace(f, 'csv'))).toEqual({ file: f, expected: 'a trace file (a regular file)', found: 'a character device' });
    expect((await inputIssue(() => loadTrace(dir, 'csv'))).found).toBe('a directory');
  });

  it('refuses a 600 MB trace from its size, without reading it', async () => {
    const big = join(dir, 'big.csv');
    writeFileSync(big, 't_ms,uplink_mbps,downlink_mbps\n');
    truncateSync(big, 600_000_000); // sparse: no disk space, no read
    expect(await inputIssue(() => loadTrace(big, 'csv'))).toEqual({ file: big, expected: `a trace file of at most ${(MAX_TRACE_FILE_BYTES / 2 ** 20).toFixed(1)} MiB`, found: '572.2 MiB (600000000 bytes)' });
  });
});

describe('traces convert: never overwrites its input, writes whole or not at all', () => {
  const convert = (src: string, out: string) => runCli(register, ['traces', 'convert', src, '--format', 'pensieve', '--out', out]);
  const refusal = async (src: string, out: string): Promise<string> => {
    const e = await convert(src, out).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  };

  it('refuses --out equal to the input (also through a link) and leaves it untouched', async () => {
    const src = write('in.txt', '0 2\n5 4\n');
    expect(await refusal(src, src)).toBe(`${src}: expected the CSV trace to write: a file other than the input; found the input ${src} itself`);
    const alias = join(dir, 'alias.txt');
    symlinkSync(src, alias);
    expect(await refusal(src, alias)).toMatch(/a file other than the input/);
    expect(readFileSync(src, 'utf8')).toBe('0 2\n5 4\n');
  });

  it('refuses an output that cannot be a file, with the reason, and leaves no temporary file', async () => {
    const src = write('in2.txt', '0 2\n');
    expect(await refusal(src, '/etc/passwd/x')).toBe('/etc/passwd: expected the folder of the CSV trace to write: an existing folder, or a path where one can be created; found a regular file');
    expect(await refusal(src, '/dev/null')).toMatch(/^\/dev\/null: .*; found a character device$/);
    expect(await refusal(src, dir)).toMatch(/; found a directory$/);
    expect(await refusal(src, '')).toMatch(/^\(empty path\): .*; found an empty path$/);
    const out = join(dir, 'out.csv');
    await convert(src, out);
    expect(readFileSync(out, 'utf8')).toBe('t_ms,uplink_mbps,downlink_mbps\n0,2,2\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('creates a missing output folder, as run --out and merge --out do', async () => {
    const src = write('in3.txt', '0 2\n');
    const out = join(dir, 'new', 'deeper', 'out.csv');
    await convert(src, out);
    expect(readFileSync(out, 'utf8')).toBe('t_ms,uplink_mbps,downlink_mbps\n0,2,2\n');
  });
});
