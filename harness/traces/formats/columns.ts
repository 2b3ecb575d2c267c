/**
 * Column-mapped CSV (`csv-columns`): any CSV with a header row, e.g. a phone's throughput log
 * (`Timestamp, DL_bitrate` in kbps, several rows per second, no uplink column). The user names the
 * time column and its unit, the downlink column and its unit, and either an uplink column with its
 * unit or an uplink fraction (uplink = fraction x downlink, flagged `derivedUplink`).
 *
 * Rows are grouped into windows of `windowMs` counted from the first row's time: window k holds
 * the rows with `floor((t - t0) / windowMs) = k`. A window's bandwidth is the mean of its rows for
 * a rate unit (`bps`, `kbps`, `Mbps`, `Gbps`), or the sum of its rows x 8 / window length for
 * `bytesPerInterval` (bytes delivered since the previous row). A window with no row (a gap in the
 * log, not an outage: an outage is logged as 0) holds the previous window's value. Time may repeat
 * (a log with 1 s timestamps and several rows per second) but never decrease. The trace has one
 * sample per window, at `k x windowMs`, and lasts `(last k + 1) x windowMs`.
 *
 * Problems with the mapping itself (an unknown column or unit) carry a JSON pointer into the
 * mapping (`/downlink/column`), so a scenario can report them at its own pointer.
 */
import { InputError, type InputIssue, show } from '../../errors.ts';
import type { NetworkTrace } from '../types.ts';
import { checkUplinkFraction, DEFAULT_UPLINK_FRACTION, parseFinite, sha256Hex } from './common.ts';
import { readCsvTable } from './table.ts';

/** Units of a time column: numbers in seconds, milliseconds or microseconds, or date-times. */
export const TIME_UNITS = ['s', 'ms', 'us', 'datetime'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];
/** Units of a bandwidth column: rates, or bytes delivered since the previous row. */
export const BANDWIDTH_UNITS = ['bps', 'kbps', 'Mbps', 'Gbps', 'bytesPerInterval'] as const;
export type BandwidthUnit = (typeof BANDWIDTH_UNITS)[number];

/** One mapped column. */
export interface MappedColumn<U extends string> { column: string; unit: U }

/** Which columns of the file hold time, downlink and (optionally) uplink, and in which units. */
export interface ColumnMapping {
  time: MappedColumn<TimeUnit>;
  downlink: MappedColumn<BandwidthUnit>;
  /** Without it the uplink is `uplinkFraction x downlink`. */
  uplink?: MappedColumn<BandwidthUnit>;
}

/** Options of the column-mapped importer. */
export interface ColumnOptions {
  /** Window length (ms, integer >= 1); default 1000. */
  windowMs?: number;
  /** Without an uplink column: uplink = fraction x downlink (> 0); default 1. */
  uplinkFraction?: number;
}

/** Default window (ms). */
export const DEFAULT_COLUMNS_WINDOW_MS = 1000;

const MS_PER: Record<Exclude<TimeUnit, 'datetime'>, number> = { s: 1000, ms: 1, us: 0.001 };
const MBPS_PER: Record<Exclude<BandwidthUnit, 'bytesPerInterval'>, number> = { bps: 1e-6, kbps: 1e-3, Mbps: 1, Gbps: 1e3 };

/** `2018.02.12_13.45.50` (G-NetTrack-style logs); read as UTC, since only differences matter. */
const DOTTED = /^(\d{4})\.(\d{2})\.(\d{2})_(\d{2})\.(\d{2})\.(\d{2})(?:\.(\d+))?$/;
/** ISO 8601 date and time (`T` or a space between them; a zone is optional and then UTC). */
const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Milliseconds since the epoch of a date-time cell, or NaN. */
function parseDateTimeMs(text: string): number {
  const t = text.trim();
  const m = DOTTED.exec(t);
  if (m) {
    const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) + frac;
  }
  if (!ISO.test(t)) return Number.NaN;
  const iso = t.replace(' ', 'T');
  return Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
}

/**
 * Checks a mapping's shape and units (no file needed).
 * @returns issues with `pointer` into the mapping (e.g. `/uplink/unit`), `file` = `file`
 */
export function mappingIssues(mapping: ColumnMapping, file: string): InputIssue[] {
  const issues: InputIssue[] = [];
  const check = (role: 'time' | 'downlink' | 'uplink', units: readonly string[], required: boolean) => {
    const m = mapping[role] as MappedColumn<string> | undefined;
    if (m === undefined) {
      if (required) issues.push({ file, pointer: `/${role}`, expected: `the ${role} column and its unit`, found: 'missing' });
      return;
    }
    if (typeof m.column !== 'string' || m.column === '') issues.push({ file, pointer: `/${role}/column`, expected: `the name of the ${role} column`, found: show(m.column) });
    if (!units.includes(m.unit)) issues.push({ file, pointer: `/${role}/unit`, expected: `a ${role === 'time' ? 'time' : 'bandwidth'} unit, one of ${units.join(', ')}`, found: show(m.unit) });
  };
  check('time', TIME_UNITS, true);
  check('downlink', BANDWIDTH_UNITS, true);
  check('uplink', BANDWIDTH_UNITS, false);
  return issues;
}

