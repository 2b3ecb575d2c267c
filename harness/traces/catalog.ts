/**
 * The trace catalog (`scenarios/traces/catalog.json`): recorded traces named by public
 * repository, commit, path and sha256, so any machine can fetch the exact bytes and scenarios can
 * refer to a trace by id. Fetching by id is here; the mirror/HTTP/cache mechanics are in `fetch.ts`. Validated by `scenarios/schema/catalog.schema.json`
 * plus the cross-field checks a schema cannot express well (unique ids, options per format).
 */
import { delimiter, dirname, join, resolve } from 'node:path';
import { InputError, type InputIssue, show } from '../errors.ts';
import { readValidated } from '../schema.ts';
import { PACKAGE_ROOT } from '../version.ts';
import { fetchEntry, type FetchOptions, pathList, resolveEntry, type ResolvedCatalogTrace } from './fetch.ts';
import type { TraceLoadOptions } from './load.ts';
import type { CatalogEntry } from './types.ts';

/** The catalog the package ships. */
export const DEFAULT_CATALOG_FILE = join(PACKAGE_ROOT, 'scenarios', 'traces', 'catalog.json');

/** Environment variable naming the user's own catalogs, a path list like `PATH` (`--catalog` adds to it). */
export const CATALOG_ENV = 'ORCHBENCH_TRACE_CATALOG';

/** The catalogs ids are looked up in: the user's (`$ORCHBENCH_TRACE_CATALOG`, in order), then the shipped one. */
export function catalogFiles(): string[] {
  return [...pathList(process.env[CATALOG_ENV]).map((f) => resolve(f)), DEFAULT_CATALOG_FILE];
}

/**
 * Adds the user's catalogs (`--catalog FILE`, repeatable) for this process and the worker threads
 * it starts (through `$ORCHBENCH_TRACE_CATALOG`, which workers inherit). Each is validated now,
 * and an id two catalogs define differently is an error, so a bad catalog fails before any job.
 * @throws InputError with file and JSON pointer
 */
export function useCatalogs(files: readonly string[]): void {
  if (files.length === 0) return;
  const current = pathList(process.env[CATALOG_ENV]);
  process.env[CATALOG_ENV] = [...files.map((f) => resolve(f)), ...current].join(delimiter);
  allEntries();
}

/** Every entry of every active catalog with the file it came from; an id defined differently twice is an error. */
function allEntries(): { entry: CatalogEntry; file: string }[] {
  const out: { entry: CatalogEntry; file: string }[] = [];
  const seen = new Map<string, { entry: CatalogEntry; file: string; index: number }>();
  for (const file of catalogFiles()) {
    loadCatalog(file).forEach((entry, index) => {
      const first = seen.get(entry.id);
      if (first) {
        if (JSON.stringify(first.entry) !== JSON.stringify(entry)) {
          throw new InputError({ file, pointer: `/traces/${index}/id`, expected: `an id no other catalog in use defines differently`, found: `${show(entry.id)}, also at ${first.file}#/traces/${first.index}` });
        }
        return;
      }
      seen.set(entry.id, { entry, file, index });
      out.push({ entry, file });
    });
  }
  return out;
}

/** The catalog file's shape. */
export interface TraceCatalog {
  version: 1;
  description?: string;
  traces: CatalogEntry[];
}

/** Option keys with a fixed meaning; any other key of a 5gophers entry is a row filter. */
const NAMED_OPTIONS = new Set(['windowMs', 'uplinkFraction', 'throughputColumn']);

/**
 * The {@link TraceLoadOptions} an entry's `options` stand for. `windowMs`, `uplinkFraction` and
 * `throughputColumn` pass through; for 5gophers every other key is a row filter (`select`).
 */
export function catalogLoadOptions(entry: CatalogEntry): TraceLoadOptions {
  const o = entry.options ?? {};
  const select = Object.fromEntries(Object.entries(o).filter(([k]) => !NAMED_OPTIONS.has(k)));
  return {
    ...(o.windowMs !== undefined ? { windowMs: Number(o.windowMs) } : {}),
    ...(o.uplinkFraction !== undefined ? { uplinkFraction: Number(o.uplinkFraction) } : {}),
    ...(o.throughputColumn !== undefined ? { throughputColumn: String(o.throughputColumn) } : {}),
    ...(Object.keys(select).length ? { select } : {}),
  };
}

/** Which options each format accepts (the rest of the checking happens when the trace loads). */
const FORMAT_OPTIONS: Record<CatalogEntry['format'], (key: string) => boolean> = {
  csv: () => false,
  pensieve: (k) => k === 'uplinkFraction',
  mahimahi: (k) => k === 'windowMs' || k === 'uplinkFraction',
  '5gophers': (k) => k !== 'windowMs',
};

