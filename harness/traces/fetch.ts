/**
 * Fetching catalogued traces: from a local mirror laid out `<owner>/<repo>/<commit>/<path>`, else
 * from `https://raw.githubusercontent.com/<owner>/<repo>/<commit>/<path>`; the bytes must match the
 * catalog's sha256 before anything is written. Verified files are cached under the same layout
 * (written to a temporary file, then renamed, so a crash never leaves a partial file).
 *
 * Mirrors: the option's folders, else `$ORCHBENCH_TRACE_MIRROR` (a path list like `PATH`, folders
 * separated by `:`, `;` on Windows), else `../shared/traces/mirror` beside the package when it
 * exists; they are tried in order. Cache = option, else `$ORCHBENCH_CACHE/traces`, else
 * `~/.cache/orchbench/traces`.
 */
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { ensureDir, readInputFile } from '../io/safe-file.ts';
import { PACKAGE_ROOT } from '../version.ts';
import { MAX_TRACE_FILE_BYTES, sha256Hex } from './formats/common.ts';
import type { CatalogEntry } from './types.ts';

/** Where to fetch from and cache to. */
export interface FetchOptions {
  /** Local mirror roots (`<owner>/<repo>/<commit>/<path>` below each), tried in order. */
  mirror?: string | readonly string[];
  /** Cache root for traces. */
  cacheDir?: string;
  /** HTTP client, for tests; default the global `fetch`. */
  fetchFn?: typeof fetch;
}

/** A catalogued trace available as local files. */
export interface ResolvedCatalogTrace {
  entry: CatalogEntry;
  /** Local path of `entry.path` (the downlink file for mahimahi). */
  path: string;
  /** Local path of `entry.uplinkPath`, when the entry has one. */
  uplinkPath?: string;
}

/** Splits a path list (`a:b`, `;` on Windows), dropping empty entries. */
export function pathList(text: string | undefined): string[] {
  return (text ?? '').split(delimiter).filter((p) => p !== '');
}

/** The mirrors to try, in order: the option's, else `$ORCHBENCH_TRACE_MIRROR`'s, else `../shared/traces/mirror` beside the package. */
export function mirrorDirs(option?: string | readonly string[]): string[] {
  const given = typeof option === 'string' ? [option] : [...(option ?? [])];
  if (given.length) return given;
  const env = pathList(process.env.ORCHBENCH_TRACE_MIRROR);
  if (env.length) return env;
  const shared = resolve(PACKAGE_ROOT, '..', 'shared', 'traces', 'mirror');
  return existsSync(shared) ? [shared] : [];
}

/** The trace cache root: option, `$ORCHBENCH_CACHE/traces`, or `~/.cache/orchbench/traces`. */
export function defaultCacheDir(option?: string): string {
  if (option) return option;
  return process.env.ORCHBENCH_CACHE ? join(process.env.ORCHBENCH_CACHE, 'traces') : join(homedir(), '.cache', 'orchbench', 'traces');
}

