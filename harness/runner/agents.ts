/**
 * Where a job's agent comes from: a baseline of the registry (`baselines/index.ts`), a submission
 * folder (`submission.json` + its entry module or external command, loaded by
 * `harness/submission/load.ts`, in-process or sandboxed), or a bare module file exporting
 * `createAgent` (in-process). Also which source files make up the agent, for its code hash.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BASELINES, baselineFile, listBaselines } from '../../baselines/index.ts';
import type { AgentFactory } from '../agent.ts';
import { didYouMean } from '../suggest.ts';
import { InputError } from '../errors.ts';
import { submissionFactory } from '../submission/load.ts';
import { folderFiles } from '../submission/files.ts';
import { readSubmission, type Submission } from '../submission/manifest.ts';
import type { ProcessLimits } from '../submission/process-agent.ts';
import { PACKAGE_ROOT } from '../version.ts';
import type { JobSpec } from './types.ts';

export interface ResolvedAgent {
  name: string;
  kind: JobSpec['agentKind'];
  privileged: boolean;
  /** Source files hashed into the job hash: the entry file and the relative imports it makes within its folder. */
  files: string[];
  /** The folder `files` are named relative to in the code hash (the package, or the submission folder). */
  root: string;
  /** The factory; `limits` apply to a submission's process (sandboxed or external). */
  load(limits?: Partial<ProcessLimits>): Promise<AgentFactory>;
}

/** The baselines' folder: imports within it are part of a baseline's code hash. */
const BASELINES_DIR = dirname(baselineFile('random'));

const IMPORT_RE = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Extensions tried for an import written without one (`'./helper'`), or with `.js` for a `.ts` file. */
const EXTENSIONS = ['', '.ts', '.mts', '.js', '.mjs', '/index.ts', '/index.js'];

/** The file a relative import names: as written, or with an extension added (or `.js` read as `.ts`). */
function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  const candidates = [...EXTENSIONS.map((e) => base + e), ...(/\.m?js$/.test(base) ? [base.replace(/\.(m?)js$/, '.$1ts')] : [])];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/**
 * The entry file plus, transitively, the files it imports by relative path inside `folder` (by
 * default the entry's own folder; e.g. `baselines/common.ts`; with or without extension), sorted.
 * Imports leaving the folder are harness code, covered by the harness version.
 */
export function agentSourceFiles(entry: string, folder: string = dirname(entry)): string[] {
  const root = resolve(folder) + sep;
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT_RE)) {
      const dep = resolveImport(file, m[1]!);
      if (dep?.startsWith(root)) visit(dep);
    }
  };
  visit(entry);
  return [...seen].sort();
}

function moduleFactory(file: string): () => Promise<AgentFactory> {
  return async () => {
    const mod = (await import(pathToFileURL(file).href)) as { createAgent?: unknown };
    if (typeof mod.createAgent !== 'function') {
      throw new InputError({ file, expected: 'a module exporting `createAgent: AgentFactory`', found: `createAgent is ${typeof mod.createAgent}` });
    }
    return mod.createAgent as AgentFactory;
  };
}

/** The files that make up a submission: every file of its folder (see {@link folderFiles}). */
export function submissionFiles(sub: Submission): string[] {
  return folderFiles(sub.dir);
}

/** A submission folder as a job's agent; `sandbox` applies to JavaScript/TypeScript entries. */
function resolveSubmission(spec: Pick<JobSpec, 'agent' | 'sandbox'>, dir: string): ResolvedAgent {
  const { submission } = readSubmission(dir);
  return {
    name: spec.agent,
    kind: 'submission',
    privileged: false,
    files: submissionFiles(submission),
    root: submission.dir,
    load: async (limits) => submissionFactory(submission, { sandbox: spec.sandbox === true, ...(limits ? { limits } : {}) }),
  };
}

/**
 * Resolves a job's agent.
 * @throws InputError for an unknown baseline, a missing submission, or an invalid submission manifest.
 */
export async function resolveAgent(spec: Pick<JobSpec, 'agent' | 'agentKind' | 'agentPath' | 'sandbox'>): Promise<ResolvedAgent> {
  if (spec.agentKind === 'submission') {
    const path = resolve(spec.agentPath ?? '');
    if (!spec.agentPath || !existsSync(path)) {
      throw new InputError({ file: spec.agentPath ?? `submission ${spec.agent}`, expected: 'a submission folder (with submission.json) or an agent module file', found: 'no such file' });
    }
    if (statSync(path).isDirectory()) return resolveSubmission(spec, path);
    return { name: spec.agent, kind: 'submission', privileged: false, files: agentSourceFiles(path), root: PACKAGE_ROOT, load: moduleFactory(path) };
  }
  const entry = Object.hasOwn(BASELINES, spec.agent) ? BASELINES[spec.agent] : undefined;
  if (!entry) {
    // A submission given to --agents (its folder's name) is the common slip: say where it goes.
    const folder = existsSync(spec.agent) && statSync(spec.agent).isDirectory();
    throw new InputError({
      file: '--agents',
      expected: `one of the baselines ${listBaselines().join(', ')}; a submission (a folder) is run with --submissions DIR`,
      found: `${JSON.stringify(spec.agent)}${folder ? ` (a folder: run it with --submissions ${spec.agent})` : didYouMean(spec.agent, listBaselines())}`,
    });
  }
  return {
    name: spec.agent,
    kind: 'baseline',
    privileged: entry.privileged === true,
    // The whole of baselines/ is the agent's folder: an agent in a subfolder (hybrid/) shares its siblings' files.
    files: agentSourceFiles(baselineFile(spec.agent), BASELINES_DIR),
    root: PACKAGE_ROOT,
    load: () => entry.load(),
  };
}
