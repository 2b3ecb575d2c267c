/**
 * The results journal format: one JSON line per finished job in `DIR/results.jsonl`.
 * Everything except `timing` is deterministic (same inputs -> bit-identical), so `timing` is kept
 * out of `jobHash` and `resultHash` and out of every determinism comparison. `provenance` (where
 * the inputs were found, and how the agent ran) is kept out of both hashes too: paths differ
 * between machines, and a deterministic submission gives the same result in and out of the sandbox.
 * It is sealed by its own `provenanceHash` instead.
 */
import type { ScaleName } from '../reference/scale.ts';
import type { JobMetrics } from '../score/types.ts';
import type { IsolationRecord } from '../submission/isolation.ts';

/** One unit of work: an agent on a scenario with a seed. */
export interface JobSpec {
  agent: string;
  agentKind: 'baseline' | 'submission';
  /**
   * For submissions: the submission folder (with `submission.json`), or a single module file
   * exporting `createAgent` (run in-process; for harness tests and quick local experiments).
   */
  agentPath?: string;
  /** For submission folders: run the agent isolated (bubblewrap); otherwise trusted. */
  sandbox?: boolean;
  scenario: string;
  scenarioFile: string;
  variant: 'full' | 'testing';
  /** The episode seed (an open run), or the seed index (a sealed run, see `sealed`). */
  seed: number;
  /**
   * A sealed run's commitment to its secret (see `sealed.ts`): the job's streams derive from the
   * secret and the seed index `seed`, and it runs only given the secret that matches.
   */
  sealed?: string;
  /** The normalised scale it is scored on (absent: the current one, `CURRENT_SCALE`); `verify` re-runs a line on its own (`lineScale`). */
  scale?: ScaleName;
}

/** Where a job's inputs were found and how its agent ran: what `orchbench verify` needs to re-run it. */
export interface JobProvenance {
  /** Scenario file, relative to the working directory when inside it. */
  scenarioFile: string;
  /** Submission folder (or module), relative to the working directory when inside it. */
  agentPath?: string;
  /** The submission ran isolated (see `isolation`). */
  sandbox?: boolean;
  /** How it was isolated: bubblewrap version, namespaces, limits. */
  isolation?: IsolationRecord;
  /** The submission ran without isolation (`--trusted`, or a bare module file): in the worker thread, where it could change other jobs' results too. */
  trusted?: boolean;
}

export interface JobResult {
  /** sha256 of (harness version, agent name, agent code hash, scenario hash, trace sha256s, variant, seed). */
  jobHash: string;
  harnessVersion: string;
  agent: string;
  agentKind: 'baseline' | 'submission';
  agentCodeHash: string;
  scenario: string;
  scenarioHash: string;
  traceSha256s: string[];
  /** The normalised scale of its metrics; absent: `clairvoyant-v3` (lines written before scales had names). */
  scale?: ScaleName;
  variant: 'full' | 'testing';
  /** The episode seed, or in a sealed line (with `sealed`) the seed index. */
  seed: number;
  /** A sealed run's commitment to its secret (absent in open runs). */
  sealed?: string;
  status: 'ok' | 'failed';
  /** Why a job failed (thrown error, time limit, memory limit, invalid action, crash). */
  reason?: string;
  metrics?: JobMetrics;
  /** Not in `resultHash` (see the file comment), sealed by `provenanceHash`; absent in lines written before it existed. */
  provenance?: JobProvenance;
  /** sha256 of `resultHash` and `provenance`: where and how the job ran cannot be edited unnoticed. */
  provenanceHash?: string;
  /** sha256 of the canonical deterministic part of this line (everything but timing, provenance and resultHash). */
  resultHash: string;
  /**
   * `purityMs`: the purity check's second run (experiment jobs that ran one), included in `wallMs`;
   * `referenceMs`: computing the references (0 when the thread or the run folder had them).
   */
  timing: { wallMs: number; learnMs: number; planningMs: number; evalMs: number; checkpointMs?: number; checkpointsReused?: number; purityMs?: number; referenceMs?: number };
}

/** What identifies a job's result, computable before running it (the parts of `jobHash`). */
export interface JobIdentity {
  jobHash: string;
  harnessVersion: string;
  agentCodeHash: string;
  scenarioHash: string;
  traceSha256s: string[];
  /** The scale, when not the legacy one (see `jobIdentity`). */
  scale?: ScaleName;
}

/** A job ready to run: its spec and its identity (computed in the main thread, for resume and shards). */
export interface PlannedJob {
  spec: JobSpec;
  id: JobIdentity;
  /** The job's budget in decisions (learning + evaluation), for its expected cost (`cost.ts`); absent = unknown. */
  decisions?: number;
}

/** `DIR/run.json`: what was run, written at the start of a run (and by `merge`). */
export interface RunManifest {
  /** The command line that produced the directory (argv after `node`). */
  command: string[];
  harnessVersion: string;
  nodeVersion: string;
  suite: string;
  agents: string[];
  scenarios: string[];
  seeds: number;
  rootSeed: number;
  /** A sealed run: the public run id and the commitment to its secret (the secret is in `secret.json`, never here). */
  sealed?: { runId: string; commitment: string };
  /** Submission folders run (also named in `agents`), as given on the command line. */
  submissions?: { name: string; path: string }[];
  /** Whether submissions ran isolated (bubblewrap; any language) or trusted. */
  sandbox?: boolean;
  /** `i/n` when this directory holds one shard; absent for a whole run or a merge. */
  shard?: string;
  /** The per-job time limit of the run (s; `--job-timeout-s`), which `verify` re-runs its jobs with. */
  jobTimeoutS?: number;
  /** Total jobs of the (unsharded) plan and the jobs of this directory's slice. */
  jobsPlanned: number;
  jobsInSlice: number;
}
