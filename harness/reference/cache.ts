/**
 * The content-addressed reference cache. A reference (random, myopic, planning, the upper bound)
 * depends only on what its key names (scenario hash, seed, scale, phase or segments, reference
 * options), never on the agent: it is computed once per thread and, given a run folder, once per
 * run, stored as `DIR/references/<sha256 of the key>.json` (`{ key, value }`) and reused by other
 * threads, `--resume` and `merge`. `verify` never passes a folder: it recomputes every reference.
 *
 * Values are stored as JSON with non-finite numbers and -0 spelled out, so a value read back is
 * bit-identical to the one computed (a JSON number round-trips a double exactly).
 *
 * Shipped bundles (`scenarios/reference-cache/*.json`): the references of the default suite's jobs
 * as the main command and the published testing run plan them, computed once and committed, so a
 * run does not spend most of its time recomputing the same values (the v4 main command spent 1,040
 * of its 1,753 CPU s on references). A run seeds its folder's cache from them
 * ({@link seedReferenceCache}), only when a bundle's `codeHash` equals the hash of the code that
 * computes references today ({@link referenceCodeHash}): any change to the simulator or the
 * references makes every bundle stale (ignored, said in the run's output) until it is regenerated
 * (`bench/reference-bundle.ts`). `verify` never reads them.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { threadId } from 'node:worker_threads';
import { InputError, show } from '../errors.ts';
import { canonicalHash } from '../hash.ts';
import { PACKAGE_ROOT } from '../version.ts';

/** The folder of a run's reference cache. */
export const REFERENCES_DIR = 'references';

/** What a reference's value depends on: plain JSON data (no undefined). */
export type ReferenceKey = Record<string, string | number | boolean | null | readonly (string | number)[]>;

// Per thread: a worker runs many jobs on few (scenario, seed) pairs. `computed`: by this thread,
// not read from a folder (a call without a folder, as verify's, uses only those).
const memory = new Map<string, { value: unknown; computed: boolean }>();

// Numbers JSON cannot spell (or spells as another: -0 as 0), written as `{ "number": name }`.
const SPELLED = new Map<string, number>([['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['-0', -0]]);

function encode(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { number: Object.is(v, -0) ? '-0' : String(v) } : v));
}

function decode(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const n = (v as { number?: unknown }).number;
      if (keys.length === 1 && typeof n === 'string' && SPELLED.has(n)) return SPELLED.get(n);
    }
    return v;
  });
}

/** The cache file of `key` under a run folder. */
export function referenceFile(outDir: string, key: ReferenceKey): string {
  return join(outDir, REFERENCES_DIR, `${canonicalHash(key)}.json`);
}

/** The value stored for `key` under `outDir`, or undefined (absent, unreadable, or stored for another key). */
export function readCachedReference(outDir: string, key: ReferenceKey): unknown {
  let stored: { key?: unknown; value?: unknown };
  try {
    stored = decode(readFileSync(referenceFile(outDir, key), 'utf8')) as typeof stored;
  } catch {
    return undefined;
  }
  return stored.key !== undefined && canonicalHash(stored.key) === canonicalHash(key) ? stored.value : undefined;
}

/**
 * The reference of `key`: from this thread's memory, else from `outDir`'s cache when given, else
 * computed (and stored in both). Without `outDir` only values this thread computed are used. A write goes to a temporary file renamed into place, so a
 * reader never sees half a file; two threads computing the same key write the same content.
 */
export function cachedReference<T>(key: ReferenceKey, compute: () => T, outDir?: string): T {
  const id = canonicalHash(key);
  const known = memory.get(id);
  if (known && (known.computed || outDir !== undefined)) {
    // Known from another folder (a thread serving several runs): this folder gets it too.
    if (outDir !== undefined && !existsSync(referenceFile(outDir, key))) store(outDir, key, known.value);
    return known.value as T;
  }
  let value = outDir !== undefined ? (readCachedReference(outDir, key) as T | undefined) : undefined;
  const computed = value === undefined;
  if (value === undefined) {
    value = compute();
    if (outDir !== undefined) store(outDir, key, value);
  }
  memory.set(id, { value, computed });
  return value;
}

/** Writes a cache file through a temporary file renamed into place. */
function store(outDir: string, key: ReferenceKey, value: unknown): void {
  const file = referenceFile(outDir, key);
  mkdirSync(join(outDir, REFERENCES_DIR), { recursive: true });
  const tmp = `${file}.${process.pid}-${threadId}.tmp`;
  writeFileSync(tmp, encode({ key, value }));
  renameSync(tmp, file);
}

/** The folder of the shipped reference bundles. */
export const SHIPPED_REFERENCES_DIR = join(PACKAGE_ROOT, 'scenarios', 'reference-cache');

/** The code a reference's value depends on besides its key: the simulator, the references, scoring's segments, the scenario compiler, the random streams. */
const REFERENCE_CODE = ['harness/env', 'harness/reference', 'harness/score', 'harness/scenario', 'harness/profiles', 'harness/rng.ts', 'harness/hash.ts'];

