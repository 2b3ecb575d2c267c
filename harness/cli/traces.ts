/** `orchbench traces inspect|convert|list|fetch`: recorded network traces and the trace catalog. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../io/safe-file.ts';
import { fetchTrace, listCatalogEntries, useCatalogs } from '../traces/catalog.ts';
import { type BandwidthUnit, type ColumnMapping, parseMappedColumn, type TimeUnit } from '../traces/formats/columns.ts';
import { MAX_TRACE_MS } from '../traces/formats/common.ts';
import { formatCsvTrace } from '../traces/formats/csv.ts';
import { loadTrace, type TraceLoadOptions } from '../traces/load.ts';
import { type BandwidthStats, traceStats } from '../traces/stats.ts';
import { type NetworkTrace, TRACE_FORMATS, type TraceFormat } from '../traces/types.ts';
import { collect, withCatalogOption } from './select.ts';
import { numberOption } from './options.ts';

/** Options shared by the commands that read a trace file. */
interface ReadOpts {
  format: TraceFormat;
  uplink?: string;
  windowMs?: number;
  uplinkFraction?: number;
  column?: string;
  select?: Record<string, string | number>;
  timeColumn?: string;
  downlinkColumn?: string;
  uplinkColumn?: string;
}

/** Collects repeated `--select column=value`; numeric values compare numerically. */
function selection(text: string, previous: Record<string, string | number> = {}): Record<string, string | number> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected column=value, found "${text}"`);
  const value = text.slice(eq + 1);
  const asNumber = Number(value);
  return { ...previous, [text.slice(0, eq)]: value.trim() !== '' && Number.isFinite(asNumber) ? asNumber : value };
}

/** Adds the trace-reading options to a command. */
function withReadOptions(cmd: Command): Command {
  return cmd
    .argument('<file>', 'trace file (for mahimahi: the downlink file)')
    .addOption(new Option('--format <format>', 'trace format').choices(TRACE_FORMATS).makeOptionMandatory())
    .option('--uplink <file>', 'mahimahi: the uplink file')
    .option('--window-ms <ms>', 'mahimahi, csv-columns: window of the bandwidth series (ms)', numberOption('--window-ms', { unit: 'ms', integer: true, min: 1, max: MAX_TRACE_MS }))
    .option('--uplink-fraction <f>', 'downlink-only formats: uplink = f x downlink', numberOption('--uplink-fraction', { unit: 'uplink / downlink bandwidth ratio', min: 0, exclusiveMin: true, max: 10 }))
    .option('--column <name>', '5gophers: throughput column (default throughput_mbps)')
    .option('--select <column=value>', '5gophers: row filter selecting one run (repeatable)', selection)
    .option('--time-column <name:unit>', 'csv-columns: the time column and its unit (s, ms, us, datetime), e.g. Timestamp:datetime')
    .option('--downlink-column <name:unit>', 'csv-columns: the downlink column and its unit (bps, kbps, Mbps, Gbps, bytesPerInterval), e.g. DL_bitrate:kbps')
    .option('--uplink-column <name:unit>', 'csv-columns: the uplink column and its unit (else --uplink-fraction of the downlink)');
}

/** The csv-columns mapping from the flags (undefined when none is given). */
function mappingOf(o: ReadOpts): ColumnMapping | undefined {
  if (o.timeColumn === undefined && o.downlinkColumn === undefined && o.uplinkColumn === undefined) return undefined;
  const need = (flag: string, text: string | undefined) => {
    if (text === undefined) throw new InputError({ file: flag, expected: 'COLUMN:UNIT (required with format csv-columns)', found: 'missing' });
    return text;
  };
  return {
    time: parseMappedColumn<TimeUnit>('--time-column', need('--time-column', o.timeColumn)),
    downlink: parseMappedColumn<BandwidthUnit>('--downlink-column', need('--downlink-column', o.downlinkColumn)),
    ...(o.uplinkColumn !== undefined ? { uplink: parseMappedColumn<BandwidthUnit>('--uplink-column', o.uplinkColumn) } : {}),
  };
}

/** A mapping problem (pointer `/downlink/unit`) is reported at its flag (`--downlink-column`). */
function atFlags(e: unknown): never {
  if (e instanceof InputError && e.issues.some((i) => i.pointer !== undefined)) {
    throw new InputError(e.issues.map((i) => (i.pointer === undefined ? i : {
      file: `--${i.pointer.split('/')[1]}-column`,
      expected: i.expected,
      found: `${i.found} (${i.line !== undefined ? `${i.file}:${i.line}` : i.file})`,
    })));
  }
  throw e;
}

function read(file: string, o: ReadOpts): Promise<NetworkTrace> {
  const options: TraceLoadOptions = {
    ...(o.uplink !== undefined ? { uplinkFile: o.uplink } : {}),
    ...(o.windowMs !== undefined ? { windowMs: o.windowMs } : {}),
    ...(o.uplinkFraction !== undefined ? { uplinkFraction: o.uplinkFraction } : {}),
    ...(o.column !== undefined ? { throughputColumn: o.column } : {}),
    ...(o.select !== undefined ? { select: o.select } : {}),
  };
  const columns = mappingOf(o);
  return loadTrace(file, o.format, columns ? { ...options, columns } : options).catch(atFlags);
}

/** Significant digits of a converted trace's values: enough for any measured rate, none of the float noise. */
const CONVERTED_DIGITS = 12;

const f2 = (v: number) => v.toFixed(2).padStart(12);
const statsRow = (name: string, s: BandwidthStats) =>
  `${name.padEnd(10)}${f2(s.timeWeightedMeanMbps)}${f2(s.sampleMeanMbps)}${f2(s.medianMbps)}${f2(s.p5Mbps)}${f2(s.p95Mbps)}${`${(s.outageFraction * 100).toFixed(1)}%`.padStart(9)}`;

/** Registers the `traces` command group. */
export function register(program: Command): void {
  const cmd = program.command('traces').description('inspect recorded network traces; list and fetch the trace catalog');

  withReadOptions(cmd.command('inspect'))
    .description('print sample count, duration, bandwidth statistics (Mbps) and sha256 of a trace file')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: ReadOpts & { json?: boolean }) => {
      const trace = await read(file, o);
      const stats = traceStats(trace);
      if (o.json) {
        const out = { file, format: o.format, source: trace.source, sha256: trace.sha256, derivedUplink: trace.derivedUplink, ...stats };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      process.stdout.write([
        `${trace.source} (${o.format})`,
        `sha256     ${trace.sha256}`,
        `samples    ${stats.samples}, duration ${stats.durationS.toFixed(3)} s${trace.derivedUplink ? ', uplink derived from downlink' : ''}`,
        ...(stats.meanRttMs !== null ? [`rtt        ${stats.meanRttMs.toFixed(1)} ms (time-weighted mean)`] : []),
        // Every column 12 characters wide, right-aligned: headers and values never run together.
        `${'Mbps'.padEnd(10)}${['mean(time)', 'mean(smpl)', 'median', 'p5', 'p95'].map((h) => h.padStart(12)).join('')}${'outage'.padStart(9)}`,
        statsRow('downlink', stats.downlink),
        statsRow('uplink', stats.uplink),
      ].join('\n') + '\n');
    });

  withReadOptions(cmd.command('convert'))
    .description('convert a trace file to the project CSV format (t_ms,uplink_mbps,downlink_mbps,rtt_ms)')
    .requiredOption('--out <file>', 'CSV file to write (written whole or not at all; never one of the input files; its folder is created when missing); values with 12 significant digits')
    .action(async (file: string, o: ReadOpts & { out: string }) => {
      const inputs = o.uplink === undefined ? [file] : [file, o.uplink];
      writeFileAtomic(o.out, formatCsvTrace(await read(file, o), CONVERTED_DIGITS), { what: 'the CSV trace to write', inputs });
      process.stdout.write(`wrote ${o.out}\n`);
    });

  withCatalogOption(cmd
    .command('list')
    .description('list the catalogued traces (the shipped catalog, and yours with --catalog or $ORCHBENCH_TRACE_CATALOG)'))
    .option('--json', 'print the catalog entries as JSON')
    .action((o: { json?: boolean; catalog: string[] }) => {
      useCatalogs(o.catalog);
      const entries = listCatalogEntries();
      if (o.json) {
        process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
        return;
      }
      const width = Math.max(...entries.map((e) => e.id.length));
      for (const e of entries) process.stdout.write(`${e.id.padEnd(width)}  ${e.format.padEnd(8)}  ${e.licence.split(/[ ;]/)[0]!.padEnd(10)}  ${e.description}\n`);
    });

  withCatalogOption(cmd
    .command('fetch'))
    .description('fetch catalogued traces into the cache (from a local mirror, else GitHub) and verify their sha256')
    .argument('<ids...>', 'catalog ids (see `orchbench traces list`)')
    .option('--mirror <dir>', 'local mirror laid out <owner>/<repo>/<commit>/<path> (repeatable, tried in order; default the folders of $ORCHBENCH_TRACE_MIRROR, a :-separated list, or ../shared/traces/mirror)', collect, [])
    .option('--cache <dir>', 'trace cache (default $ORCHBENCH_CACHE/traces or ~/.cache/orchbench/traces)')
    .action(async (ids: string[], o: { mirror: string[]; catalog: string[]; cache?: string }) => {
      useCatalogs(o.catalog);
      for (const id of ids) {
        const r = await fetchTrace(id, { ...(o.mirror.length ? { mirror: o.mirror } : {}), ...(o.cache ? { cacheDir: o.cache } : {}) });
        process.stdout.write(`ok  ${id}  ${r.path}${r.uplinkPath ? ` + ${r.uplinkPath}` : ''}\n`);
      }
    });
}