/** Cross-field issues of a schema-valid catalog. */
function catalogIssues(catalog: TraceCatalog, file: string): InputIssue[] {
  const issues: InputIssue[] = [];
  const seen = new Map<string, number>();
  catalog.traces.forEach((e, i) => {
    const at = `/traces/${i}`;
    const first = seen.get(e.id);
    if (first !== undefined) issues.push({ file, pointer: `${at}/id`, expected: 'a unique id', found: `${show(e.id)}, also at /traces/${first}/id` });
    seen.set(e.id, i);
    const repo = ['repository', 'commit', 'path'] as const;
    if (e.file === undefined) {
      for (const k of repo) if (e[k] === undefined) issues.push({ file, pointer: `${at}/${k}`, expected: `"${k}" (with repository, commit and path), or "file" for a local trace file`, found: 'missing' });
    } else {
      for (const k of [...repo, 'uplinkPath'] as const) if (e[k] !== undefined) issues.push({ file, pointer: `${at}/${k}`, expected: `no "${k}" in an entry with "file" (one source: a repository or a local file)`, found: show(e[k]) });
    }
    for (const k of ['uplinkPath', 'uplinkFile'] as const) {
      if (e[k] !== undefined && e.format !== 'mahimahi') issues.push({ file, pointer: `${at}/${k}`, expected: `${k} only with format "mahimahi"`, found: `format ${show(e.format)}` });
    }
    if (e.uplinkSha256 !== undefined && e.uplinkPath === undefined && e.uplinkFile === undefined) {
      issues.push({ file, pointer: `${at}/uplinkSha256`, expected: 'uplinkSha256 only with uplinkPath or uplinkFile', found: 'neither' });
    }
    for (const key of Object.keys(e.options ?? {})) {
      if (!FORMAT_OPTIONS[e.format](key)) issues.push({ file, pointer: `${at}/options/${key}`, expected: `an option of format ${e.format}`, found: show(key) });
    }
  });
  return issues;
}

const cache = new Map<string, CatalogEntry[]>();

/**
 * Reads and validates a catalog (default: the shipped one); cached per file.
 * @throws InputError with a JSON pointer for every problem
 */
export function loadCatalog(file: string = DEFAULT_CATALOG_FILE): CatalogEntry[] {
  let entries = cache.get(file);
  if (!entries) {
    const catalog = readValidated<TraceCatalog>('catalog', file);
    const issues = catalogIssues(catalog, file);
    if (issues.length) throw new InputError(issues);
    // Local files are named relative to the catalog's folder: make them absolute once.
    const abs = (p: string) => resolve(dirname(file), p);
    entries = catalog.traces.map((e) => (e.file === undefined ? e : { ...e, file: abs(e.file), ...(e.uplinkFile !== undefined ? { uplinkFile: abs(e.uplinkFile) } : {}) }));
    cache.set(file, entries);
  }
  return entries;
}

/** Every entry of one catalog file, or of every active catalog ({@link catalogFiles}) when `file` is omitted. */
export function listCatalogEntries(file?: string): CatalogEntry[] {
  return file === undefined ? allEntries().map((e) => e.entry) : loadCatalog(file);
}

/** The entry with this id (in `file`, or in every active catalog), or undefined. */
export function findCatalogEntry(id: string, file?: string): CatalogEntry | undefined {
  return listCatalogEntries(file).find((e) => e.id === id);
}

/** The entry with this id; an unknown id is an InputError listing the known ones. */
export function getCatalogEntry(id: string, file?: string): CatalogEntry {
  const entry = findCatalogEntry(id, file);
  if (!entry) {
    const where = file ?? catalogFiles().join(', ');
    throw new InputError({ file: where, expected: `a catalogued trace id (one of ${listCatalogEntries(file).map((e) => e.id).join(', ')})`, found: show(id) });
  }
  return entry;
}

/** {@link FetchOptions} plus the catalog to look ids up in. */
export interface CatalogFetchOptions extends FetchOptions {
  /** Catalog file (default: every active catalog, see {@link catalogFiles}). */
  catalogFile?: string;
}

/**
 * Fetches a catalogued trace by id into the cache (mirror first, else HTTP), verifying sha256.
 * @throws InputError for an unknown id, an unreachable source or a hash mismatch (nothing cached)
 */
export function fetchTrace(id: string, options: CatalogFetchOptions = {}): Promise<ResolvedCatalogTrace> {
  return fetchEntry(getCatalogEntry(id, options.catalogFile), options);
}

/** Local paths of a catalogued trace: the intact cached files, else fetched. For the scenario loader. */
export function resolveCatalogTrace(id: string, options: CatalogFetchOptions = {}): Promise<ResolvedCatalogTrace> {
  return resolveEntry(getCatalogEntry(id, options.catalogFile), options);
}
