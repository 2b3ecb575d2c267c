/**
 * The job plan: every (agent, scenario, seed) of a run, with identities computed up front so a run
 * can skip finished jobs (resume) and split itself into shards before any job runs.
 */
import { checkNumber, RULES } from '../bounds.ts';
import { InputError, type InputIssue } from '../errors.ts';
import { baselineNameIssue, readSubmission } from '../submission/manifest.ts';
import { deriveSeed } from '../rng.ts';
import { selectScenarios, type ScenarioSelection } from '../scenario/select.ts';
import { CostModel } from './cost.ts';
import { byJobHash } from './identity.ts';
import { identifyJob, jobScenario } from './job.ts';
import type { JobSpec, PlannedJob } from './types.ts';

/** An agent to run: a registered baseline, or a submission (a folder, or a bare module file). */
export type AgentRef = { name: string; kind: 'baseline' } | SubmissionRef;
export type SubmissionRef = { name: string; kind: 'submission'; path: string };

/** Which scenarios (see {@link selectScenarios}: a suite, or ids of any suite and files, in a variant), and what to run on them. */
export interface PlanOptions extends ScenarioSelection {
  agents: readonly AgentRef[];
  /** Seeds 0..seeds-1, each combined with the root seed. */
  seeds: number;
  rootSeed: number;
  /** Run submission folders isolated (bubblewrap), in any language; otherwise trusted. */
  sandbox?: boolean;
  /** A sealed run's commitment: jobs carry it and their seed index instead of an episode seed (`rootSeed` is unused). */
  sealed?: string;
}

/**
 * Submission folders as agents, named by their manifests.
 * @throws InputError for an unreadable or invalid manifest, a name that is a baseline's, or two
 *   submissions with the same name.
 */
export function submissionRefs(dirs: readonly string[]): SubmissionRef[] {
  const seen = new Map<string, string>();
  const issues: InputIssue[] = [];
  const refs = dirs.map((dir): SubmissionRef => {
    const { submission } = readSubmission(dir);
    const name = submission.manifest.name;
    const at = { file: submission.manifestFile, pointer: '/name' };
    const clash = baselineNameIssue(submission.manifestFile, name);
    if (clash) issues.push(clash);
    const other = seen.get(name);
    if (other !== undefined) issues.push({ ...at, expected: `a name no other submission of the run has (${other} is also named so)`, found: JSON.stringify(name) });
    seen.set(name, dir);
    return { name, kind: 'submission', path: dir };
  });
  if (issues.length) throw new InputError(issues);
  return refs;
}

/** The episode seed of seed index `i`: the same for every agent and scenario (common random numbers). */
export function episodeSeed(rootSeed: number, i: number): number {
  return deriveSeed(rootSeed, 'episode-seed', i);
}

/**
 * Every job of a run, seed-major then scenario then agent (so early results cover all agents).
 * @throws InputError for bad counts, no agents or scenarios, unknown scenarios or agents, or two agents with one name.
 */
export async function planJobs(opts: PlanOptions): Promise<PlannedJob[]> {
  checkNumber('--seeds', opts.seeds, RULES.seeds);
  checkNumber('--root-seed', opts.rootSeed, RULES.seed);
  // A plan with nothing to run is a mistake (e.g. `--agents ,`), not a successful empty run.
  if (opts.agents.length === 0) throw new InputError({ file: '--agents', expected: 'at least one agent (a baseline or a submission)', found: 'none' });
  if (opts.scenarios?.length === 0) throw new InputError({ file: '--scenarios', expected: 'at least one scenario id', found: 'none' });
  const names = opts.agents.map((a) => a.name);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length) throw new InputError({ file: '--agents', expected: 'each agent once', found: `${[...new Set(twice)].join(', ')} more than once` });
  const { scenarios } = selectScenarios(opts);
  const specs: JobSpec[] = [];
  for (let i = 0; i < opts.seeds; i++) {
    for (const { id, file: scenarioFile, variant } of scenarios) {
      for (const a of opts.agents) {
        specs.push({
          agent: a.name,
          agentKind: a.kind,
          ...(a.kind === 'submission' ? { agentPath: a.path, ...(opts.sandbox ? { sandbox: true } : {}) } : {}),
          scenario: id,
          scenarioFile,
          variant,
          ...(opts.sealed !== undefined ? { seed: i, sealed: opts.sealed } : { seed: episodeSeed(opts.rootSeed, i) }),
        });
      }
    }
  }
  return Promise.all(specs.map(async (spec) => {
    const [id, scenario] = await Promise.all([identifyJob(spec), jobScenario(spec)]);
    const { learningDecisions, evaluationDecisions } = scenario.spec.budgets;
    return { spec, id, decisions: learningDecisions + evaluationDecisions };
  }));
}

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `i/n` with 1 <= i <= n. @throws InputError otherwise. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new InputError({ file: '--shard', expected: 'i/n with 1 <= i <= n (e.g. 1/4)', found: JSON.stringify(text) });
  }
  return { index, count };
}

/**
 * Every shard of a plan, balanced by expected cost: a deterministic longest-processing-time
 * assignment. Jobs are taken by prior expected wall time (`CostModel.priorMs`), longest first
 * (ties by jobHash), each to the shard with the least expected time so far (ties to the lowest
 * index). The result depends only on the set of jobs, so every shard of a matrix computes the same
 * split: the shards are disjoint and together cover the plan. Jobs within a shard keep the plan's
 * order.
 */
export function planShards(jobs: readonly PlannedJob[], count: number): { jobs: PlannedJob[]; expectedMs: number }[] {
  const costed = jobs.map((job) => ({ job, ms: CostModel.priorMs(job) }));
  const order = [...costed].sort((a, b) => b.ms - a.ms || byJobHash(a.job.id, b.job.id));
  const load = new Array<number>(count).fill(0);
  const owner = new Map<PlannedJob, number>();
  for (const { job, ms } of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
    load[best]! += ms;
    owner.set(job, best);
  }
  return load.map((expectedMs, s) => ({ jobs: jobs.filter((j) => owner.get(j) === s), expectedMs }));
}

/** The jobs of one shard (see {@link planShards}). */
export function shardJobs(jobs: readonly PlannedJob[], shard: Shard): PlannedJob[] {
  return planShards(jobs, shard.count)[shard.index - 1]!.jobs;
}
