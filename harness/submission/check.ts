/**
 * `orchbench submission check`: validates the manifest, loads the agent, runs it on a testing
 * scenario through the same guard as a real run (unmasked, valid actions; nothing thrown), and,
 * when the manifest claims determinism, runs it again and compares the decision-log hashes.
 */
import type { AgentFactory } from '../agent.ts';
import { OrchestrationEnv } from '../env/env.ts';
import { runEpisode, type EpisodeResult } from '../env/episode.ts';
import { InputError, formatIssue } from '../errors.ts';
import { agentSeed, agentSpec } from '../score/job.ts';
import { loadScenario } from '../scenario/load.ts';
import { VERSION } from '../version.ts';
import { SubmissionError } from './errors.ts';
import { describeIsolation, isolationOf, requireBubblewrap } from './isolation.ts';
import { submissionFactory, type SubmissionLoadOptions } from './load.ts';
import { DEFAULT_LIMITS } from './process-agent.ts';
import { baselineNameIssue, readSubmission } from './manifest.ts';
import { folderFiles } from './files.ts';
import { typeCheckSubmission } from './typecheck.ts';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckItem {
  check: 'manifest' | 'version' | 'tuning' | 'types' | 'isolation' | 'run' | 'determinism';
  status: CheckStatus;
  detail: string;
}

export interface CheckReport {
  dir: string;
  /** True when no item failed (warnings allowed); the CLI's exit code follows it. */
  ok: boolean;
  name?: string;
  scenario: string;
  seed: number;
  sandbox: boolean;
  items: CheckItem[];
}

/** How to check; `sandbox` defaults to true here (the checker runs the agent as a run will). */
export interface CheckOptions extends SubmissionLoadOptions {
  /** Scenario id or file, run in its testing variant (default: a shipped tuning scenario, never evaluation data). */
  scenario?: string;
  seed?: number;
}

/** The wall clock of the checker's first run while the agent loads (2024-01-01T00:00:00Z); the second sees 1 ms later. */
const CHECK_CLOCK_MS = 1_704_067_200_000;

/** The scenario the checker runs by default: small, and not an evaluation scenario. */
export const CHECK_SCENARIO = 'tuning-lte-short-4u-mixed-v1';

async function runOnce(factory: AgentFactory, env: OrchestrationEnv, seed: number): Promise<EpisodeResult> {
  const agent = await factory({ env: agentSpec(env.spec), seed: agentSeed(seed, env.spec.scenarioId) });
  try {
    return runEpisode(env, agent, seed);
  } finally {
    agent.dispose?.();
  }
}

/**
 * Checks the submission in `dir` and returns the report (never throws for a bad submission:
 * every problem becomes a failed item).
 */