/** The public raw-file URL of a file of a repository at a commit. */
export function rawUrl(repository: string, commit: string, path: string): string {
  return `https://raw.githubusercontent.com/${repository}/${commit}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** One file of an entry: its repository path and expected hash. */
interface FileRef { repository: string; commit: string; path: string; sha256: string }

/** The repository files of an entry with a repository source (the catalog check guarantees the fields). */
function filesOf(entry: CatalogEntry): FileRef[] {
  const at = { repository: entry.repository!, commit: entry.commit! };
  const files: FileRef[] = [{ ...at, path: entry.path!, sha256: entry.sha256 }];
  if (entry.uplinkPath && entry.uplinkSha256) files.push({ ...at, path: entry.uplinkPath, sha256: entry.uplinkSha256 });
  return files;
}

/** A local file of an entry (a catalog of the user's own), read to check its sha256; it is used where it is, not cached. */
function checkedLocal(path: string, sha256: string): string {
  const bytes = readTraceFile(path, 'a trace file (named by a catalog entry\'s "file")');
  const actual = sha256Hex(bytes);
  if (actual !== sha256) throw new InputError({ file: path, expected: `sha256 ${sha256} (from the catalog)`, found: `sha256 ${actual}` });
  return path;
}

/**
 * A catalog's local, mirrored or cached file, read like every trace file: a regular file of at
 * most 16 MiB (a FIFO or a device, even through a link, is refused instead of read forever).
 */
const readTraceFile = (path: string, what: string): Buffer => readInputFile(path, { maxBytes: MAX_TRACE_FILE_BYTES, what });

/** Relative location of a file under a mirror or cache root. */
const layout = (f: FileRef) => join(...f.repository.split('/'), f.commit, ...f.path.split('/'));

/** The bytes of a file from the first mirror that has it, else over HTTP. */
async function download(f: FileRef, mirrors: readonly string[], fetchFn: typeof fetch): Promise<{ bytes: Uint8Array; from: string }> {
  const local = mirrors.map((m) => join(m, layout(f))).find((p) => existsSync(p));
  if (local) return { bytes: readTraceFile(local, 'a mirrored trace file'), from: local };
  const url = rawUrl(f.repository, f.commit, f.path);
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (e) {
    throw new InputError({ file: url, expected: 'a reachable URL (offline? set --mirror or ORCHBENCH_TRACE_MIRROR to a local mirror)', found: (e as Error).message });
  }
  if (!res.ok) throw new InputError({ file: url, expected: 'HTTP 200', found: `HTTP ${res.status}` });
  return { bytes: new Uint8Array(await res.arrayBuffer()), from: url };
}

let tmpCounter = 0;

/** Writes `bytes` to `dest` atomically: a temporary file beside it, then a rename. */
export async function writeAtomic(dest: string, bytes: Uint8Array | string): Promise<void> {
  ensureDir(dirname(dest), { what: 'the trace cache folder' });
  const tmp = `${dest}.${process.pid}.${++tmpCounter}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, dest);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Downloads one file, verifies its hash (a mismatch is an InputError and nothing is written) and caches it. */
async function fetchFile(f: FileRef, o: FetchOptions): Promise<string> {
  const { bytes, from } = await download(f, mirrorDirs(o.mirror), o.fetchFn ?? fetch);
  const actual = sha256Hex(bytes);
  if (actual !== f.sha256) throw new InputError({ file: from, expected: `sha256 ${f.sha256} (from the catalog)`, found: `sha256 ${actual}` });
  const dest = join(defaultCacheDir(o.cacheDir), layout(f));
  await writeAtomic(dest, bytes);
  return dest;
}

/** The cached path of a file when present with the right hash, else undefined. */
function cached(f: FileRef, o: FetchOptions): string | undefined {
  const path = join(defaultCacheDir(o.cacheDir), layout(f));
  if (!existsSync(path)) return undefined;
  return sha256Hex(readTraceFile(path, 'a cached trace file')) === f.sha256 ? path : undefined;
}

/**
 * Fetches an entry's file(s) (the mahimahi uplink too) into the cache, always re-reading the
 * source and verifying its sha256.
 * @throws InputError for an unreachable source or a hash mismatch
 */
export async function fetchEntry(entry: CatalogEntry, options: FetchOptions = {}): Promise<ResolvedCatalogTrace> {
  return localFiles(entry, (f) => fetchFile(f, options));
}

/** Local paths of an entry's file(s): the cached files when present and intact, else fetched. */
export async function resolveEntry(entry: CatalogEntry, options: FetchOptions = {}): Promise<ResolvedCatalogTrace> {
  return localFiles(entry, async (f) => cached(f, options) ?? fetchFile(f, options));
}

async function localFiles(entry: CatalogEntry, get: (f: FileRef) => Promise<string>): Promise<ResolvedCatalogTrace> {
  const [path, uplinkPath] = entry.file !== undefined
    ? [checkedLocal(entry.file, entry.sha256), ...(entry.uplinkFile && entry.uplinkSha256 ? [checkedLocal(entry.uplinkFile, entry.uplinkSha256)] : [])]
    : await Promise.all(filesOf(entry).map(get));
  return { entry, path: path!, ...(uplinkPath ? { uplinkPath } : {}) };
}
