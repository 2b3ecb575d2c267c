import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, type InputIssue } from '../../harness/errors.ts';
import { profileIssues } from '../../harness/profiles/load.ts';
import { profileFromSamples, type SampleConvertOptions } from '../../harness/profiles/samples.ts';
import { schemaIssues } from '../../harness/schema.ts';
import { sha256Hex } from '../../harness/traces/formats/common.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'orchbench-profiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BIN = join(REPO_ROOT, 'bin', 'orchbench.js');

const OPTS: SampleConvertOptions = { id: 'my-phone', kind: 'device', measuredOn: '2026-11-27, a test phone', method: 'timed calls', conversion: 'test' };
// Latencies 1..20 ms for "a" (median 10.5, p95 19.05 by R type 7), 100 ms for "b"; power 2 W, then 4 W.
const rows = ['model,latency_ms,power_w', ...Array.from({ length: 20 }, (_, i) => `a,${i + 1},${i < 10 ? 2 : 4}`), 'b,100,3'];
const CSV = Buffer.from(`${rows.join('\n')}\n`);

function issueOf(fn: () => unknown): InputIssue {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).issues[0]!;
  }
  throw new Error('expected an InputError');
}

describe('a profile from latency samples', () => {
  it('per model: the samples, median and p95; power and energy when measured; provenance with the CSV hash', () => {
    const p = profileFromSamples(CSV, '/data/samples.csv', { ...OPTS, powerColumn: 'power_w', idlePowerW: 1 });
    expect(p.models.a!.latencySamplesMs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(p.models.a!.medianMs).toBeCloseTo(10.5, 12);
    expect(p.models.a!.p95Ms).toBeCloseTo(19.05, 12);
    // Board energy: mean of W x ms = (2 x (1..10) + 4 x (11..20)) / 20 = (110 + 620) / 20.
    expect(p.models.a!.boardEnergyMjPerInference).toBeCloseTo(36.5, 9);
    // Net of 1 W idle: (1 x 55 + 3 x 155) / 20.
    expect(p.models.a!.energyMjPerInference).toBeCloseTo(26, 9);
    expect(p.models.b).toMatchObject({ latencySamplesMs: [100], medianMs: 100, p95Ms: 100, boardEnergyMjPerInference: 300 });
    expect(p.power).toEqual({ busyPowerW: Number(((10 * 2 + 10 * 4 + 3) / 21).toFixed(4)), idlePowerW: 1, busyAboveIdlePowerW: Number(((63 / 21) - 1).toFixed(4)) });
    expect(p.provenance.source).toContain(sha256Hex(CSV));
    expect(p.provenance.source).toContain('samples.csv');
    expect(schemaIssues('profile', p, 'x')).toEqual([]);
    expect(profileIssues('x', p, 'my-phone')).toEqual([]);
  });

  it('other column names and latency units', () => {
    const csv = Buffer.from('net,t_s\nm1,0.010\nm1,0.030\n');
    const p = profileFromSamples(csv, 's.csv', { ...OPTS, modelColumn: 'net', latencyColumn: 't_s', latencyUnit: 's' });
    expect(p.models.m1!.latencySamplesMs).toEqual([10, 30]);
    expect(p.models.m1!.medianMs).toBeCloseTo(20, 12);
    expect(p.power).toBeUndefined();
  });

  it('bad input is located: unknown column, bad cell, bad model id, bad profile id', () => {
    expect(issueOf(() => profileFromSamples(CSV, 'x.csv', { ...OPTS, latencyColumn: 'ms' }))).toMatchObject({ file: 'x.csv', line: 1, expected: 'a column named "ms" (latency per call, ms)' });
    expect(issueOf(() => profileFromSamples(Buffer.from('model,latency_ms\na,0\n'), 'x.csv', OPTS))).toMatchObject({ line: 2, expected: 'latency_ms as a number > 0 (ms)' });
    expect(issueOf(() => profileFromSamples(Buffer.from('model,latency_ms\nResNet 50,3\n'), 'x.csv', OPTS))).toMatchObject({ line: 2, found: '"ResNet 50"' });
    expect(issueOf(() => profileFromSamples(CSV, 'x.csv', { ...OPTS, id: 'My Phone' }))).toMatchObject({ pointer: '/id' });
  });

  it('orchbench profiles convert writes a profile a scenario can name; bad input writes nothing', () => {
    const csv = join(dir, 'samples.csv');
    writeFileSync(csv, CSV);
    const out = join(dir, 'my-phone.json');
    const text = execFileSync('node', [BIN, 'profiles', 'convert', csv, '--id', 'my-phone', '--kind', 'device', '--out', out, '--measured-on', "Bob's phone, 2026-11-27", '--method', 'tflite, batch 1', '--power-column', 'power_w'], { encoding: 'utf8' });
    expect(text).toMatch(/^wrote .*my-phone\.json: a \(20 samples, median 10\.50 ms\), b \(1 samples, median 100\.00 ms\)/);
    const p = JSON.parse(readFileSync(out, 'utf8')) as { provenance: { conversion: string; measuredOn: string } };
    expect(p.provenance.measuredOn).toBe("Bob's phone, 2026-11-27");
    expect(p.provenance.conversion).toContain(`--measured-on 'Bob'\\''s phone, 2026-11-27'`);
    const never = join(dir, 'never.json');
    const r = spawnSync('node', [BIN, 'profiles', 'convert', csv, '--id', 'x', '--kind', 'device', '--out', never, '--measured-on', 'm', '--method', 'm', '--latency-column', 'nope'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`${csv}:1: expected a column named "nope" (latency per call, ms); found columns "model", "latency_ms", "power_w"`);
    expect(existsSync(never)).toBe(false);
  });
});
