/**
 * Converts the measurements in `measured-h200-xeon/` (and calibration figures from
 * `mlperf-derived/`) into the project's device profiles, `scenarios/profiles/<id>.json`.
 *
 * Run: `node --import tsx harness/profiles/convert.ts --from ../shared/traces/measured-h200-xeon
 * --out scenarios/profiles` (`--mlperf <dir>` defaults to the sibling `mlperf-derived/`).
 * See `scenarios/profiles/README.md` for what each profile is and how it is derived.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { InputError, runAsScript, show } from '../errors.ts';
import type { ContentionCurve, DevicePower, DeviceProfile, ModelLatency, ModelLoadTable } from './types.ts';

/** The command that regenerates the shipped profiles (recorded in each file). */
export const CONVERT_COMMAND =
  'node --import tsx harness/profiles/convert.ts --from ../shared/traces/measured-h200-xeon --out scenarios/profiles';

const MEASURED_ON =
  '2026-11-26; one NVIDIA H200 (driver 580.159.04, 700 W limit) and 16 Xeon cores (Sapphire Rapids class, AVX-512, KVM); PyTorch 2.11.0, torchvision 0.26.0';
const MEASURED_METHOD =
  'torchvision classifiers at 224x224, random weights, warm-up then timed single calls for ~1.2-1.5 s (CUDA synchronised on GPU)';
const MLPERF_CITATION =
  'MLCommons, MLPerf Inference results (Apache-2.0), https://github.com/mlcommons/inference_results; rows indexed in mlperf-derived/singlestream_latency_accuracy_power.csv';

/** One CSV row with the file and 1-based line it came from, for located errors. */
export interface CsvRow {
  file: string;
  line: number;
  cells: Record<string, string>;
}

/** Reads a CSV file with a header row. */
export function readCsv(file: string): CsvRow[] {
  if (!existsSync(file)) throw new InputError({ file, expected: 'an existing CSV file', found: 'no such file' });
  const records = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, info: true }) as {
    record: Record<string, string>;
    info: { lines: number };
  }[];
  return records.map((r) => ({ file, line: r.info.lines, cells: r.record }));
}

/** A finite number from a cell, or an InputError naming the cell. */
export function num(row: CsvRow, column: string, unit: string): number {
  const raw = row.cells[column];
  const v = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(v)) throw new InputError({ file: row.file, line: row.line, expected: `number in column ${column} (${unit})`, found: show(raw) });
  return v;
}

/** Rounds to `digits` decimals (to keep the files readable and byte-stable). */
const round = (v: number, digits: number): number => Number(v.toFixed(digits));

