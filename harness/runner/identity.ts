/**
 * Job and result hashes. `jobHash` names a job by everything that can change its result (harness
 * version, agent name and code, scenario content, traces, variant, seed), so a journal line can be reused
 * (resume, merge) exactly when nothing it depends on changed. `resultHash` seals the deterministic
 * part of a result line so tampering or nondeterminism shows up without re-running.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { canonicalHash } from '../hash.ts';
import { boundedText } from '../errors.ts';
import { CURRENT_SCALE, LEGACY_SCALE } from '../reference/scale.ts';
import { findBubblewrap, isolationOf } from '../submission/isolation.ts';
import { DEFAULT_LIMITS, type ProcessLimits } from '../submission/process-agent.ts';
import { PACKAGE_ROOT } from '../version.ts';
import type { JobIdentity, JobProvenance, JobResult, JobSpec } from './types.ts';

/**
 * sha256 over an agent's source files (each as its path relative to `root` and its bytes, in the
 * given order), so editing the agent changes its jobs' hashes while moving the checkout (or the
 * submission folder, with `root` = that folder) does not. A symlink counts as the name it points
 * to and is never followed (it may point at /dev/zero).
 */
export function agentCodeHash(files: readonly string[], root: string = PACKAGE_ROOT): string {
  const h = createHash('sha256');
  for (const f of files) {
    const bytes = lstatSync(f).isSymbolicLink() ? Buffer.from(`symlink -> ${readlinkSync(f)}`) : readFileSync(f);
    h.update(`${relative(root, f)}\0${bytes.length}\0`).update(bytes);
  }
  return h.digest('hex');
}

/**
 * The job's identity from its spec and the hashes of its inputs. The agent's name is part of it:
 * agents sharing a file (static-edge and static-device) have the same code hash. So is the scale
 * it is scored on (`spec.scale`, default the current one), except the legacy scale, which lines
 * written before scales had names are on without saying so: their hashes stay what they were.
 */
export function jobIdentity(
  spec: Pick<JobSpec, 'agent' | 'variant' | 'seed' | 'sealed' | 'scale'>,
  inputs: { harnessVersion: string; agentCodeHash: string; scenarioHash: string; traceSha256s: string[] },
): JobIdentity {
  const scale = spec.scale ?? CURRENT_SCALE;
  const named = scale === LEGACY_SCALE ? {} : { scale };
  // A sealed job is another job than the open one of the same seed index (and than one of another secret).
  const jobHash = canonicalHash({ ...inputs, ...named, agent: spec.agent, variant: spec.variant, seed: spec.seed, ...(spec.sealed !== undefined ? { sealed: spec.sealed } : {}) });
  return { jobHash, ...inputs, ...named };
}

type Unsealed = Omit<JobResult, 'resultHash' | 'timing'> & Partial<Pick<JobResult, 'resultHash' | 'timing'>>;

/** sha256 of the canonical JSON of a result without `timing`, `provenance` and the hashes. */
export function resultHashOf(r: Unsealed): string {
  const { resultHash: _r, timing: _t, provenance: _p, provenanceHash: _ph, ...deterministic } = r;
  return canonicalHash(deterministic);
}

/** sha256 sealing a line's provenance to its result. */
export function provenanceHashOf(r: Pick<JobResult, 'resultHash' | 'provenance'>): string {
  return canonicalHash({ resultHash: r.resultHash, provenance: r.provenance ?? null });
}

/** The limits a submission's process runs with under these run options (recorded, so the job limit as configured). */
export function processLimitsOf(opts: { jobTimeoutS?: number; limits?: Partial<ProcessLimits> } = {}): ProcessLimits {
  return { ...DEFAULT_LIMITS, ...opts.limits, ...(opts.jobTimeoutS !== undefined ? { jobMs: opts.jobTimeoutS * 1000 } : {}) };
}

/** `p` relative to the working directory when it lies inside it, else absolute. */
export function portablePath(p: string): string {
  const abs = resolve(p);
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** Whether a submission job runs isolated: a submission folder with `sandbox` (a bare module file always runs in-process). */
export function runsIsolated(spec: Pick<JobSpec, 'agentKind' | 'agentPath' | 'sandbox'>): boolean {
  if (spec.agentKind !== 'submission' || !spec.sandbox || spec.agentPath === undefined) return false;
  try {
    return statSync(spec.agentPath).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Where a job's inputs are and how its agent ran (see {@link JobProvenance}): for a submission,
 * the isolation it ran in (with `limits`, the process limits of the run) or that it ran trusted.
 */
export function provenanceOf(spec: JobSpec, limits?: ProcessLimits): JobProvenance {
  const bw = runsIsolated(spec) ? findBubblewrap() : null;
  return {
    scenarioFile: portablePath(spec.scenarioFile),
    ...(spec.agentPath !== undefined ? { agentPath: portablePath(spec.agentPath) } : {}),
    ...(runsIsolated(spec) ? { sandbox: true, ...(bw ? { isolation: isolationOf(bw, limits ?? DEFAULT_LIMITS) } : {}) } : {}),
    ...(spec.agentKind === 'submission' && !runsIsolated(spec) ? { trusted: true } : {}),
  };
}

/** A sealed result line: the given fields plus their `resultHash`, and `provenanceHash` over both. */
export function sealResult(r: Omit<JobResult, 'resultHash' | 'provenanceHash'>): JobResult {
  const { timing, ...rest } = r;
  const resultHash = resultHashOf(rest);
  return { ...rest, resultHash, ...(rest.provenance ? { provenanceHash: provenanceHashOf({ resultHash, provenance: rest.provenance }) } : {}), timing };
}

/** Orders jobs or results by jobHash (the order shards and merged journals are defined by). */
export function byJobHash(a: { jobHash: string }, b: { jobHash: string }): number {
  return a.jobHash < b.jobHash ? -1 : a.jobHash > b.jobHash ? 1 : 0;
}

/** The fields of a result line that come from its spec (`limits`: the run's process limits). */
export function specFields(spec: JobSpec, limits?: ProcessLimits): Pick<JobResult, 'agent' | 'agentKind' | 'scenario' | 'variant' | 'seed' | 'sealed' | 'provenance'> {
  return { agent: spec.agent, agentKind: spec.agentKind, scenario: spec.scenario, variant: spec.variant, seed: spec.seed, ...(spec.sealed !== undefined ? { sealed: spec.sealed } : {}), provenance: provenanceOf(spec, limits) };
}

/**
 * The result line of a job that produced no metrics (threw, timed out, ran out of memory, crashed).
 * The reason is kept to one bounded line: a submission may control its text.
 */
export function failedResult(spec: JobSpec, id: JobIdentity, reason: string, wallMs: number, limits?: ProcessLimits): JobResult {
  return sealResult({
    ...id,
    ...specFields(spec, limits),
    status: 'failed',
    reason: boundedText(reason),
    timing: { wallMs, learnMs: 0, planningMs: 0, evalMs: 0 },
  });
}
