/**
 * 5Gophers 1.0 per-second throughput tables (Narayanan et al., WWW 2020; CC BY 4.0), e.g.
 * `All-Carriers/01-Throughput/data.csv` (protocol, carrier, num_tcp_conn, server_location, run_num,
 * seq_num, throughput_mbps) and the mmWave UE-panel, distance, orientation, NLoS, walking and
 * driving tables. One row is one second of a download test: `seq_num` is the second, the
 * throughput column the downlink Mbps. A file holds many runs, so a row filter (`select`,
 * column = value) picks one; the selected seconds must strictly increase (one run).
 *
 * A missing second (a gap in `seq_num`) holds the previous value. Throughput 0 Mbps is a real
 * outage in these measurements and is kept; consumers must treat 0 Mbps as "link down" (no
 * division by it). The uplink is not measured: it is `uplinkFraction x downlink` (default 1).
 */
import { InputError, show } from '../../errors.ts';
import type { NetworkTrace } from '../types.ts';
import { assembleTrace, checkUplinkFraction, DEFAULT_UPLINK_FRACTION, parseBandwidthMbps, parseFinite, type RawSample, sha256Hex } from './common.ts';
import { readCsvTable } from './table.ts';

/** Options of the 5Gophers importer. */
export interface FiveGophersOptions {
  /** Row filter: column name -> value (numbers compare numerically, so 25 matches "25.0"). */
  select?: Record<string, string | number>;
  /** Column holding the downlink throughput (Mbps); default `throughput_mbps`
   *  (the driving tables have one per carrier, e.g. `Verizon_throughput_mbps`). */
  throughputColumn?: string;
  /** Uplink = fraction x downlink (> 0); default 1. */
  uplinkFraction?: number;
}

const TIME_COLUMN = 'seq_num';

/** Whether a field matches a filter value. */
function matches(field: string | undefined, want: string | number): boolean {
  if (field === undefined) return false;
  return typeof want === 'number' ? field !== '' && Number(field) === want : field === want;
}

/** Parses one run of a 5Gophers throughput table. */
export function parseFiveGophersTrace(bytes: Uint8Array, file: string, options: FiveGophersOptions = {}): NetworkTrace {
  const fraction = checkUplinkFraction(options.uplinkFraction ?? DEFAULT_UPLINK_FRACTION, file);
  const throughputColumn = options.throughputColumn ?? 'throughput_mbps';
  const table = readCsvTable(bytes, file, `with ${TIME_COLUMN} and ${throughputColumn}`);
  const { header, headerLine } = table;
  const indexOf = (name: string, role: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new InputError({ file, line: headerLine, expected: `a column "${name}" (${role})`, found: `columns ${header.join(', ')}` });
    return i;
  };
  const tCol = indexOf(TIME_COLUMN, 'the second of the run');
  const bwCol = indexOf(throughputColumn, 'throughput, Mbps');
  const filters = Object.entries(options.select ?? {}).map(([name, want]) => ({ name, want, col: indexOf(name, `to filter rows by ${name} = ${want}`) }));
  const rows = table.rows.filter((r) => filters.every((f) => matches(r.fields[f.col], f.want)));
  const filterText = filters.length ? filters.map((f) => `${f.name}=${f.want}`).join(', ') : 'no filter';
  if (rows.length === 0) {
    throw new InputError({ file, expected: `at least one row matching ${filterText}`, found: `none of ${table.rows.length} rows` });
  }
  const samples: RawSample[] = [];
  for (const { fields, line } of rows) {
    const at = { file, line };
    const second = parseFinite(fields[tCol], at, `${TIME_COLUMN} as a number >= 0 (s)`);
    if (second < 0) throw new InputError({ ...at, expected: `${TIME_COLUMN} as a number >= 0 (s)`, found: show(fields[tCol]) });
    const previous = samples[samples.length - 1];
    if (previous && second * 1000 <= previous.tMs) {
      throw new InputError({ ...at, expected: `one run (${TIME_COLUMN} strictly increasing after ${previous.tMs / 1000} s) for ${filterText}; filter on more columns, e.g. run_num`, found: `${TIME_COLUMN} ${show(fields[tCol])}` });
    }
    const downlinkMbps = parseBandwidthMbps(fields[bwCol], at, throughputColumn);
    samples.push({ tMs: second * 1000, downlinkMbps, uplinkMbps: downlinkMbps * fraction, line });
  }
  return assembleTrace(samples, { file, source: file, sha256: sha256Hex(bytes), derivedUplink: true });
}
