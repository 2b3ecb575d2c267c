/**
 * The submission manifest (`submission.json`): read, validated against
 * `scenarios/schema/submission.schema.json` (located errors with JSON pointers), and checked for
 * what the schema cannot see: the entry file exists inside the folder (symlinks resolved), an
 * external command names a runtime or a program in the folder and nothing else outside it, and the
 * tuning scenarios and traces are not evaluation data.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { listBaselines } from '../../baselines/index.ts';
import type { InputIssue } from '../errors.ts';
import { InputError } from '../errors.ts';
import { readJson, schemaIssues } from '../schema.ts';
import { SUITE_FOLDERS, suiteFiles, TUNING_SUITES } from '../scenario/load.ts';
import { RUNTIMES } from './runtime.ts';

export type SubmissionLanguage = 'typescript' | 'javascript' | 'external';

/** The parsed `submission.json` (see the schema for each field's meaning). */
export interface SubmissionManifest {
  name: string;
  version: string;
  description?: string;
  authors: string[];
  licence: string;
  language: SubmissionLanguage;
  /** Entry module relative to the folder (typescript/javascript). */
  entry?: string;
  /** argv of the external process, run in the folder (external). */
  command?: string[];
  hyperparameters: Record<string, unknown>;
  tuning: { scenarios: string[]; traces?: string[]; notes?: string };
  deterministic: boolean;
  orchbenchVersion: string;
}

/** A manifest with its folder resolved. */
export interface Submission {
  /** Absolute path of the submission folder. */
  dir: string;
  manifestFile: string;
  manifest: SubmissionManifest;
  /** Absolute path of the entry module (typescript/javascript only). */
  entryFile?: string;
}

/** The manifest's file name inside a submission folder. */
export const MANIFEST_FILE = 'submission.json';

/**
 * The suites whose scenarios are evaluation scenarios: every shipped suite but the tuning ones
 * (`tuning`, `tuning-v4`): the default suites and the recorded suites, on which results are
 * published, so a suite added later is evaluation data unless its folder is a tuning one.
 */
const EVALUATION_SUITES = SUITE_FOLDERS.filter((s) => !(TUNING_SUITES as readonly string[]).includes(s));

/** The files of the evaluation scenarios. */
function evaluationFiles(): string[] {
  return EVALUATION_SUITES.flatMap((s) => suiteFiles(s));
}

/** Ids of the evaluation scenarios (default suites, current and earlier, and recorded suite): never to be tuned on. */
export function evaluationScenarioIds(): Set<string> {
  return new Set(evaluationFiles().map((f) => basename(f, '.json')));
}

/** Every `"catalog": "<trace id>"` reference inside a parsed scenario. */
function catalogRefs(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) catalogRefs(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'catalog' && typeof v === 'string') out.add(v);
      else catalogRefs(v, out);
    }
  }
  return out;
}

/** Catalog trace ids that evaluation scenarios replay. */
export function evaluationTraceIds(): Set<string> {
  const ids = new Set<string>();
  for (const f of evaluationFiles()) catalogRefs(JSON.parse(readFileSync(f, 'utf8')), ids);
  return ids;
}

/** Issues of the tuning declaration, split into failures and warnings. */
export function tuningIssues(m: SubmissionManifest, file: string): { errors: InputIssue[]; warnings: InputIssue[] } {
  const errors: InputIssue[] = [];
  const warnings: InputIssue[] = [];
  const evalIds = evaluationScenarioIds();
  const tuningIds = new Set(TUNING_SUITES.flatMap((s) => suiteFiles(s)).map((f) => basename(f, '.json')));
  m.tuning.scenarios.forEach((id, i) => {
    const pointer = `/tuning/scenarios/${i}`;
    if (evalIds.has(id)) errors.push({ file, pointer, expected: 'a scenario that is not an evaluation scenario (default suites, current and earlier, or recorded suites); tune on scenarios/tuning/ or scenarios/tuning-v4/', found: JSON.stringify(id) });
    else if (!tuningIds.has(id)) warnings.push({ file, pointer, expected: `a shipped tuning scenario (${[...tuningIds].join(', ')}) or a scenario you publish with the submission`, found: JSON.stringify(id) });
  });
  const evalTraces = evaluationTraceIds();
  (m.tuning.traces ?? []).forEach((id, i) => {
    if (evalTraces.has(id)) warnings.push({ file, pointer: `/tuning/traces/${i}`, expected: 'a trace no evaluation scenario replays (segments may overlap the evaluation segments)', found: JSON.stringify(id) });
  });
  if (m.tuning.scenarios.length === 0 && (m.tuning.traces ?? []).length === 0 && !m.tuning.notes && Object.keys(m.hyperparameters).length > 0) {
    warnings.push({ file, pointer: '/tuning', expected: 'the scenarios or traces the hyperparameters were tuned on', found: 'none declared' });
  }
  return { errors, warnings };
}

