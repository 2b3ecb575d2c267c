/**
 * A scenario's references to files of the user's own: trace files (`{"file", "format", ...}`) and
 * profile files (`{"file"}`), resolved relative to the scenario file's folder. Each file's sha256
 * is computed from the bytes read (and must equal the reference's `sha256` when it gives one);
 * traces carry it into the scenario hash and every result line (`traceSha256s`), profiles their
 * whole content (the scenario hash covers the compiled profiles).
 *
 * Every problem is reported at the scenario file and the reference's JSON pointer, with what was
 * found (a trace file's own line when the problem is inside it).
 */
import { dirname, resolve } from 'node:path';
import { formatIssue, InputError, type InputIssue, show } from '../errors.ts';
import { profileIssues } from '../profiles/load.ts';
import type { DeviceProfile } from '../profiles/types.ts';
import { schemaIssues } from '../schema.ts';
import { sha256Hex } from '../traces/formats/common.ts';
import { parseTraceBytes, type TraceLoadOptions } from '../traces/load.ts';
import type { NetworkTrace, TraceFormat } from '../traces/types.ts';
import type { FileTraceRef, LocalFileRef } from './types.ts';
import { readInputFile } from '../io/safe-file.ts';
import { MAX_TRACE_FILE_BYTES } from '../traces/formats/common.ts';

/** Where a reference sits: the scenario file and the reference's JSON pointer. */
export interface RefSite { scenarioFile: string; pointer: string }

/** The result of resolving a reference: the value, or the issues that stopped it. */
export type Resolved<T> = { ok: true; value: T } | { ok: false; issues: InputIssue[] };

/** Absolute path of a file named relative to the scenario's folder (an absolute path stays as is). */
export function localPath(scenarioFile: string, file: string): string {
  return resolve(dirname(scenarioFile), file);
}

/** Reads a referenced file and checks its sha256; issues at `pointer/<fileKey>` or `pointer/<shaKey>`. */
function readChecked(site: RefSite, file: string, sha256: string | undefined, keys: { file: string; sha: string }): Resolved<{ path: string; bytes: Uint8Array; sha256: string }> {
  const path = localPath(site.scenarioFile, file);
  let bytes: Uint8Array;
  try {
    // A regular file of bounded size (not a FIFO or a device, even through a link).
    bytes = readInputFile(path, { maxBytes: MAX_TRACE_FILE_BYTES, what: 'a trace or profile file' });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const why = e.issues.map((i) => `${i.found} (expected ${i.expected})`).join('; ');
    return { ok: false, issues: [{ file: site.scenarioFile, pointer: `${site.pointer}/${keys.file}`, expected: `a readable regular file, relative to the scenario's folder (${dirname(site.scenarioFile)})`, found: `${show(file)}: ${why} (${path})` }] };
  }
  const actual = sha256Hex(bytes);
  if (sha256 !== undefined && sha256 !== actual) {
    return { ok: false, issues: [{ file: site.scenarioFile, pointer: `${site.pointer}/${keys.sha}`, expected: `sha256 ${sha256} (as given) for ${path}`, found: `sha256 ${actual} (the file has changed, or the hash is wrong)` }] };
  }
  return { ok: true, value: { path, bytes, sha256: actual } };
}

/** Which reference fields each trace format takes (beyond file, format and sha256). */
const FIELD_FORMATS: Record<'uplinkFile' | 'uplinkSha256' | 'windowMs' | 'throughputColumn' | 'select' | 'columns', readonly TraceFormat[]> = {
  uplinkFile: ['mahimahi'],
  uplinkSha256: ['mahimahi'],
  windowMs: ['mahimahi', 'csv-columns'],
  throughputColumn: ['5gophers'],
  select: ['5gophers'],
  columns: ['csv-columns'],
};

