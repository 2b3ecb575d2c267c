/**
 * A CSV file with a header row, parsed by csv-parse, with the line of every record kept so that
 * importers can report problems as `file:line`.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { InputError } from '../../errors.ts';

/** One data row: its fields and the (1-based) line it ends on. */
export interface TableRow { fields: string[]; line: number }

/** A parsed CSV table. */
export interface CsvTable { header: string[]; headerLine: number; rows: TableRow[] }

/**
 * Parses `bytes` as CSV with a header row. Empty lines and `#` comment lines are skipped; fields
 * are trimmed. Malformed CSV (unclosed quote, a row with a different field count) is an
 * InputError at the line csv-parse reports.
 * @param expectedHeader described in the error when the file has no header row at all
 */
export function readCsvTable(bytes: Uint8Array, file: string, expectedHeader: string): CsvTable {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(Buffer.from(bytes), { info: true, comment: '#', skip_empty_lines: true, trim: true, bom: true }) as unknown as typeof records;
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const line = typeof e.lines === 'number' ? e.lines : undefined;
    throw new InputError({ file, ...(line !== undefined ? { line } : {}), expected: 'well-formed CSV (RFC 4180, one record per line, equal field counts)', found: e.message });
  }
  const head = records[0];
  if (!head) throw new InputError({ file, line: 1, expected: `a header row ${expectedHeader}`, found: 'an empty file' });
  return {
    header: head.record,
    headerLine: head.info.lines,
    rows: records.slice(1).map((r) => ({ fields: r.record, line: r.info.lines })),
  };
}
