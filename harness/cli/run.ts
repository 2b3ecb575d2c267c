/** `orchbench run`: run agents on a suite's scenarios over seeds, on a worker pool, into a results journal. */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseNumber, RULES } from '../bounds.ts';
import { InputError } from '../errors.ts';
import { requireBubblewrap } from '../submission/isolation.ts';
import { pageMeta, runMetaFromManifest, writeLeaderboard } from '../report/leaderboard.ts';
import { defaultBaselines } from '../../baselines/index.ts';
import { CostModel } from '../runner/cost.ts';
import { executeJobs, openRunJournal, RESULTS_FILE } from '../runner/execute.ts';
import { MANIFEST_FILE, readManifest, writeManifest } from '../runner/merge.ts';
import { commitmentOf, refuseRootSeedWhenSealed, runSecretFor, writeSecretFile } from '../runner/sealed.ts';
import { withRunLock } from '../runner/out-dir.ts';
import { engineShard } from '../runner/engine.ts';
import { parseShard, planJobs, planShards, shardJobs, submissionRefs, type Shard } from '../runner/plan.ts';
import type { PlannedJob } from '../runner/types.ts';
import { createProgress } from '../runner/progress.ts';
import type { RunManifest } from '../runner/types.ts';
import { selectScenarios } from '../scenario/select.ts';
import { DEFAULT_LIMITS } from '../submission/process-agent.ts';
import { cliInvocation, VERSION } from '../version.ts';
import { type ScenarioFlags, scenarioSelection, withScenarioOptions } from './select.ts';
import { commaList } from './options.ts';

interface RunFlags extends ScenarioFlags {
  agents?: string;
  submissions?: string[];
  sandbox?: boolean;
  trusted?: boolean;
  decisionMs: string;
  seeds: string;
  rootSeed?: string;
  sealed?: boolean;
  workers: string;
  out: string;
  resume?: boolean;
  shard?: string;
  shards?: string;
  plan?: boolean;
  json?: boolean;
  jobTimeoutS?: string;
  jobMemoryMb?: string;
  title?: string;
  allowFailed?: boolean;
}

type PlannedShard = { shard: string; jobs: PlannedJob[]; expectedMs: number };

/** `run --plan --json`: each shard's jobs and expected time (ms, from the cost model's priors). */
export function planJson(jobsPlanned: number, shards: readonly PlannedShard[]) {
  return {
    jobsPlanned,
    shards: shards.map((s) => ({
      shard: s.shard,
      expectedMs: Math.round(s.expectedMs),
      jobs: s.jobs.map((j) => ({ agent: j.spec.agent, scenario: j.spec.scenario, variant: j.spec.variant, seed: j.spec.seed, jobHash: j.id.jobHash, expectedMs: Math.round(CostModel.priorMs(j)) })),
    })),
  };
}

/** `run --plan`: one line per shard. */
function planText(jobsPlanned: number, shards: readonly PlannedShard[]): string {
  const lines = shards.map((s) => `shard ${s.shard}: ${s.jobs.length} jobs, expected ${(s.expectedMs / 1000).toFixed(1)} s (cost-model priors on the reference machine)`);
  return `${jobsPlanned} jobs planned\n${lines.join('\n')}\n`;
}

