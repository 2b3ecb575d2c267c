/**
 * A device profile from the user's own measurements (`orchbench profiles convert`): a CSV with one
 * row per timed inference call, a model column and a latency column, and optionally the board
 * power (W) during the call. Per model: the samples, their median and p95 (R type 7 quantiles),
 * and with power the energy per inference (W x ms = mJ; minus idle power x latency when the idle
 * power is given). The provenance records the CSV's name and sha256, the machine, the method and
 * the command, so a profile always says where it came from.
 */
import { basename } from 'node:path';
import { InputError, type InputIssue, show } from '../errors.ts';
import { schemaIssues } from '../schema.ts';
import { quantileSorted } from '../stats/descriptive.ts';
import { parseFinite, sha256Hex } from '../traces/formats/common.ts';
import { readCsvTable } from '../traces/formats/table.ts';
import type { DeviceProfile, ModelLatency } from './types.ts';

/** Units a latency column may be in. */
export const LATENCY_UNITS = { ms: 1, s: 1000, us: 0.001 } as const;
export type LatencyUnit = keyof typeof LATENCY_UNITS;

/** What `orchbench profiles convert` needs besides the CSV. */
export interface SampleConvertOptions {
  id: string;
  kind: DeviceProfile['kind'];
  description?: string;
  /** Machine and date of the measurement. */
  measuredOn: string;
  /** How the samples were taken (framework, batch, warm-up). */
  method: string;
  citation?: string;
  /** The command that converts (recorded as `provenance.conversion`). */
  conversion: string;
  modelColumn?: string;
  latencyColumn?: string;
  latencyUnit?: LatencyUnit;
  /** Board power during each call (W), when measured. */
  powerColumn?: string;
  /** Idle board power (W): with a power column, energy per inference is net of it. */
  idlePowerW?: number;
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Builds a profile from a CSV of latency samples.
 * @param bytes the CSV's bytes (their sha256 goes into the provenance)
 * @throws InputError at the CSV's line (bad cell, unknown column) or naming the option
 */
export function profileFromSamples(bytes: Uint8Array, file: string, o: SampleConvertOptions): DeviceProfile {
  const modelColumn = o.modelColumn ?? 'model';
  const latencyColumn = o.latencyColumn ?? 'latency_ms';
  const unit = o.latencyUnit ?? 'ms';
  if (!(unit in LATENCY_UNITS)) throw new InputError({ file: '--latency-unit', expected: `one of ${Object.keys(LATENCY_UNITS).join(', ')}`, found: show(unit) });
  if (o.idlePowerW !== undefined && !(Number.isFinite(o.idlePowerW) && o.idlePowerW >= 0)) throw new InputError({ file: '--idle-power-w', expected: 'a number >= 0 (W)', found: show(o.idlePowerW) });
  const table = readCsvTable(bytes, file, `with the columns ${modelColumn}, ${latencyColumn}`);
  const index = (name: string, what: string): number => {
    const i = table.header.indexOf(name);
    if (i < 0) throw new InputError({ file, line: table.headerLine, expected: `a column named ${show(name)} (${what})`, found: `columns ${table.header.map((h) => show(h)).join(', ')}` });
    return i;
  };
  const mCol = index(modelColumn, 'the model id');
  const lCol = index(latencyColumn, `latency per call, ${unit}`);
  const pCol = o.powerColumn === undefined ? undefined : index(o.powerColumn, 'board power during the call, W');
  const samples = new Map<string, { latencyMs: number[]; powerW: number[] }>();
  for (const { fields, line } of table.rows) {
    const at = { file, line };
    const model = fields[mCol] ?? '';
    if (!/^[a-z0-9][a-z0-9_.-]*$/.test(model)) throw new InputError({ ...at, expected: `${modelColumn} as a model id (lowercase letters, digits, _ . -), as the scenario's models name it`, found: show(model) });
    const expected = `${latencyColumn} as a number > 0 (${unit})`;
    const latency = parseFinite(fields[lCol], at, expected);
    if (latency <= 0) throw new InputError({ ...at, expected, found: show(fields[lCol]) });
    const s = samples.get(model) ?? { latencyMs: [], powerW: [] };
    s.latencyMs.push(latency * LATENCY_UNITS[unit]);
    if (pCol !== undefined) {
      const pe = `${o.powerColumn} as a number >= 0 (W)`;
      const p = parseFinite(fields[pCol], at, pe);
      if (p < 0) throw new InputError({ ...at, expected: pe, found: show(fields[pCol]) });
      s.powerW.push(p);
    }
    samples.set(model, s);
  }
  if (samples.size === 0) throw new InputError({ file, line: table.headerLine + 1, expected: 'at least one sample row', found: 'none' });
  const models: Record<string, ModelLatency> = {};
  for (const [model, s] of [...samples].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = Float64Array.from(s.latencyMs).sort();
    const m: ModelLatency = { latencySamplesMs: s.latencyMs, medianMs: quantileSorted(sorted, 0.5), p95Ms: quantileSorted(sorted, 0.95) };
    if (pCol !== undefined) {
      const board = s.latencyMs.map((l, i) => s.powerW[i]! * l);
      m.boardEnergyMjPerInference = round(mean(board), 4);
      if (o.idlePowerW !== undefined) m.energyMjPerInference = round(Math.max(0, mean(s.latencyMs.map((l, i) => (s.powerW[i]! - o.idlePowerW!) * l))), 4);
    }
    models[model] = m;
  }
  const allPower = [...samples.values()].flatMap((s) => s.powerW);
  const busy = allPower.length ? round(mean(allPower), 4) : undefined;
  const power = busy === undefined && o.idlePowerW === undefined ? undefined : {
    ...(busy !== undefined ? { busyPowerW: busy } : {}),
    ...(o.idlePowerW !== undefined ? { idlePowerW: o.idlePowerW } : {}),
    ...(busy !== undefined && o.idlePowerW !== undefined ? { busyAboveIdlePowerW: round(Math.max(0, busy - o.idlePowerW), 4) } : {}),
  };
  const profile: DeviceProfile = {
    id: o.id,
    description: o.description ?? `${o.kind} profile converted from ${basename(file)}`,
    kind: o.kind,
    provenance: {
      source: `${basename(file)} (sha256 ${sha256Hex(bytes)}): ${table.rows.length} samples, columns ${[modelColumn, latencyColumn, ...(o.powerColumn ? [o.powerColumn] : [])].join(', ')}`,
      measuredOn: o.measuredOn,
      method: o.method,
      ...(o.citation ? { citation: o.citation } : {}),
      conversion: o.conversion,
    },
    ...(power ? { power } : {}),
    models,
  };
  // The options (id, kind, texts) are checked against the same schema every profile meets.
  const issues: InputIssue[] = schemaIssues('profile', profile, `profile ${show(o.id)}`);
  if (issues.length) throw new InputError(issues);
  return profile;
}