/** Index of each mapped column in the header; an unknown one is an issue naming the header. */
function columnIndexes(header: string[], mapping: ColumnMapping, file: string, line: number): { time: number; downlink: number; uplink?: number } {
  const issues: InputIssue[] = [];
  const find = (role: 'time' | 'downlink' | 'uplink'): number => {
    const name = mapping[role]!.column;
    const i = header.indexOf(name);
    if (i < 0) issues.push({ file, line, pointer: `/${role}/column`, expected: `a column named ${show(name)} (the ${role} column)`, found: `columns ${header.map((h) => show(h)).join(', ')}` });
    return i;
  };
  const out = { time: find('time'), downlink: find('downlink'), ...(mapping.uplink ? { uplink: find('uplink') } : {}) };
  if (issues.length) throw new InputError(issues);
  return out;
}

/** Per-window accumulator of one direction. */
class Windows {
  readonly sum: number[] = [];
  readonly rows: number[] = [];
  add(k: number, v: number): void {
    while (this.sum.length <= k) { this.sum.push(0); this.rows.push(0); }
    this.sum[k]! += v;
    this.rows[k]! += 1;
  }
  /** Mbps per window for `count` windows; an empty window holds the previous one's value. */
  mbps(count: number, unit: BandwidthUnit, windowMs: number): Float64Array {
    const out = new Float64Array(count);
    let previous = 0;
    for (let k = 0; k < count; k++) {
      const n = this.rows[k] ?? 0;
      if (n > 0) previous = unit === 'bytesPerInterval' ? (this.sum[k]! * 8) / (windowMs * 1000) : (this.sum[k]! / n) * MBPS_PER[unit];
      out[k] = previous;
    }
    return out;
  }
}

/**
 * Parses a column-mapped CSV into a {@link NetworkTrace}.
 * @param bytes the file's bytes (hashed as the trace's identity)
 * @throws InputError at the file's line for bad rows, with a mapping pointer for unknown columns or units
 */
export function parseColumnsTrace(bytes: Uint8Array, file: string, mapping: ColumnMapping, options: ColumnOptions = {}): NetworkTrace {
  const bad = mappingIssues(mapping, file);
  if (bad.length) throw new InputError(bad);
  const windowMs = options.windowMs ?? DEFAULT_COLUMNS_WINDOW_MS;
  if (!Number.isInteger(windowMs) || windowMs < 1) throw new InputError({ file, expected: 'option windowMs as an integer >= 1 (ms)', found: show(windowMs) });
  const fraction = mapping.uplink ? undefined : checkUplinkFraction(options.uplinkFraction ?? DEFAULT_UPLINK_FRACTION, file);
  const table = readCsvTable(bytes, file, `with the columns ${mapping.time.column}, ${mapping.downlink.column}`);
  const col = columnIndexes(table.header, mapping, file, table.headerLine);
  const timeUnit = mapping.time.unit;
  const down = new Windows();
  const up = new Windows();
  let t0: number | undefined;
  let previous = -Infinity;
  let lastWindow = -1;
  for (const { fields, line } of table.rows) {
    const at = { file, line };
    const cell = fields[col.time];
    const expectedTime = timeUnit === 'datetime' ? `${mapping.time.column} as a date-time (ISO 8601 or YYYY.MM.DD_HH.MM.SS)` : `${mapping.time.column} as a number (${timeUnit})`;
    const tMs = timeUnit === 'datetime' ? parseDateTimeMs(cell ?? '') : parseFinite(cell, at, expectedTime) * MS_PER[timeUnit];
    if (!Number.isFinite(tMs)) throw new InputError({ ...at, expected: expectedTime, found: show(cell) });
    if (tMs < previous) throw new InputError({ ...at, expected: `${mapping.time.column} not decreasing (>= the previous row's)`, found: show(cell) });
    previous = tMs;
    t0 ??= tMs;
    const k = Math.floor((tMs - t0) / windowMs);
    const value = (role: 'downlink' | 'uplink', i: number): number => {
      const m = mapping[role]!;
      const expected = `${m.column} as a number >= 0 (${m.unit})`;
      const v = parseFinite(fields[i], at, expected);
      if (v < 0) throw new InputError({ ...at, expected, found: show(fields[i]) });
      return v;
    };
    down.add(k, value('downlink', col.downlink));
    if (col.uplink !== undefined) up.add(k, value('uplink', col.uplink));
    lastWindow = k;
  }
  if (lastWindow < 0) throw new InputError({ file, line: table.headerLine + 1, expected: 'at least one row after the header', found: 'no rows (empty trace)' });
  const count = lastWindow + 1;
  const downlinkMbps = down.mbps(count, mapping.downlink.unit, windowMs);
  const uplinkMbps = mapping.uplink ? up.mbps(count, mapping.uplink.unit, windowMs) : downlinkMbps.map((v) => v * fraction!);
  return {
    tMs: new Float64Array(count).map((_, k) => k * windowMs),
    downlinkMbps, uplinkMbps, rttMs: null,
    durationMs: count * windowMs,
    source: file, sha256: sha256Hex(bytes), derivedUplink: !mapping.uplink,
  };
}

/**
 * Parses `NAME:UNIT` (the last `:` separates, so a column name may contain one) for the command line.
 * @throws InputError naming `flag` when there is no unit part
 */
export function parseMappedColumn<U extends string>(flag: string, text: string): MappedColumn<U> {
  const i = text.lastIndexOf(':');
  if (i <= 0 || i === text.length - 1) throw new InputError({ file: flag, expected: 'COLUMN:UNIT, e.g. DL_bitrate:kbps', found: show(text) });
  return { column: text.slice(0, i), unit: text.slice(i + 1) as U };
}
