/**
 * Loading a recorded trace file in any supported format into a {@link NetworkTrace}.
 * See `formats/` for each format's rules (units, time origin, derived uplink, outages).
 */
import { InputError, show } from '../errors.ts';
import { readInputFile } from '../io/safe-file.ts';
import { type CatalogFetchOptions, catalogLoadOptions, resolveCatalogTrace } from './catalog.ts';
import type { ResolvedCatalogTrace } from './fetch.ts';
import { type ColumnMapping, parseColumnsTrace } from './formats/columns.ts';
import { MAX_TRACE_FILE_BYTES } from './formats/common.ts';
import { parseCsvTrace } from './formats/csv.ts';
import { parseFiveGophersTrace } from './formats/fivegophers.ts';
import { parseMahimahiTrace } from './formats/mahimahi.ts';
import { parsePensieveTrace } from './formats/pensieve.ts';
import { type NetworkTrace, TRACE_FORMATS, type TraceFormat } from './types.ts';

/** Options of {@link loadTrace}; each applies to the formats named. */
export interface TraceLoadOptions {
  /** mahimahi: the uplink file (`file` is the downlink). Without it the uplink is derived. */
  uplinkFile?: string;
  /** mahimahi, csv-columns: window of the bandwidth series (ms); default 1000. */
  windowMs?: number;
  /** pensieve, 5gophers, mahimahi without uplink, csv-columns without uplink column: uplink = fraction x downlink; default 1. */
  uplinkFraction?: number;
  /** csv-columns (required): the time, downlink and optional uplink columns and their units. */
  columns?: ColumnMapping;
  /** 5gophers: the throughput column (default `throughput_mbps`). */
  throughputColumn?: string;
  /** 5gophers: row filter selecting one run, column -> value. */
  select?: Record<string, string | number>;
  /** Replaces the trace's `source` (e.g. `catalog:<id>`); default the file path. */
  source?: string;
}

/** Throws unless `format` is one of {@link TRACE_FORMATS}. */
export function checkFormat(format: string, where: string): TraceFormat {
  if (!(TRACE_FORMATS as readonly string[]).includes(format)) {
    throw new InputError({ file: where, expected: `a trace format, one of ${TRACE_FORMATS.join(', ')}`, found: show(format) });
  }
  return format as TraceFormat;
}

/** The formats each option means something for; any other use is a mistake worth reporting. */
const OPTION_FORMATS: Record<Exclude<keyof TraceLoadOptions, 'source'>, readonly TraceFormat[]> = {
  uplinkFile: ['mahimahi'],
  windowMs: ['mahimahi', 'csv-columns'],
  uplinkFraction: ['pensieve', '5gophers', 'mahimahi', 'csv-columns'],
  columns: ['csv-columns'],
  throughputColumn: ['5gophers'],
  select: ['5gophers'],
};

/** Checks the format name and that every option given applies to it. */
function checkRequest(file: string, format: string, o: TraceLoadOptions): TraceFormat {
  const checked = checkFormat(format, file);
  for (const [key, formats] of Object.entries(OPTION_FORMATS)) {
    if (o[key as keyof TraceLoadOptions] !== undefined && !formats.includes(checked)) {
      throw new InputError({ file, expected: `option ${key} only with format ${formats.join(' or ')}`, found: `format ${format}` });
    }
  }
  if (checked === 'csv-columns' && !o.columns) throw new InputError({ file, expected: 'a column mapping (time, downlink and optionally uplink columns with their units) for format csv-columns', found: 'none' });
  return checked;
}

/** A trace file's bytes: a regular file (not a FIFO or device, even through a link) of bounded size. */
const readTraceFile = (file: string): Buffer => readInputFile(file, { maxBytes: MAX_TRACE_FILE_BYTES, what: 'a trace file' });

/**
 * Parses already-read bytes (`upBytes` for the mahimahi uplink file `o.uplinkFile`), for callers
 * that hash or check the bytes themselves.
 * @throws InputError naming file and line for any bad input
 */
export function parseTraceBytes(file: string, bytes: Uint8Array, upBytes: Uint8Array | undefined, format: TraceFormat, o: TraceLoadOptions = {}): NetworkTrace {
  return parseBytes(file, bytes, upBytes, checkRequest(file, format, o), o);
}

function parseBytes(file: string, bytes: Uint8Array, upBytes: Uint8Array | undefined, format: TraceFormat, o: TraceLoadOptions): NetworkTrace {
  let trace: NetworkTrace;
  switch (format) {
    case 'csv':
      trace = parseCsvTrace(bytes, file);
      break;
    case 'pensieve':
      trace = parsePensieveTrace(bytes, file, o);
      break;
    case '5gophers':
      trace = parseFiveGophersTrace(bytes, file, o);
      break;
    case 'csv-columns':
      trace = parseColumnsTrace(bytes, file, o.columns!, o);
      break;
    case 'mahimahi':
      trace = parseMahimahiTrace({ bytes, file }, upBytes && o.uplinkFile ? { bytes: upBytes, file: o.uplinkFile } : undefined, o);
      break;
  }
  return o.source === undefined ? trace : { ...trace, source: o.source };
}

/**
 * Reads and parses a trace file.
 * @param file the trace (for mahimahi: the downlink file)
 * @param format one of {@link TRACE_FORMATS}
 * @throws InputError naming file and line for any bad input
 */
export async function loadTrace(file: string, format: TraceFormat, options: TraceLoadOptions = {}): Promise<NetworkTrace> {
  return loadTraceSync(file, format, options);
}

/** Synchronous {@link loadTrace}. */
export function loadTraceSync(file: string, format: TraceFormat, options: TraceLoadOptions = {}): NetworkTrace {
  const checked = checkRequest(file, format, options);
  return parseBytes(file, readTraceFile(file), options.uplinkFile ? readTraceFile(options.uplinkFile) : undefined, checked, options);
}

/** Options of {@link loadCatalogTrace}: where to fetch from, and the scenario's uplink fraction. */
export interface CatalogLoadOptions extends CatalogFetchOptions {
  /** Uplink = fraction x downlink, applied only where the entry has no recorded uplink. */
  uplinkFraction?: number;
}

/**
 * Loads a catalogued trace with the entry's format options; its `source` is `catalog:<id>`.
 * @param resolved local files from {@link resolveCatalogTrace}; resolved (fetched if needed) when omitted
 */
export async function loadCatalogTrace(id: string, resolved?: ResolvedCatalogTrace, options: CatalogLoadOptions = {}): Promise<NetworkTrace> {
  const r = resolved ?? (await resolveCatalogTrace(id, options));
  const fromEntry = catalogLoadOptions(r.entry);
  const derivedUplink = r.entry.format !== 'csv' && !r.uplinkPath;
  return loadTrace(r.path, r.entry.format, {
    ...fromEntry,
    ...(r.uplinkPath ? { uplinkFile: r.uplinkPath } : {}),
    ...(derivedUplink && options.uplinkFraction !== undefined ? { uplinkFraction: options.uplinkFraction } : {}),
    source: `catalog:${r.entry.id}`,
  });
}
