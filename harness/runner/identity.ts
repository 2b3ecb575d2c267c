/**
 * Job and result hashes. `jobHash` names a job by everything that can change its result (harness
 * version, agent name and code, scenario content, traces, variant, seed), so a journal line can be reused
 * (resume, merge) exactly when nothing it depends on changed. `resultHash` seals the deterministic
 * part of a result line so tampering or nondeterminism shows up without re-running.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { canonicalHash } from '../scenario/load.ts';
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
 * agents sharing a file (static-edge and static-device) have the same code hash.
 */
export function jobIdentity(
  spec: Pick<JobSpec, 'agent' | 'variant' | 'seed'>,
  inputs: { harnessVersion: string; agentCodeHash: string; scenarioHash: string; traceSha256s: string[] },
): JobIdentity {
  const jobHash = canonicalHash({ ...inputs, agent: spec.agent, variant: spec.variant, seed: spec.seed });
  return { jobHash, ...inputs };
}

type Unsealed = Omit<JobResult, 'resultHash' | 'timing'> & Partial<Pick<JobResult, 'resultHash' | 'timing'>>;

/** sha256 of the canonical JSON of a result without `timing`, `provenance` and `resultHash`. */
export function resultHashOf(r: Unsealed): string {
  const { resultHash: _r, timing: _t, provenance: _p, ...deterministic } = r;
  return canonicalHash(deterministic);
}

/** `p` relative to the working directory when it lies inside it, else absolute. */
export function portablePath(p: string): string {
  const abs = resolve(p);
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** Where a job's inputs are and how its agent ran (see {@link JobProvenance}). */
export function provenanceOf(spec: JobSpec): JobProvenance {
  return {
    scenarioFile: portablePath(spec.scenarioFile),
    ...(spec.agentPath !== undefined ? { agentPath: portablePath(spec.agentPath) } : {}),
    ...(spec.sandbox ? { sandbox: true } : {}),
  };
}

/** A sealed result line: the given fields plus their `resultHash`. */
export function sealResult(r: Omit<JobResult, 'resultHash'>): JobResult {
  const { timing, ...rest } = r;
  return { ...rest, resultHash: resultHashOf(rest), timing };
}

/** Orders jobs or results by jobHash (the order shards and merged journals are defined by). */
export function byJobHash(a: { jobHash: string }, b: { jobHash: string }): number {
  return a.jobHash < b.jobHash ? -1 : a.jobHash > b.jobHash ? 1 : 0;
}

/** The fields of a result line that come from its spec. */
export function specFields(spec: JobSpec): Pick<JobResult, 'agent' | 'agentKind' | 'scenario' | 'variant' | 'seed' | 'provenance'> {
  return { agent: spec.agent, agentKind: spec.agentKind, scenario: spec.scenario, variant: spec.variant, seed: spec.seed, provenance: provenanceOf(spec) };
}

/** The result line of a job that produced no metrics (threw, timed out, ran out of memory, crashed). */
export function failedResult(spec: JobSpec, id: JobIdentity, reason: string, wallMs: number): JobResult {
  return sealResult({
    ...id,
    ...specFields(spec),
    status: 'failed',
    reason,
    timing: { wallMs, learnMs: 0, planningMs: 0, evalMs: 0 },
  });
}