function codeFiles(rel: string): string[] {
  const abs = join(PACKAGE_ROOT, rel);
  if (rel.endsWith('.ts')) return [abs];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).sort().map((f) => join(abs, f));
}

/** The hash of the code that computes references ({@link REFERENCE_CODE}): a shipped bundle is used only while it is the same. */
export function referenceCodeHash(): string {
  const h = createHash('sha256');
  for (const f of REFERENCE_CODE.flatMap(codeFiles)) {
    const bytes = readFileSync(f);
    h.update(`${relative(PACKAGE_ROOT, f)}\0${bytes.length}\0`).update(bytes);
  }
  return h.digest('hex');
}

/** A shipped bundle: the code hash it was computed with and its entries. */
export interface ReferenceBundle {
  codeHash: string;
  entries: { key: ReferenceKey; value: unknown }[];
}

/** Writes a bundle of every reference cached under `runDirs` (their `references/` folders) to `file`. */
export function writeReferenceBundle(runDirs: readonly string[], file: string): number {
  const entries = new Map<string, { key: ReferenceKey; value: unknown }>();
  for (const dir of runDirs) {
    for (const name of readdirSync(join(dir, REFERENCES_DIR)).filter((n) => /^[0-9a-f]{64}\.json$/.test(n)).sort()) {
      const stored = decode(readFileSync(join(dir, REFERENCES_DIR, name), 'utf8')) as { key: ReferenceKey; value: unknown };
      entries.set(canonicalHash(stored.key), stored);
    }
  }
  const bundle: ReferenceBundle = { codeHash: referenceCodeHash(), entries: [...entries.keys()].sort().map((k) => entries.get(k)!) };
  writeFileSync(file, `${encode(bundle)}\n`);
  return entries.size;
}

/**
 * Reads a bundle file, checking its shape: a damaged one is refused with its file and what was
 * expected, not half-used.
 * @throws InputError naming the file and the JSON pointer.
 */
function readBundle(file: string): ReferenceBundle {
  let doc: unknown;
  try {
    doc = decode(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError({ file, expected: 'a reference bundle (JSON, written by bench/reference-bundle.ts)', found: e instanceof Error ? e.message : String(e) });
  }
  const b = doc as Partial<ReferenceBundle> | null;
  if (b === null || typeof b !== 'object' || typeof b.codeHash !== 'string') throw new InputError({ file, pointer: '/codeHash', expected: 'the hash of the reference code (a string)', found: show(b?.codeHash) });
  if (!Array.isArray(b.entries)) throw new InputError({ file, pointer: '/entries', expected: 'an array of { key, value }', found: show(b.entries) });
  const bad = b.entries.findIndex((e: unknown) => e === null || typeof e !== 'object' || typeof (e as { key?: { scenarioHash?: unknown } }).key?.scenarioHash !== 'string' || !('value' in e));
  if (bad >= 0) throw new InputError({ file, pointer: `/entries/${bad}`, expected: '{ key: { scenarioHash, ... }, value }', found: show(b.entries[bad]) });
  return b as ReferenceBundle;
}

/**
 * Seeds `outDir`'s cache with the entries of the shipped bundles in `dir` whose code hash is
 * today's, for the scenarios of `scenarioHashes` (the run's; a file the folder already has is kept).
 * @returns entries copied, and the bundles ignored as stale.
 */
export function seedReferenceCache(outDir: string, scenarioHashes: ReadonlySet<string>, dir: string = SHIPPED_REFERENCES_DIR): { copied: number; stale: string[] } {
  const out = { copied: 0, stale: [] as string[] };
  if (!existsSync(dir)) return out;
  const code = referenceCodeHash();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const bundle = readBundle(join(dir, name));
    if (bundle.codeHash !== code) {
      out.stale.push(name);
      continue;
    }
    for (const { key, value } of bundle.entries) {
      if (!scenarioHashes.has(key.scenarioHash as string) || existsSync(referenceFile(outDir, key))) continue;
      store(outDir, key, value);
      out.copied++;
    }
  }
  return out;
}

/** Forgets this thread's memory (tests: to read a value back from a folder, or recompute it). */
export function clearReferenceMemory(): void {
  memory.clear();
}

/**
 * Copies the reference caches of run folders into `outDir`'s (`merge`): shards of one run share
 * their references. A file `outDir` already has is kept (the same name is the same key).
 * @returns how many files were copied.
 */
export function mergeReferenceCaches(dirs: readonly string[], outDir: string): number {
  let copied = 0;
  for (const dir of dirs) {
    const from = join(dir, REFERENCES_DIR);
    if (!existsSync(from)) continue;
    for (const name of readdirSync(from)) {
      if (!/^[0-9a-f]{64}\.json$/.test(name)) continue;
      const to = join(outDir, REFERENCES_DIR, name);
      if (existsSync(to)) continue;
      mkdirSync(join(outDir, REFERENCES_DIR), { recursive: true });
      copyFileSync(join(from, name), to);
      copied++;
    }
  }
  return copied;
}
