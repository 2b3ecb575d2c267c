/**
 * Pensieve-style "cooked" traces (FCC Measuring Broadband America 2016, Norway HSDPA 3G): per
 * line `time_s throughput_mbps`, whitespace-separated, no header; steps may be irregular (Norway).
 * They record the downlink only, so the uplink is derived as `uplinkFraction x downlink`
 * (default 1, symmetric) and the trace is flagged `derivedUplink` for the scenario to rescale.
 *
 * Hand-written line splitting rather than csv-parse: the separator is any run of spaces or tabs,
 * which a CSV parser would read as empty fields.
 */
import { InputError, show } from '../../errors.ts';
import type { NetworkTrace } from '../types.ts';
import { assembleTrace, checkUplinkFraction, DEFAULT_UPLINK_FRACTION, parseBandwidthMbps, parseFinite, type RawSample, sha256Hex } from './common.ts';

/** Options of the Pensieve importer. */
export interface PensieveOptions {
  /** Uplink = fraction x downlink (> 0); default 1. */
  uplinkFraction?: number;
}

/** Parses a Pensieve-style trace. */
export function parsePensieveTrace(bytes: Uint8Array, file: string, options: PensieveOptions = {}): NetworkTrace {
  const fraction = checkUplinkFraction(options.uplinkFraction ?? DEFAULT_UPLINK_FRACTION, file);
  const samples: RawSample[] = [];
  Buffer.from(bytes).toString('utf8').split('\n').forEach((raw, i) => {
    const text = raw.trim();
    if (text === '') return;
    const at = { file, line: i + 1 };
    const fields = text.split(/\s+/);
    if (fields.length !== 2) throw new InputError({ ...at, expected: 'two whitespace-separated columns: time_s throughput_mbps', found: show(text) });
    const timeS = parseFinite(fields[0], at, 'time as a number >= 0 (s)');
    if (timeS < 0) throw new InputError({ ...at, expected: 'time as a number >= 0 (s)', found: show(fields[0]) });
    const downlinkMbps = parseBandwidthMbps(fields[1], at, 'throughput');
    samples.push({ tMs: timeS * 1000, downlinkMbps, uplinkMbps: downlinkMbps * fraction, line: at.line });
  });
  return assembleTrace(samples, { file, source: file, sha256: sha256Hex(bytes), derivedUplink: true });
}
