/**
 * Merging shard directories into one: results deduplicated by jobHash, with a conflict (the same
 * job with two different `ok` results) reported as an error rather than silently resolved.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, type InputIssue } from '../errors.ts';
import { MAX_JSON_BYTES } from '../io/json-limits.ts';
import { readInputText } from '../io/safe-file.ts';
import { mergeReferenceCaches } from '../reference/cache.ts';
import { RESULTS_FILE } from './execute.ts';
import { JournalWriter, latestByJob, readJournal, type SkippedLine } from './journal.ts';
import { prepareOutDir } from './out-dir.ts';
import type { JobResult, RunManifest } from './types.ts';

export const MANIFEST_FILE = 'run.json';

/** Writes `DIR/run.json` atomically (temp file + rename), so a reader never sees half of it. */
export function writeManifest(dir: string, manifest: RunManifest): void {
  prepareOutDir(dir);
  const tmp = join(dir, `${MANIFEST_FILE}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, join(dir, MANIFEST_FILE));
}

/** Reads `DIR/run.json`. @throws InputError when it is missing or not JSON. */
export function readManifest(dir: string): RunManifest {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw new InputError({ file, expected: 'a run manifest written by `orchbench run`', found: 'no such file' });
  const text = readInputText(file, { maxBytes: MAX_JSON_BYTES, what: 'a run manifest written by `orchbench run`' });
  try {
    return JSON.parse(text) as RunManifest;
  } catch (e) {
    throw new InputError({ file, expected: 'JSON', found: (e as Error).message });
  }
}

/** What is missing from a merge: shards not given, shards short of their slice, and the total. */
function missingIssues(dirs: readonly string[], manifests: readonly RunManifest[], results: readonly JobResult[]): InputIssue[] {
  const first = manifests[0]!;
  const issues: InputIssue[] = [];
  const count = Number(first.shard?.split('/')[1]);
  if (count) {
    const seen = new Set(manifests.map((m) => m.shard?.split('/')[0]));
    const absent = Array.from({ length: count }, (_, i) => String(i + 1)).filter((i) => !seen.has(i));
    if (absent.length) issues.push({ file: 'merge', expected: `every shard of ${count}`, found: `no directory for shard ${absent.map((i) => `${i}/${count}`).join(', ')}` });
  }
  dirs.forEach((dir, i) => {
    const have = new Set(readJournal(join(dir, RESULTS_FILE)).results.map((r) => r.jobHash)).size;
    const want = manifests[i]!.jobsInSlice;
    if (have < want) issues.push({ file: join(dir, RESULTS_FILE), expected: `${want} jobs (its slice${manifests[i]!.shard ? ` of shard ${manifests[i]!.shard}` : ''})`, found: `${have}: unfinished? rerun it with --resume` });
  });
  issues.push({ file: 'merge --strict', expected: `a result for each of the ${first.jobsPlanned} planned jobs`, found: `${first.jobsPlanned - results.length} without one; nothing written` });
  return issues;
}

export interface MergeResult {
  results: JobResult[];
  manifest: RunManifest;
  /** Skipped journal lines per input directory. */
  skipped: { dir: string; lines: SkippedLine[] }[];
}

/**
 * Merges run directories (typically the shards of one run) into `outDir`: a new journal with one
 * line per job (sorted by jobHash), a manifest, and their reference caches.
 * @param opts.strict refuse (writing nothing) when any planned job has no result
 * @throws InputError when an input lacks a manifest, the inputs are not from the same run (suite,
 *   seeds, root seed, harness version), the same jobHash has two different ok results, `outDir`
 *   already holds results, or (strict) a planned job has no result.
 */
export function mergeRuns(dirs: readonly string[], outDir: string, command: string[], opts: { strict?: boolean } = {}): MergeResult {
  if (dirs.length === 0) throw new InputError({ file: 'merge', expected: 'at least one run directory', found: 'none' });
  const outFile = join(outDir, RESULTS_FILE);
  if (existsSync(outFile)) throw new InputError({ file: outFile, expected: 'no results yet in the output directory', found: 'an existing results file' });
  const manifests = dirs.map(readManifest);
  const first = manifests[0]!;
  const issues: InputIssue[] = [];
  manifests.forEach((m, i) => {
    for (const key of ['suite', 'seeds', 'rootSeed', 'harnessVersion'] as const) {
      if (m[key] !== first[key]) issues.push({ file: join(dirs[i]!, MANIFEST_FILE), pointer: `/${key}`, expected: `${JSON.stringify(first[key])} (as in ${dirs[0]})`, found: JSON.stringify(m[key]) });
    }
  });
  const all: JobResult[] = [];
  const skipped: MergeResult['skipped'] = [];
  const okBy = new Map<string, { hash: string; dir: string }>();
  dirs.forEach((dir) => {
    const j = readJournal(join(dir, RESULTS_FILE));
    if (j.skipped.length) skipped.push({ dir, lines: j.skipped });
    for (const r of j.results) {
      const prev = okBy.get(r.jobHash);
      if (r.status === 'ok' && prev && prev.hash !== r.resultHash) {
        issues.push({ file: join(dir, RESULTS_FILE), expected: `job ${r.jobHash} with resultHash ${prev.hash} (as in ${prev.dir})`, found: `resultHash ${r.resultHash}` });
      }
      if (r.status === 'ok' && !prev) okBy.set(r.jobHash, { hash: r.resultHash, dir });
      all.push(r);
    }
  });
  if (issues.length) throw new InputError(issues);
  const results = latestByJob(all);
  if (opts.strict && results.length < first.jobsPlanned) throw new InputError(missingIssues(dirs, manifests, results));
  const { shard: _shard, ...rest } = first;
  const manifest: RunManifest = {
    ...rest,
    command,
    agents: [...new Set(manifests.flatMap((m) => m.agents))],
    ...(manifests.some((m) => m.submissions) ? { submissions: [...new Map(manifests.flatMap((m) => m.submissions ?? []).map((s) => [s.name, s])).values()] } : {}),
    scenarios: [...new Set(manifests.flatMap((m) => m.scenarios))],
    jobsInSlice: results.length,
  };
  writeManifest(outDir, manifest);
  // The shards' references (`harness/reference/cache.ts`), for a later --resume of the merged folder.
  mergeReferenceCaches(dirs, outDir);
  const writer = new JournalWriter(outFile);
  try {
    for (const r of results) writer.append(r);
  } finally {
    writer.close();
  }
  return { results, manifest, skipped };
}