/** JSON with 2-space indentation, but arrays of numbers kept on one line. */
export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_m, body: string) => `[${body.replace(/\s+/g, ' ')}]`)}\n`;
}

interface Measured {
  summary: CsvRow[];
  samples: CsvRow[];
}

/** Filters rows by exact cell values. */
function rowsWhere(rows: CsvRow[], match: Record<string, string>): CsvRow[] {
  return rows.filter((r) => Object.entries(match).every(([k, v]) => r.cells[k] === v));
}

/**
 * Per-model latency of one configuration: samples from `latency_samples.csv`, median/p95 from
 * `latency_summary.csv`, in the summary's model order. Models missing samples are an error.
 */
function modelLatencies(m: Measured, summaryMatch: Record<string, string>, samplesMatch: Record<string, string>): Record<string, ModelLatency> {
  const out: Record<string, ModelLatency> = {};
  for (const row of rowsWhere(m.summary, summaryMatch)) {
    const model = row.cells.model ?? '';
    const samples = rowsWhere(m.samples, { ...samplesMatch, model }).map((s) => num(s, 'latency_ms', 'ms'));
    if (samples.length === 0) {
      throw new InputError({ file: row.file, line: row.line, expected: `batch-1 samples for ${model} (${JSON.stringify(samplesMatch)}) in latency_samples.csv`, found: 'none' });
    }
    out[model] = { latencySamplesMs: samples, medianMs: num(row, 'median_ms', 'ms'), p95Ms: num(row, 'p95_ms', 'ms') };
  }
  return out;
}

/** Median latency (ms) per model and concurrency in contention rows. */
function mediansByModel(rows: CsvRow[], usersColumn: string): Map<string, Map<number, number>> {
  const byModel = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const perN = byModel.get(r.cells.model ?? '') ?? new Map<number, number>();
    perN.set(num(r, usersColumn, 'concurrent requests'), num(r, 'median_ms', 'ms'));
    byModel.set(r.cells.model ?? '', perN);
  }
  return byModel;
}

/**
 * Contention curve. The averaged curve: per model of `shapeRows`, median at N over median at 1,
 * averaged over the models. The per-model curves (every model of `shapeRows` and `extraRows`
 * that the profile has): median at N over the PROFILE's median of that model, so simulated
 * latencies reproduce the measured table at every measured N (the contention runs and the
 * single-call runs measured different 1-user medians, up to 28% apart); past the model's last
 * measured N they follow the averaged curve's shape.
 */
function contentionCurve(
  shapeRows: CsvRow[],
  usersColumn: string,
  basis: string,
  models: Record<string, ModelLatency>,
  extraRows: CsvRow[] = [],
): ContentionCurve {
  const byModel = mediansByModel(shapeRows, usersColumn);
  const concurrent = [...new Set(shapeRows.map((r) => num(r, usersColumn, 'concurrent requests')))].sort((a, b) => a - b);
  const slowdown = concurrent.map((n) => {
    let sum = 0;
    for (const [model, perN] of byModel) {
      const atN = perN.get(n);
      const at1 = perN.get(1);
      if (atN === undefined || at1 === undefined) {
        throw new InputError({ file: shapeRows[0]!.file, expected: `rows at 1 and ${n} concurrent for ${model}`, found: 'missing' });
      }
      sum += atN / at1;
    }
    return round(sum / byModel.size, 4);
  });
  const shapeAt = (n: number): number => {
    let i = 1;
    while (i < concurrent.length - 1 && concurrent[i]! < n) i++;
    const n0 = concurrent[i - 1]!;
    const s0 = slowdown[i - 1]!;
    return concurrent.length === 1 || n <= n0 ? s0 : s0 + ((slowdown[i]! - s0) * (n - n0)) / (concurrent[i]! - n0);
  };
  const perModel: NonNullable<ContentionCurve['perModel']> = {};
  for (const [model, perN] of [...byModel, ...mediansByModel(extraRows, usersColumn)]) {
    const profileMedian = models[model]?.medianMs;
    if (profileMedian === undefined || perModel[model]) continue;
    const ns = [...perN.keys()].sort((a, b) => a - b);
    const last = ns[ns.length - 1]!;
    const lastSlowdown = perN.get(last)! / profileMedian;
    const beyond = concurrent.filter((n) => n > last);
    perModel[model] = {
      concurrent: [...ns, ...beyond],
      slowdown: [...ns.map((n) => round(perN.get(n)! / profileMedian, 4)), ...beyond.map((n) => round((lastSlowdown * shapeAt(n)) / shapeAt(last), 4))],
    };
  }
  return { concurrent, slowdown, basis, perModel };
}

/** Median of `latency(N=4) / latency(N=1)` per model in edge_contention_more.csv, for the basis text. */
function flatnessNote(rows: CsvRow[]): string {
  const parts: string[] = [];
  for (const model of new Set(rows.map((r) => r.cells.model ?? ''))) {
    const at = (n: string): CsvRow | undefined => rowsWhere(rows, { model, concurrent_users: n })[0];
    const r1 = at('1');
    const r4 = at('4');
    if (r1 && r4) parts.push(`${model} ${round(num(r4, 'median_ms', 'ms') / num(r1, 'median_ms', 'ms'), 2)}`);
  }
  return parts.join(', ');
}

/** Sampled figures in one MLPerf row set, keyed by model. */
function mlperfBySystem(rows: CsvRow[], system: string): Map<string, CsvRow> {
  return new Map(rowsWhere(rows, { system }).map((r) => [r.cells.model ?? '', r]));
}

const ORIN_SYSTEM = 'nvidia_orin-tflite_cpp-cpu-tflite-vmaster-default_config';
const XEON_SYSTEM = 'aws_c5.4xlarge-tflite_cpp-cpu-tflite-vmaster-default_config';
/** fp32 models at 224x224 (MobileNet v1/v2/v3 float) and all EfficientNet-Lite fp32 variants. */
const COMPARABLE = /^(mobilenet-v[123]-precision_float-.*-224|efficientnet-fp32-lite\d)$/;
/** Whole-board idle power of the Jetson AGX Orin the MLPerf power rows include (README of mlperf-derived). */
const ORIN_IDLE_POWER_W = 15;

/** The Orin/Xeon latency factor and the Orin busy power, from MLPerf rows run with the same software. */
export function orinCalibration(rows: CsvRow[]): { factor: number; busyPowerW: number; models: string[]; ratioRange: [number, number] } {
  const orin = mlperfBySystem(rows, ORIN_SYSTEM);
  const xeon = mlperfBySystem(rows, XEON_SYSTEM);
  const models = [...orin.keys()].filter((m) => COMPARABLE.test(m) && xeon.has(m)).sort();
  if (models.length === 0) throw new InputError({ file: rows[0]?.file ?? 'mlperf', expected: `comparable fp32 rows for ${ORIN_SYSTEM} and ${XEON_SYSTEM}`, found: 'none' });
  let powerSum = 0;
  const ratios = models.map((m) => {
    const o = orin.get(m)!;
    powerSum += num(o, 'avg_power_w', 'W');
    return num(o, 'p50_latency_ms', 'ms') / num(xeon.get(m)!, 'p50_latency_ms', 'ms');
  });
  const logMean = ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length;
  return { factor: Math.exp(logMean), busyPowerW: powerSum / models.length, models, ratioRange: [Math.min(...ratios), Math.max(...ratios)] };
}

const RPI4_PLATFORM = 'rpi4-armnn-v22.05-neon';
/** AWS a1 (Graviton 1) is Cortex-A72 like the RPi4; its ArmNN rows show how far p90 sits above p50 on that core. */
const A72_ARMNN_SYSTEM = 'aws_a1.2xlarge-tflite_cpp-cpu-armnn_tflite-v22.11-default_config';

/** The RPi4 figures: the ArmNN Neon resnet50 power-run row, the other RPi4 resnet50 rows, and the A72 p90/p50 spread. */
export function rpi4Calibration(
  powerRows: CsvRow[],
  latencyRows: CsvRow[],
  cpuRows: CsvRow[],
): { row: CsvRow; latencyMs: number; busyPowerW: number; energyMjPerQuery: number; otherRows: string[]; a72P90OverP50: [number, number] } {
  const match = { Model: 'resnet50', Scenario: 'SingleStream' };
  const row = rowsWhere(powerRows, { ...match, Platform: RPI4_PLATFORM })[0];
  if (!row) throw new InputError({ file: powerRows[0]?.file ?? 'mlperf', expected: `a ${RPI4_PLATFORM} resnet50 SingleStream power row`, found: 'none' });
  const isRpi4 = (r: CsvRow): boolean => (r.cells.Platform ?? '').startsWith('rpi4-') && r !== row;
  const otherRows = [...rowsWhere(powerRows, match).filter(isRpi4).map((r) => [r, ' (power run)'] as const), ...rowsWhere(latencyRows, match).filter(isRpi4).map((r) => [r, ''] as const)].map(
    ([r, note]) => `${r.cells.version} ${r.cells.framework} ${round(num(r, 'latency_ms', 'ms'), 1)} ms${note}`,
  );
  const ratios = rowsWhere(cpuRows, { system: A72_ARMNN_SYSTEM }).map((r) => num(r, 'p90_latency_ms', 'ms') / num(r, 'p50_latency_ms', 'ms'));
  if (ratios.length === 0) throw new InputError({ file: cpuRows[0]?.file ?? 'mlperf', expected: `rows for ${A72_ARMNN_SYSTEM}`, found: 'none' });
  return {
    row,
    latencyMs: num(row, 'latency_ms', 'ms'),
    busyPowerW: num(row, 'avg_power_w', 'W'),
    energyMjPerQuery: num(row, 'energy_mj_per_query', 'mJ'),
    otherRows,
    a72P90OverP50: [Math.min(...ratios), Math.max(...ratios)],
  };
}

/** The model-load CSV (in `measured-h100-model-load/`) and the file the converter writes from it. */
const MODEL_LOAD_CSV = 'model_load.csv';
export const MODEL_LOAD_FILE = 'model-load.json';

/** Per model: median over the warm-cache repetitions of read + build time (ms) with 1 CPU thread. */
export function modelLoadMs(loadDir: string): Map<string, number> {
  const file = path.join(loadDir, MODEL_LOAD_CSV);
  const byModel = new Map<string, number[]>();
  for (const r of readCsv(file)) {
    if (r.cells.target !== 'cpu-1t' || r.cells.cold_cache !== 'False') continue;
    const model = r.cells.model ?? '';
    byModel.set(model, [...(byModel.get(model) ?? []), num(r, 'read_ms', 'ms') + num(r, 'build_ms', 'ms')]);
  }
  if (byModel.size === 0) throw new InputError({ file, expected: 'rows with target=cpu-1t and cold_cache=False', found: 'none' });
  const out = new Map<string, number>();
  for (const [model, v] of byModel) {
    const s = [...v].sort((a, b) => a - b);
    const mid = s.length >> 1;
    out.set(model, s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2);
  }
  return out;
}

/**
 * The model-load table: the 1-thread load times of `loadDir`, times each device profile's latency
 * factor (xeon-1core 1; calibrated devices the factor of their latencies).
 */
export function buildModelLoad(loadDir: string, factors: Record<string, number>): ModelLoadTable {
  const loads = modelLoadMs(loadDir);
  const loadMs: Record<string, Record<string, number>> = {};
  for (const [id, f] of Object.entries(factors)) loadMs[id] = Object.fromEntries([...loads].map(([m, v]) => [m, round(v * f, 4)]));
  return {
    provenance: {
      source: 'measured-h100-model-load/model_load.csv (team measurements, 2026-11-27)',
      measuredOn: '16-core Xeon host (KVM guest) of an NVIDIA H100 machine, PyTorch 2.11, torchvision 0.26, 2026-11-27',
      method: 'Load time = median over the warm-cache repetitions (cold_cache=False) of read_ms (torch.load of the state_dict) + build_ms (construct the torchvision model + load_state_dict), target cpu-1t (1 intra-op thread, as the latency samples). Each device profile scales it by the same factor as its latencies (factors).',
      conversion: CONVERT_COMMAND,
    },
    factors,
    loadMs,
  };
}

/** A low-power end device calibrated from MLPerf: `base` (xeon-1core) latencies times `factor`. */
function calibratedDevice(d: {
  id: string;
  what: string;
  base: Record<string, ModelLatency>;
  factor: number;
  source: string;
  measuredOn: string;
  method: string;
  citation: string;
  power: DevicePower;
}): DeviceProfile {
  const scale = (v: number): number => round(v * d.factor, 4);
  const models: Record<string, ModelLatency> = {};
  for (const [id, l] of Object.entries(d.base)) {
    models[id] = { latencySamplesMs: l.latencySamplesMs.map(scale), medianMs: scale(l.medianMs), p95Ms: scale(l.p95Ms) };
  }
  return {
    id: d.id,
    description: `A low-power end device: ${d.what}, calibrated from MLPerf figures (xeon-1core latencies x ${round(d.factor, 3)}).`,
    kind: 'device',
    provenance: { source: d.source, measuredOn: d.measuredOn, method: d.method, citation: d.citation, conversion: CONVERT_COMMAND },
    power: d.power,
    models,
  };
}

/**
 * Builds every profile from the measurement folder and the MLPerf folder; `factors`, when given,
 * receives each end-device profile's latency factor relative to xeon-1core.
 */
export function buildProfiles(fromDir: string, mlperfDir: string, factors?: Record<string, number>): DeviceProfile[] {
  const m: Measured = { summary: readCsv(path.join(fromDir, 'latency_summary.csv')), samples: readCsv(path.join(fromDir, 'latency_samples.csv')) };
  const provenance = (files: string, extraMethod = ''): DeviceProfile['provenance'] => ({
    source: `measured-h200-xeon/${files} (team measurements, shipped with permission per its README)`,
    measuredOn: MEASURED_ON,
    method: `${MEASURED_METHOD}${extraMethod}`,
    conversion: CONVERT_COMMAND,
  });
  const cpu = (threads: string): Record<string, ModelLatency> =>
    modelLatencies(m, { tier: 'cpu', device: threads, dtype: 'fp32', batch: '1' }, { tier: 'cpu', config: threads, dtype: 'fp32', batch: '1' });

  const xeon1 = cpu('1t');
  const xeon1core: DeviceProfile = {
    id: 'xeon-1core',
    description: 'One Xeon core (PyTorch, 1 intra-op thread, fp32, batch 1): a fast end-device stand-in.',
    kind: 'device',
    provenance: provenance('latency_summary.csv + latency_samples.csv, rows tier=cpu, 1t'),
    models: xeon1,
  };

  const edgeRows = readCsv(path.join(fromDir, 'edge_contention.csv'));
  const moreRows = readCsv(path.join(fromDir, 'edge_contention_more.csv'));
  const edge: DeviceProfile = {
    id: 'xeon-4core-edge',
    description:
      'An edge server: 4 Xeon cores, one single-thread inference per core (PyTorch, 1 intra-op thread, fp32, batch 1), slowed down by the measured multi-user contention curves (N single-thread clients on the 4 cores).',
    kind: 'edge',
    provenance: provenance(
      'latency_summary.csv + latency_samples.csv (tier=cpu, 1t); edge_contention.csv; edge_contention_more.csv',
      '. Contention: N single-thread processes on 4 pinned cores running back to back for 3 s. Per-model curves: median(N) / the 1-thread median of latency_summary.csv; averaged curve: median(N) / median(1) over mobilenet_v2 + resnet18.',
    ),
    measurement: { threadsPerInference: 1, cores: 4 },
    models: xeon1,
    contention: contentionCurve(
      edgeRows,
      'concurrent_users',
      `4 pinned Xeon cores, one single-thread client per user, mean over ${[...new Set(edgeRows.map((r) => r.cells.model))].join(' + ')} (edge_contention.csv); flat up to 4 users, confirmed by edge_contention_more.csv median(4)/median(1): ${flatnessNote(moreRows)}`,
      xeon1,
      moreRows,
    ),
  };
  const idleRow = rowsWhere(m.summary, { tier: 'gpu', model: 'idle' })[0];
  if (!idleRow) throw new InputError({ file: path.join(fromDir, 'latency_summary.csv'), expected: 'an idle row (tier=gpu, model=idle) with power_w (W)', found: 'none' });
  const idleW = num(idleRow, 'power_w', 'W');
  const gpuMatch = { tier: 'gpu', device: 'NVIDIA H200', dtype: 'fp16', batch: '1' };
  const gpuModels = modelLatencies(m, gpuMatch, { tier: 'gpu', config: 'fp16', dtype: 'fp16', batch: '1' });
  let gpuPowerSum = 0;
  const gpuRows = rowsWhere(m.summary, gpuMatch);
  for (const row of gpuRows) {
    const model = gpuModels[row.cells.model ?? '']!;
    const board = num(row, 'energy_mj_per_image', 'mJ');
    // W x ms = mJ: the idle draw during one call is not the inference's doing.
    model.energyMjPerInference = round(Math.max(0, board - idleW * model.medianMs), 3);
    model.boardEnergyMjPerInference = board;
    gpuPowerSum += num(row, 'power_w', 'W');
  }
  const gpuBusyW = round(gpuPowerSum / gpuRows.length, 2);
  const cloudRows = readCsv(path.join(fromDir, 'cloud_gpu_contention.csv'));
  const cloud: DeviceProfile = {
    id: 'h200-fp16-cloud',
    description: 'A cloud accelerator: one NVIDIA H200, fp16, batch 1, shared by concurrent clients (measured contention curve).',
    kind: 'cloud',
    provenance: provenance(
      'latency_summary.csv + latency_samples.csv (tier=gpu, fp16, batch 1, idle row); cloud_gpu_contention.csv',
      `. energyMjPerInference = NVML board energy per image - idle power (${idleW} W) x median latency; boardEnergyMjPerInference = the whole-board figure. busyPowerW = mean NVML board power after the batch-1 fp16 runs. Contention: N client processes back to back for 3 s, slowdown(N) = median(N) / median(1), averaged over the models.`,
    ),
    power: { busyPowerW: gpuBusyW, idlePowerW: idleW, busyAboveIdlePowerW: round(gpuBusyW - idleW, 2) },
    models: gpuModels,
    measurement: { threadsPerInference: 1, cores: 1 },
    contention: contentionCurve(cloudRows, 'concurrent_clients', `one H200, fp16 batch 1, mean over ${[...new Set(cloudRows.map((r) => r.cells.model))].join(' + ')} (cloud_gpu_contention.csv)`, gpuModels),
  };

  const cpuRows = readCsv(path.join(mlperfDir, 'singlestream_latency_accuracy_power.csv'));
  const cal = orinCalibration(cpuRows);
  const orinBusyW = round(cal.busyPowerW, 2);
  const orin = calibratedDevice({
    id: 'orin-cpu-device',
    what: 'the Arm CPU of an NVIDIA Jetson AGX Orin',
    base: xeon1,
    factor: cal.factor,
    source: `xeon-1core samples (measured-h200-xeon) scaled by MLPerf rows in mlperf-derived/singlestream_latency_accuracy_power.csv: systems ${ORIN_SYSTEM} and ${XEON_SYSTEM}, models ${cal.models.join(', ')}`,
    measuredOn: `Orin and AWS c5.4xlarge (Xeon) figures: MLPerf Inference submissions (TFLite C++ default config, CPU); Xeon base samples: ${MEASURED_ON}`,
    method: `Latency factor = geometric mean over the ${cal.models.length} comparable fp32 models of p50(Orin) / p50(c5.4xlarge Xeon), both with the same TFLite build and config, so it measures hardware, not software: ${round(cal.factor, 4)}. Every xeon-1core sample, median and p95 is multiplied by it (the per-model ratios range ${round(cal.ratioRange[0], 2)}-${round(cal.ratioRange[1], 2)}, so it is an approximation; the c5 Xeon is an older generation than the measured one, so Orin may be somewhat slower still). busyPowerW = mean MLPerf average wall power over the same Orin rows (whole board, including ~${ORIN_IDLE_POWER_W} W idle); idlePowerW = ~${ORIN_IDLE_POWER_W} W board idle; busyAboveIdlePowerW = the difference, the power an inference adds.`,
    citation: MLPERF_CITATION,
    power: { busyPowerW: orinBusyW, idlePowerW: ORIN_IDLE_POWER_W, busyAboveIdlePowerW: round(orinBusyW - ORIN_IDLE_POWER_W, 2) },
  });

  const powerFile = 'edge_closed_power_singlestream_latency_energy.csv';
  const rpi = rpi4Calibration(readCsv(path.join(mlperfDir, powerFile)), readCsv(path.join(mlperfDir, 'edge_closed_singlestream_latency.csv')), cpuRows);
  const xeonResnet50 = xeon1.resnet50;
  if (!xeonResnet50) throw new InputError({ file: path.join(fromDir, 'latency_summary.csv'), expected: 'a resnet50 row (tier=cpu, 1t, fp32, batch 1) to calibrate rpi4-device against', found: 'none' });
  const rpiFactor = rpi.latencyMs / xeonResnet50.medianMs;
  const c = rpi.row.cells;
  const rpi4 = calibratedDevice({
    id: 'rpi4-device',
    what: 'a Raspberry Pi 4 Model B (4x Cortex-A72)',
    base: xeon1,
    factor: rpiFactor,
    source: `xeon-1core samples (measured-h200-xeon) scaled by one MLPerf row, mlperf-derived/${powerFile} line ${rpi.row.line}: ${c.version} ${c.Organization} ${c.Platform} ${c.Model} ${c.Scenario}`,
    measuredOn: `RPi4 figures: MLPerf Inference ${c.version} closed edge, ${c.Organization}, ${c.SystemName}, ${c.host_processor_model_name} x ${c.host_processor_core_count}, ${c.framework}, power run; Xeon base samples: ${MEASURED_ON}`,
    method:
      `Latency factor = RPi4 resnet50 latency (${rpi.latencyMs} ms, MLPerf SingleStream p90 of the ${c.framework} power run) / xeon-1core resnet50 median (${xeonResnet50.medianMs} ms) = ${round(rpiFactor, 4)}; every xeon-1core sample, median and p95 is multiplied by it. ` +
      `Why this row: ArmNN with Neon is the fastest software on the board and this is its power run, so latency and power come from the same run; the newer v3.0 ArmNN row is a little faster but has no power figure (other RPi4 resnet50 rows: ${rpi.otherRows.join('; ')}). ` +
      `p90 over median is a known approximation: on the same core (Cortex-A72, ${A72_ARMNN_SYSTEM}) p90/p50 is ${round(rpi.a72P90OverP50[0], 3)}-${round(rpi.a72P90OverP50[1], 3)} over its models, so the p90 overstates the median by at most ~${Math.ceil((rpi.a72P90OverP50[1] - 1) * 100)}%; xeon-1core's own tail is not like-for-like (p95 ${round(xeonResnet50.p95Ms / xeonResnet50.medianMs, 2)}x its median from ${xeonResnet50.latencySamplesMs.length} samples, a run of slow calls), so its median is used. ` +
      `One model sets the factor for all, so the other models' latencies are an approximation (on Orin, per-model ratios spread ${round(cal.ratioRange[0], 2)}-${round(cal.ratioRange[1], 2)}). ` +
      `busyPowerW = MLPerf average wall power of the same run (whole board); busyPowerW x the resnet50 median = ${round(rpi.busyPowerW * rpi.latencyMs, 1)} mJ against MLPerf's ${round(rpi.energyMjPerQuery, 1)} mJ per query. The data has no idle figure, so idlePowerW is left out: the scenario supplies its own (tiers.device.power).`,
    citation: `MLCommons, MLPerf Inference ${c.version} results, closed division, edge, ${c.Organization} (Apache-2.0): ${c.url}; row indexed in mlperf-derived/${powerFile}`,
    power: { busyPowerW: rpi.busyPowerW },
  });
  if (factors) Object.assign(factors, { 'xeon-1core': 1, [orin.id]: cal.factor, [rpi4.id]: rpiFactor });
  return [xeon1core, orin, rpi4, edge, cloud];
}