/** Registers `orchbench run`. */
export function register(program: Command): void {
  withScenarioOptions(program
    .command('run')
    .description('run agents x scenarios x seeds on a worker pool; results are appended to OUT/results.jsonl as jobs end'))
    .option('--agents <names>', 'baselines to run (comma-separated; default: all but experiment controls such as dqn-informed and opt-in agents such as hybrid-v4)')
    .option('--submissions <dirs...>', 'submission folders to run beside the agents (see `orchbench submission init`)')
    .option('--sandbox', 'run submissions isolated (the default): bubblewrap namespaces, no network, a read-only view of only their folder and runtime, time, memory and process limits; refused where bubblewrap is missing')
    .option('--trusted', 'run submissions without isolation: JavaScript/TypeScript in the worker thread, others as plain processes; only for code you trust')
    .option('--decision-ms <ms>', 'per-decision time limit of a sandboxed or external submission (ms)', String(DEFAULT_LIMITS.decisionMs))
    .option('--seeds <n>', 'seeds 0..n-1, combined with the root seed', '10')
    .option('--root-seed <n>', 'root seed every job seed derives from (default 0)')
    .option('--sealed', 'key every simulator stream with a fresh 256-bit secret (written to OUT/secret.json, mode 0600; results carry only a commitment): no agent can predict what it has not seen. Re-run with `orchbench verify OUT --secret FILE`. See docs/sealed-runs.md')
    .option('--workers <n>', 'worker threads', String(availableParallelism()))
    .option('--out <dir>', 'output directory', './results')
    .option('--resume', 'continue OUT/results.jsonl: skip jobs already recorded as ok, retry failed ones')
    .option('--shard <i/n|auto>', 'run only shard i of n (1-based; combine shard outputs with `orchbench merge`); auto: from the engine\'s array index (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX)')
    .option('--shards <n>', 'number of shards for --shard auto (required on Kubernetes and AWS Batch; Slurm tells it) or for --plan')
    .option('--plan', 'print the plan (each shard\'s jobs and expected time, from the cost model) and run nothing')
    .option('--json', 'with --plan: print it as JSON')
    .option('--job-timeout-s <s>', 'per-job wall-clock limit (s); the worker is terminated when exceeded')
    .option('--job-memory-mb <mb>', 'per-worker heap limit (MB); a job exceeding it is recorded as failed')
    .option('--title <text>', 'the leaderboard page\'s title (default: from the suite)')
    .option('--allow-failed', 'exit 0 when jobs failed (by default a run with a failed job exits 1, after writing its results and leaderboard)')
    .action(async (flags: RunFlags) => {
      if (flags.sandbox && flags.trusted) throw new InputError({ file: '--trusted', expected: 'either --sandbox or --trusted', found: 'both' });
      const selection = scenarioSelection(flags);
      const seeds = parseNumber('--seeds', flags.seeds, RULES.seeds);
      refuseRootSeedWhenSealed(flags.sealed, flags.rootSeed !== undefined);
      if (flags.sealed && flags.shard !== undefined) throw new InputError({ file: '--shard', expected: 'no --shard with --sealed (each shard would draw its own secret)', found: flags.shard! });
      const rootSeed = parseNumber('--root-seed', flags.rootSeed ?? '0', RULES.seed);
      const workers = parseNumber('--workers', flags.workers, RULES.workers);
      const jobTimeoutS = flags.jobTimeoutS === undefined ? undefined : parseNumber('--job-timeout-s', flags.jobTimeoutS, RULES.jobTimeoutS);
      const jobMemoryMb = flags.jobMemoryMb === undefined ? undefined : parseNumber('--job-memory-mb', flags.jobMemoryMb, RULES.jobMemoryMb);
      const decisionMs = parseNumber('--decision-ms', flags.decisionMs, RULES.decisionMs);
      const shardCount = flags.shards === undefined ? undefined : parseNumber('--shards', flags.shards, RULES.shards);
      let shard: Shard | undefined;
      if (flags.shard === 'auto') {
        const found = engineShard(process.env, shardCount);
        process.stderr.write(`shard ${found.shard.index}/${found.shard.count} from ${found.source}\n`);
        shard = found.shard;
      } else if (flags.shard !== undefined) {
        shard = parseShard(flags.shard);
        if (shardCount !== undefined && shardCount !== shard.count) throw new InputError({ file: '--shards', expected: `the n of --shard ${flags.shard}, or no --shards`, found: String(shardCount) });
      }
      const baselines = commaList('--agents', flags.agents) ?? defaultBaselines();
      const submissions = submissionRefs(flags.submissions ?? []);
      const sandbox = !flags.trusted;
      // Refuse before anything is written, and say how to install it.
      if (sandbox && submissions.length) requireBubblewrap();
      const agents = [...baselines.map((name) => ({ name, kind: 'baseline' as const })), ...submissions];

      if (flags.plan) {
        // The plan's jobs and their costs do not depend on sealing.
        const plan = await planJobs({ ...selection, agents, seeds, rootSeed, sandbox });
        const shards = planShards(plan, shard?.count ?? shardCount ?? 1).map((s, i) => ({ shard: `${i + 1}/${shard?.count ?? shardCount ?? 1}`, ...s }));
        const shown = shard ? [shards[shard.index - 1]!] : shards;
        process.stdout.write(flags.json ? `${JSON.stringify(planJson(plan.length, shown), null, 2)}\n` : planText(plan.length, shown));
        return;
      }
      const shardText = shard ? `${shard.index}/${shard.count}` : undefined;
      // Nothing is written into the folder before it is ours and its journal may be used:
      // a refused run must leave an earlier run's run.json as it was.
      await withRunLock(flags.out, (text) => process.stderr.write(text), async () => {
        openRunJournal(flags.out, flags.resume === true);
        const previous = flags.resume && existsSync(join(flags.out, MANIFEST_FILE)) ? readManifest(flags.out).sealed : null;
        const secret = runSecretFor(flags.out, flags.sealed === true, flags.resume === true, previous);
        const sealed = secret ? { runId: secret.runId, commitment: commitmentOf(secret) } : undefined;
        const plan = await planJobs({ ...selection, agents, seeds, rootSeed, sandbox, ...(sealed ? { sealed: sealed.commitment } : {}) });
        const jobs = shard ? shardJobs(plan, shard) : plan;
        const manifest: RunManifest = {
          command: cliInvocation(),
          harnessVersion: VERSION,
          nodeVersion: process.version,
          suite: selectScenarios(selection).suite,
          agents: agents.map((a) => a.name),
          ...(submissions.length ? { submissions: submissions.map(({ name, path }) => ({ name, path })), sandbox } : {}),
          scenarios: [...new Set(plan.map((j) => j.spec.scenario))],
          seeds,
          rootSeed,
          ...(sealed ? { sealed } : {}),
          ...(jobTimeoutS !== undefined ? { jobTimeoutS } : {}),
          ...(shardText ? { shard: shardText } : {}),
          jobsPlanned: plan.length,
          jobsInSlice: jobs.length,
        };
        writeManifest(flags.out, manifest);
        if (secret) writeSecretFile(flags.out, secret);
        // Finished jobs are already durable; only the ones in flight are lost.
        // Ctrl-C, or SIGTERM from a scheduler (Kubernetes, Slurm, a CI runner); the lock releases itself first.
        const interrupted = (signal: NodeJS.Signals): void => {
          process.stderr.write(`\ninterrupted (${signal}): finished jobs are in ${flags.out}/${RESULTS_FILE}; rerun with --resume to continue\n`);
          process.exit(signal === 'SIGINT' ? 130 : 143);
        };
        process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
        let summary: Awaited<ReturnType<typeof executeJobs>>;
        try {
          summary = await executeJobs(jobs, {
            outDir: flags.out,
            workers,
            resume: flags.resume === true,
            ...(jobTimeoutS !== undefined ? { jobTimeoutS } : {}),
            ...(jobMemoryMb !== undefined ? { jobMemoryMb } : {}),
            decisionMs,
            ...(secret ? { secret } : {}),
            progress: createProgress(),
          });
        } finally {
          process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
        }
        const failed = summary.results.filter((r) => r.status === 'failed');
        for (const r of failed) process.stderr.write(`failed: ${r.agent} ${r.scenario} seed ${r.seed}: ${r.reason ?? 'no reason'}\n`);
        if (shard) {
          process.stdout.write(`shard ${shardText}: ${summary.results.length} jobs in ${flags.out}/${RESULTS_FILE}; combine shards with \`orchbench merge DIR... --out DIR\`\n`);
        } else {
          await writeLeaderboard(flags.out, summary.results, pageMeta(runMetaFromManifest(manifest, summary.results), flags.title, flags.out));
          process.stdout.write(`${summary.results.length} jobs (${failed.length} failed; ${summary.skipped} reused from the journal) -> ${flags.out}/${RESULTS_FILE}, leaderboard in ${flags.out}/\n`);
        }
        // Failed jobs fail the command (a script or CI must notice), unless the caller accepts them.
        if (failed.length && !flags.allowFailed) {
          process.stderr.write(`${failed.length} of ${summary.results.length} jobs failed (listed above): exit 1; --resume retries them, --allow-failed exits 0\n`);
          process.exitCode = 1;
        }
      });
    });
}