/** Field issues of a schema-valid trace file reference. */
function fieldIssues(ref: FileTraceRef, site: RefSite): InputIssue[] {
  const at = (key: string, expected: string, found: string): InputIssue => ({ file: site.scenarioFile, pointer: `${site.pointer}/${key}`, expected, found });
  const issues: InputIssue[] = [];
  for (const [key, formats] of Object.entries(FIELD_FORMATS)) {
    if (ref[key as keyof FileTraceRef] !== undefined && !formats.includes(ref.format)) issues.push(at(key, `"${key}" only with format ${formats.join(' or ')}`, `format ${show(ref.format)}`));
  }
  if (ref.format === 'csv-columns' && !ref.columns) issues.push(at('columns', 'the column mapping of format csv-columns: {"time": {"column", "unit"}, "downlink": {...}, optional "uplink": {...}}', 'missing'));
  if (ref.uplinkSha256 !== undefined && ref.uplinkFile === undefined) issues.push(at('uplinkSha256', 'uplinkSha256 only with uplinkFile', 'no uplinkFile'));
  return issues;
}

/** An importer's issue, relocated to the reference: mapping problems at `columns/...`, file problems at `file`. */
function relocate(i: InputIssue, site: RefSite, ref: FileTraceRef): InputIssue {
  const inFile = i.line !== undefined ? ` (${i.file}:${i.line})` : ` (${i.file})`;
  if (i.pointer !== undefined) return { file: site.scenarioFile, pointer: `${site.pointer}/columns${i.pointer}`, expected: i.expected, found: `${i.found}${inFile}` };
  return { file: site.scenarioFile, pointer: `${site.pointer}/file`, expected: `a valid ${ref.format} trace: ${i.expected}`, found: `${i.found}${inFile}` };
}

/**
 * Loads a trace file reference: reads the file(s), checks sha256s, parses with the reference's
 * options; the trace's `source` is `file:<path as written>`.
 * @param uplinkFraction the scenario's, applied where the uplink is derived
 */
export function resolveTraceFile(ref: FileTraceRef, site: RefSite, uplinkFraction: number): Resolved<NetworkTrace> {
  const fields = fieldIssues(ref, site);
  if (fields.length) return { ok: false, issues: fields };
  const down = readChecked(site, ref.file, ref.sha256, { file: 'file', sha: 'sha256' });
  const up = ref.uplinkFile === undefined ? undefined : readChecked(site, ref.uplinkFile, ref.uplinkSha256, { file: 'uplinkFile', sha: 'uplinkSha256' });
  const failed = [down, up].flatMap((r) => (r && !r.ok ? r.issues : []));
  if (!down.ok || (up && !up.ok) || failed.length) return { ok: false, issues: failed };
  const derived = ref.format !== 'csv' && up === undefined && ref.columns?.uplink === undefined;
  const options: TraceLoadOptions = {
    ...(up ? { uplinkFile: up.value.path } : {}),
    ...(ref.windowMs !== undefined ? { windowMs: ref.windowMs } : {}),
    ...(ref.throughputColumn !== undefined ? { throughputColumn: ref.throughputColumn } : {}),
    ...(ref.select !== undefined ? { select: ref.select } : {}),
    ...(ref.columns !== undefined ? { columns: ref.columns } : {}),
    ...(derived ? { uplinkFraction } : {}),
    source: `file:${ref.uplinkFile === undefined ? ref.file : `${ref.file} + ${ref.uplinkFile}`}`,
  };
  try {
    return { ok: true, value: parseTraceBytes(down.value.path, down.value.bytes, up?.value.bytes, ref.format, options) };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { ok: false, issues: e.issues.map((i) => relocate(i, site, ref)) };
  }
}

/** Loads a profile file reference: reads it, checks its sha256, validates it (schema and semantics). */
export function resolveProfileFile(ref: LocalFileRef, site: RefSite): Resolved<DeviceProfile> {
  const read = readChecked(site, ref.file, ref.sha256, { file: 'file', sha: 'sha256' });
  if (!read.ok) return read;
  const { path, bytes } = read.value;
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    return { ok: false, issues: [{ file: site.scenarioFile, pointer: `${site.pointer}/file`, expected: 'a profile JSON file', found: `${(e as Error).message} (${path})` }] };
  }
  const issues = schemaIssues('profile', data, path);
  if (!issues.length) issues.push(...profileIssues(path, data as DeviceProfile));
  if (issues.length) {
    return { ok: false, issues: issues.map((i) => ({ file: site.scenarioFile, pointer: `${site.pointer}/file`, expected: `a valid profile (scenarios/schema/profile.schema.json): ${i.expected}`, found: `${i.found} at ${formatIssue(i).split(': expected')[0]}` })) };
  }
  return { ok: true, value: data as DeviceProfile };
}
