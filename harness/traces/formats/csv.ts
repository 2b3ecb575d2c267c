/**
 * The project's own trace format: CSV with the header `t_ms,uplink_mbps,downlink_mbps,rtt_ms`
 * (units in the column names; `rtt_ms` optional, and may be left empty in every row when the
 * source has no RTT). Each row is a sample holding until the next one; `t_ms` strictly increases
 * and is shifted so the first row is at 0 ms. Bandwidth 0 Mbps is allowed and means an outage.
 */
import { InputError, show } from '../../errors.ts';
import type { NetworkTrace } from '../types.ts';
import { assembleTrace, parseBandwidthMbps, parseFinite, type RawSample, sha256Hex } from './common.ts';
import { readCsvTable } from './table.ts';

const REQUIRED = ['t_ms', 'uplink_mbps', 'downlink_mbps'] as const;
const OPTIONAL = ['rtt_ms'] as const;
const KNOWN: readonly string[] = [...REQUIRED, ...OPTIONAL];
const UNIT: Record<string, string> = { t_ms: 'ms', uplink_mbps: 'Mbps', downlink_mbps: 'Mbps', rtt_ms: 'ms' };
/** The header as documented, for messages. */
export const CSV_HEADER = 't_ms,uplink_mbps,downlink_mbps,rtt_ms';

/** The known column a header name was probably meant to be (same name before the unit suffix). */
function intendedColumn(name: string): string | undefined {
  const base = name.toLowerCase().split('_')[0];
  return KNOWN.find((k) => k.split('_')[0] === base);
}

/** Maps known column names to their index; unknown, unit-less or missing columns are errors. */
function columnIndex(header: string[], file: string, line: number): Map<string, number> {
  const idx = new Map<string, number>();
  header.forEach((name, i) => {
    if (KNOWN.includes(name)) {
      if (idx.has(name)) throw new InputError({ file, line, expected: `each column once in header ${CSV_HEADER}`, found: `column ${show(name)} twice` });
      idx.set(name, i);
      return;
    }
    const meant = intendedColumn(name);
    throw new InputError({
      file, line,
      expected: meant
        ? `column "${meant}" (the unit is part of the name: ${UNIT[meant]}) in header ${CSV_HEADER}`
        : `only the columns ${CSV_HEADER} (rtt_ms optional)`,
      found: `column ${show(name)}`,
    });
  });
  for (const r of REQUIRED) {
    if (!idx.has(r)) throw new InputError({ file, line, expected: `column "${r}" (${UNIT[r]}) in header ${CSV_HEADER}`, found: `header ${show(header.join(','))}` });
  }
  return idx;
}

/**
 * Parses the project CSV trace format.
 * @param bytes the file's bytes (hashed as the trace's identity)
 * @param file the path, quoted in errors and used as `source`
 */
export function parseCsvTrace(bytes: Uint8Array, file: string): NetworkTrace {
  const table = readCsvTable(bytes, file, CSV_HEADER);
  const col = columnIndex(table.header, file, table.headerLine);
  const tCol = col.get('t_ms')!;
  const upCol = col.get('uplink_mbps')!;
  const downCol = col.get('downlink_mbps')!;
  const rttCol = col.get('rtt_ms');
  // An rtt_ms column left empty in every row means "no RTT recorded"; partly empty is a mistake.
  const rttPresent = rttCol !== undefined && table.rows.some((r) => (r.fields[rttCol] ?? '') !== '');
  const samples: RawSample[] = table.rows.map(({ fields, line }) => {
    const at = { file, line };
    const tMs = parseFinite(fields[tCol], at, 't_ms as a number >= 0 (ms)');
    if (tMs < 0) throw new InputError({ ...at, expected: 't_ms as a number >= 0 (ms)', found: show(fields[tCol]) });
    const s: RawSample = {
      tMs, line,
      uplinkMbps: parseBandwidthMbps(fields[upCol], at, 'uplink_mbps'),
      downlinkMbps: parseBandwidthMbps(fields[downCol], at, 'downlink_mbps'),
    };
    if (rttPresent) {
      const expected = 'rtt_ms as a number >= 0 (ms) in every row once any row has one';
      const rtt = parseFinite(fields[rttCol], at, expected);
      if (rtt < 0) throw new InputError({ ...at, expected, found: show(fields[rttCol]) });
      s.rttMs = rtt;
    }
    return s;
  });
  if (samples.length === 0) {
    throw new InputError({ file, line: table.headerLine + 1, expected: 'at least one sample row after the header', found: 'no samples (empty trace)' });
  }
  return assembleTrace(samples, { file, source: file, sha256: sha256Hex(bytes), derivedUplink: false });
}

/**
 * Writes a trace in the project CSV format (the inverse of {@link parseCsvTrace}).
 * @param significantDigits when given, every value is written with at most that many significant
 *   digits (`traces convert` uses 12: arithmetic noise such as 6.514874999999999 becomes 6.514875,
 *   a change below 1e-12 of the value); without it, each value is written exactly.
 */
export function formatCsvTrace(trace: NetworkTrace, significantDigits?: number): string {
  const v = significantDigits === undefined ? String : (x: number): string => String(Number(x.toPrecision(significantDigits)));
  const rows = [trace.rttMs ? CSV_HEADER : 't_ms,uplink_mbps,downlink_mbps'];
  for (let i = 0; i < trace.tMs.length; i++) {
    const base = `${v(trace.tMs[i]!)},${v(trace.uplinkMbps[i]!)},${v(trace.downlinkMbps[i]!)}`;
    rows.push(trace.rttMs ? `${base},${v(trace.rttMs[i]!)}` : base);
  }
  return `${rows.join('\n')}\n`;
}
