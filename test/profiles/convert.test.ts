import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { buildProfiles, num, readCsv, toJsonText } from '../../harness/profiles/convert.ts';
import { loadProfile, PROFILES_DIR } from '../../harness/profiles/load.ts';
import { HAS_SHARED, NO_SHARED_REASON, SHARED } from '../helpers/paths.ts';

const MEASURED = path.join(SHARED, 'traces', 'measured-h200-xeon');
const MLPERF = path.join(SHARED, 'traces', 'mlperf-derived');

/** Rows of a plain CSV (no quoted fields in these files) as objects, parsed without the harness. */
function plainCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const cols = header!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

describe('toJsonText', () => {
  it('keeps number arrays on one line and round-trips', () => {
    const v = { a: [1, 2.5, -3e-7], b: { c: ['x', 'y'] } };
    const text = toJsonText(v);
    expect(text).toContain('"a": [1, 2.5, -3e-7]');
    expect(JSON.parse(text)).toEqual(v);
  });
});

describe('CSV cells', () => {
  it('a non-numeric cell is an InputError with file and line', () => {
    const row = { file: 'x.csv', line: 7, cells: { median_ms: 'abc' } };
    expect(() => num(row, 'median_ms', 'ms')).toThrow(InputError);
    expect(() => num(row, 'median_ms', 'ms')).toThrow(/x\.csv:7/);
  });
});

describe.skipIf(!HAS_SHARED)(`conversion from ../shared measurements${HAS_SHARED ? '' : ` (skipped: ${NO_SHARED_REASON})`}`, () => {
  it('xeon-1core medians and p95s equal latency_summary.csv (1 thread, batch 1)', () => {
    const p = loadProfile('xeon-1core');
    const rows = plainCsv(path.join(MEASURED, 'latency_summary.csv')).filter((r) => r.tier === 'cpu' && r.device === '1t' && r.batch === '1');
    expect(rows).toHaveLength(10);
    for (const r of rows) {
      expect(p.models[r.model!]!.medianMs).toBe(Number(r.median_ms));
      expect(p.models[r.model!]!.p95Ms).toBe(Number(r.p95_ms));
    }
  });

  it('xeon-1core samples are the 1t rows of latency_samples.csv, in order', () => {
    const p = loadProfile('xeon-1core');
    const rows = plainCsv(path.join(MEASURED, 'latency_samples.csv')).filter((r) => r.config === '1t' && r.model === 'resnet50');
    expect(p.models.resnet50!.latencySamplesMs).toEqual(rows.map((r) => Number(r.latency_ms)));
  });

  it('edge slowdown at 16 users is the mean of median(16)/median(1) over the models', () => {
    const rows = plainCsv(path.join(MEASURED, 'edge_contention.csv'));
    const models = [...new Set(rows.map((r) => r.model!))];
    const at = (m: string, n: string) => Number(rows.find((r) => r.model === m && r.concurrent_users === n)!.median_ms);
    const expected = models.reduce((s, m) => s + at(m, '16') / at(m, '1'), 0) / models.length;
    const c = loadProfile('xeon-4core-edge').contention!;
    expect(c.slowdown[c.concurrent.indexOf(16)]).toBeCloseTo(expected, 3);
  });

  it('the Orin factor lies within the per-model Orin/Xeon ratios it averages', () => {
    const rows = plainCsv(path.join(MLPERF, 'singlestream_latency_accuracy_power.csv'));
    const p50 = (system: string, model: string) => Number(rows.find((r) => r.system!.startsWith(system) && r.model === model)!.p50_latency_ms);
    const ratio = p50('nvidia_orin-tflite_cpp', 'mobilenet-v2-precision_float-1.0-224') / p50('aws_c5.4xlarge', 'mobilenet-v2-precision_float-1.0-224');
    const factor = loadProfile('orin-cpu-device').models.mobilenet_v2!.medianMs / loadProfile('xeon-1core').models.mobilenet_v2!.medianMs;
    expect(factor).toBeGreaterThan(2);
    expect(factor).toBeLessThan(3);
    expect(Math.abs(factor - ratio) / ratio).toBeLessThan(0.15);
  });

  it('rpi4-device medians are xeon-1core medians x (RPi4 ArmNN resnet50 p90 / xeon-1core resnet50 median)', () => {
    // The power CSV has quoted fields with commas, so it is parsed with csv-parse, not plainCsv.
    const rows = parse(readFileSync(path.join(MLPERF, 'edge_closed_power_singlestream_latency_energy.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const row = rows.find((r) => r.Platform === 'rpi4-armnn-v22.05-neon' && r.Model === 'resnet50' && r.Scenario === 'SingleStream')!;
    const xeonSummary = plainCsv(path.join(MEASURED, 'latency_summary.csv')).filter((r) => r.tier === 'cpu' && r.device === '1t' && r.batch === '1');
    const factor = Number(row.latency_ms) / Number(xeonSummary.find((r) => r.model === 'resnet50')!.median_ms);
    const rpi = loadProfile('rpi4-device');
    expect(xeonSummary).toHaveLength(Object.keys(rpi.models).length);
    for (const r of xeonSummary) expect(rpi.models[r.model!]!.medianMs, r.model).toBeCloseTo(Number(r.median_ms) * factor, 3);
    expect(rpi.power!.busyPowerW).toBe(Number(row.avg_power_w));
    expect(rpi.provenance.citation).toContain(row.url!);
    // MLPerf's energy per query is its average power x p90 latency: latency and power are from one run.
    expect(rpi.power!.busyPowerW! * rpi.models.resnet50!.medianMs).toBeCloseTo(Number(row.energy_mj_per_query), 0);
  });

  it('the shipped files are exactly what the converter writes today', () => {
    for (const p of buildProfiles(MEASURED, MLPERF)) {
      const shipped = readFileSync(path.join(PROFILES_DIR, `${p.id}.json`), 'utf8');
      expect(shipped).toBe(toJsonText({ $schema: '../schema/profile.schema.json', ...p }));
    }
  });

  it('a missing measurement folder is an InputError naming the file', () => {
    expect(() => readCsv(path.join(MEASURED, 'nope.csv'))).toThrow(InputError);
  });
});