export async function checkSubmission(dir: string, opts: CheckOptions = {}): Promise<CheckReport> {
  const scenarioId = opts.scenario ?? CHECK_SCENARIO;
  const seed = opts.seed ?? 1;
  // Isolated unless told otherwise: the checker runs the agent as `orchbench run` will.
  const sandbox = opts.sandbox ?? true;
  const report: CheckReport = { dir, ok: false, scenario: scenarioId, seed, sandbox, items: [] };
  const add = (check: CheckItem['check'], status: CheckStatus, detail: string): void => {
    report.items.push({ check, status, detail });
  };
  let sub;
  try {
    const read = readSubmission(dir);
    sub = read.submission;
    report.name = sub.manifest.name;
    // What `run` refuses, the check refuses.
    const clash = baselineNameIssue(sub.manifestFile, sub.manifest.name);
    if (clash) {
      add('manifest', 'fail', formatIssue(clash));
      return report;
    }
    add('manifest', 'pass', `${sub.manifest.name} ${sub.manifest.version} (${sub.manifest.language}) by ${sub.manifest.authors.join(', ')}`);
    for (const w of read.warnings) add('tuning', 'warn', formatIssue(w));
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    for (const i of e.issues) add(i.pointer?.startsWith('/tuning') ? 'tuning' : 'manifest', 'fail', formatIssue(i));
    return report;
  }
  const [major, minor] = VERSION.split('.');
  const [wantMajor, wantMinor] = sub.manifest.orchbenchVersion.split('.');
  if (major !== wantMajor || (major === '0' && minor !== wantMinor)) {
    add('version', 'warn', `built for orchbench ${sub.manifest.orchbenchVersion}, running ${VERSION}: the agent API may differ`);
  }
  if (sub.manifest.language === 'typescript') {
    // tsx and the bundler strip types without checking them: a type error would otherwise pass.
    const tsFiles = folderFiles(sub.dir).filter((f) => /\.(c|m)?ts$/.test(f) && !f.endsWith('.d.ts'));
    const types = typeCheckSubmission(sub.dir, tsFiles);
    add('types', types.ok ? 'pass' : 'fail', types.ok
      ? `tsc ${types.tscVersion} (strict, the project's options): no errors in ${tsFiles.length} file(s)`
      : `tsc ${types.tscVersion} (strict, the project's options) found errors:\n${types.diagnostics.map((d) => `      ${d}`).join('\n')}${types.more ? `\n      ... and ${types.more} more line(s)` : ''}`);
  }
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  add('isolation', sandbox ? 'pass' : 'warn', sandbox ? describeIsolation(isolationOf(requireBubblewrap(), limits)) : 'none: the agent runs trusted (in this process, or as a plain process)');
  // Each run sees another wall clock while it loads (sandboxed JS/TS), one millisecond apart: an
  // agent that chooses from the time at load (`Date.now() % 2`) differs between them every time.
  const factory = (run: number): AgentFactory => submissionFactory(sub, { ...opts, sandbox, loadClockMs: CHECK_CLOCK_MS + run });
  const env = new OrchestrationEnv(await loadScenario(scenarioId, { variant: 'testing' }));
  let first: EpisodeResult;
  try {
    first = await runOnce(factory(0), env, seed);
    const e = first.eval;
    add('run', 'pass', `${first.learningRewards.length} learning + ${e.decisions} evaluation decisions on ${scenarioId} (testing), all actions valid; eval mean latency ${e.meanLatencyMs.toFixed(1)} ms, p95 ${e.p95LatencyMs.toFixed(1)} ms, violations ${(100 * e.accuracyViolationRate).toFixed(1)}%`);
  } catch (e) {
    if (!(e instanceof SubmissionError)) throw e;
    add('run', 'fail', withStderr(e));
    return report;
  }
  if (!sub.manifest.deterministic) {
    add('determinism', 'skip', 'not claimed (manifest "deterministic": false)');
  } else {
    try {
      const second = await runOnce(factory(1), env, seed);
      add('determinism', second.logSha256 === first.logSha256 ? 'pass' : 'fail', second.logSha256 === first.logSha256
        ? `two runs with seed ${seed}: same decision log (sha256 ${first.logSha256.slice(0, 16)}...)`
        : `claimed deterministic, but two runs with seed ${seed} gave different decision logs (${first.logSha256.slice(0, 12)}... vs ${second.logSha256.slice(0, 12)}...): derive all randomness from ctx.seed`);
    } catch (e) {
      if (!(e instanceof SubmissionError)) throw e;
      add('determinism', 'fail', `second run: ${withStderr(e)}`);
    }
  }
  report.ok = report.items.every((i) => i.status !== 'fail');
  return report;
}

/** A failure's message, with the end of the process's stderr (e.g. a Python traceback) when there is one. */
function withStderr(e: SubmissionError): string {
  if (!e.stderrTail?.trim()) return e.message;
  return `${e.message}\n    its stderr (the last ${e.stderrTail.length} characters):\n${e.stderrTail.trimEnd().split('\n').map((l) => `      ${l}`).join('\n')}`;
}

/** The report as plain text, one line per check, ending with PASS or FAIL. */
export function formatCheckReport(r: CheckReport): string {
  const mark: Record<CheckStatus, string> = { pass: 'ok  ', fail: 'FAIL', warn: 'warn', skip: 'skip' };
  const lines = [`submission ${r.name ?? '(unreadable)'} in ${r.dir}${r.sandbox ? ' (isolated)' : ' (TRUSTED: no isolation)'}`];
  for (const i of r.items) lines.push(`  ${mark[i.status]} ${i.check}: ${i.detail}`);
  lines.push(r.ok ? 'PASS' : 'FAIL');
  return lines.join('\n');
}