/** Which (config, model) combinations exist in the summary, as printable lines. */
function coverage(fromDir: string): string[] {
  const rows = readCsv(path.join(fromDir, 'latency_summary.csv')).filter((r) => r.cells.batch === '1');
  const byConfig = new Map<string, string[]>();
  for (const r of rows) {
    const key = `${r.cells.tier}/${r.cells.device}/${r.cells.dtype}`;
    byConfig.set(key, [...(byConfig.get(key) ?? []), r.cells.model ?? '']);
  }
  return [...byConfig].map(([k, models]) => `${k}: ${models.length} models (${models.join(', ')})`);
}

/** Command-line entry: writes one file per profile into `--out`. */
function main(): void {
  const { values } = parseArgs({ options: { from: { type: 'string' }, out: { type: 'string' }, mlperf: { type: 'string' }, 'model-load': { type: 'string' } } });
  if (!values.from || !values.out) {
    process.stderr.write('usage: convert.ts --from <measured-h200-xeon dir> --out <profiles dir> [--mlperf <mlperf-derived dir>] [--model-load <measured-h100-model-load dir>]\n');
    process.exitCode = 2;
    return;
  }
  const mlperf = values.mlperf ?? path.join(values.from, '..', 'mlperf-derived');
  for (const line of coverage(values.from)) process.stdout.write(`${line}\n`);
  mkdirSync(values.out, { recursive: true });
  const factors: Record<string, number> = {};
  for (const p of buildProfiles(values.from, mlperf, factors)) {
    const file = path.join(values.out, `${p.id}.json`);
    writeFileSync(file, toJsonText({ $schema: '../schema/profile.schema.json', ...p }));
    process.stdout.write(`wrote ${file} (${Object.keys(p.models).length} models)\n`);
  }
  const loadFile = path.join(values.out, MODEL_LOAD_FILE);
  writeFileSync(loadFile, toJsonText(buildModelLoad(values['model-load'] ?? path.join(values.from, '..', 'measured-h100-model-load'), factors)));
  process.stdout.write(`wrote ${loadFile} (model load times of ${Object.keys(factors).join(', ')})\n`);
}

runAsScript(import.meta.url, main);