/** Whether `file`, symlinks resolved, is a regular file inside `root` (symlinks resolved). */
function insideFolder(root: string, file: string): boolean {
  try {
    const real = realpathSync(file);
    return real.startsWith(realpathSync(root) + sep) && statSync(real).isFile();
  } catch {
    return false;
  }
}

/** A `..` segment, or an absolute path (alone or after `=`, `:` or `,`, as in `--opt=/x`). */
const LEAVES_FOLDER = /(^|[=:,])\/|(^|[/=:,])\.\.($|[/,:])/;

/**
 * Problems of an external command: it may name a runtime (`node`, `python3`) or a program inside
 * the folder, and no argument may reach outside the folder.
 */
function commandIssues(command: string[], root: string, file: string): InputIssue[] {
  const issues: InputIssue[] = [];
  const [first, ...args] = command;
  if (!(RUNTIMES as readonly string[]).includes(first!) && (LEAVES_FOLDER.test(first!) || !insideFolder(root, resolve(root, first!)))) {
    issues.push({ file, pointer: '/command/0', expected: `a runtime (${RUNTIMES.join(' or ')}) or a program file inside the submission folder`, found: JSON.stringify(first) });
  }
  args.forEach((a, i) => {
    if (LEAVES_FOLDER.test(a)) issues.push({ file, pointer: `/command/${i + 1}`, expected: 'an argument that names nothing outside the submission folder (no absolute path, no ..)', found: JSON.stringify(a) });
  });
  return issues;
}

/** The issue of a submission named like a baseline (which `run` and `submission check` refuse), or null. */
export function baselineNameIssue(manifestFile: string, name: string): InputIssue | null {
  const baselines = listBaselines();
  return baselines.includes(name) ? { file: manifestFile, pointer: '/name', expected: `a name that is not a baseline's (${baselines.join(', ')})`, found: JSON.stringify(name) } : null;
}

/**
 * Reads and validates `DIR/submission.json`.
 * @returns the submission and the warnings (tuning on traces that evaluation scenarios replay, unknown tuning scenarios).
 * @throws InputError listing every schema issue (with JSON pointers), a missing or escaping entry file, or tuning on evaluation scenarios.
 */
export function readSubmission(dir: string): { submission: Submission; warnings: InputIssue[] } {
  const root = resolve(dir);
  const manifestFile = join(root, MANIFEST_FILE);
  if (!existsSync(manifestFile)) throw new InputError({ file: manifestFile, expected: `a submission folder with ${MANIFEST_FILE}`, found: 'no such file' });
  const data = readJson(manifestFile);
  const issues = schemaIssues('submission', data, manifestFile);
  if (issues.length) throw new InputError(issues);
  const manifest = data as SubmissionManifest;
  const submission: Submission = { dir: root, manifestFile, manifest };
  if (manifest.language !== 'external') {
    const entryFile = resolve(root, manifest.entry!);
    if (!entryFile.startsWith(root + sep)) throw new InputError({ file: manifestFile, pointer: '/entry', expected: 'a file inside the submission folder', found: JSON.stringify(manifest.entry) });
    if (!existsSync(entryFile)) throw new InputError({ file: manifestFile, pointer: '/entry', expected: 'an existing module file', found: `${JSON.stringify(manifest.entry)} (no such file)` });
    if (!insideFolder(root, entryFile)) throw new InputError({ file: manifestFile, pointer: '/entry', expected: 'a regular file inside the submission folder (symlinks resolved)', found: `${JSON.stringify(manifest.entry)} -> ${realpathSync(entryFile)}` });
    submission.entryFile = entryFile;
  } else {
    const issues = commandIssues(manifest.command!, root, manifestFile);
    if (issues.length) throw new InputError(issues);
  }
  const { errors, warnings } = tuningIssues(manifest, manifestFile);
  if (errors.length) throw new InputError(errors);
  return { submission, warnings };
}
