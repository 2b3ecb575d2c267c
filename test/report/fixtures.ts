/**
 * Synthetic but realistically shaped job results for the report tests: each agent has a skill
 * (how close to the oracle it learns) and a learning speed, and every number is drawn from a
 * seeded stream, so fixtures are reproducible and agents differ the way real ones do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GateRun } from '../../harness/report/gate.ts';
import { deriveRng } from '../../harness/rng.ts';
import { episodeSeed } from '../../harness/runner/plan.ts';
import { sealResult } from '../../harness/runner/identity.ts';
import type { JobResult, RunManifest } from '../../harness/runner/types.ts';
import { logCheckpoints } from '../../harness/score/curves.ts';
import type { RunMeta } from '../../harness/report/types.ts';
import { canonicalHash } from '../../harness/hash.ts';

export interface FixtureAgent {
  name: string;
  kind?: 'baseline' | 'submission';
  /** Final normalised reward (0 = random, 1 = oracle). */
  skill: number;
  /** Interactions to learn ~63% of the way. */
  tau: number;
  /** Multiplies latency and energy (1 = neutral; > 1 worse). */
  cost?: number;
  /** Seeds (of this agent) whose jobs fail. */
  failSeeds?: number[];
}

export const REAL_STEPS = 2000;

/** One job result of `agent` on `scenario` with `seed`. */
export function fixtureResult(agent: FixtureAgent, scenario: string, seed: number): JobResult {
  const rng = deriveRng(seed, 'fixture', agent.name, scenario);
  const identity = {
    harnessVersion: '0.1.0',
    agentCodeHash: canonicalHash({ agent: agent.name }),
    scenarioHash: canonicalHash({ scenario }),
    traceSha256s: [canonicalHash({ trace: scenario })],
  };
  const base = {
    jobHash: canonicalHash({ ...identity, variant: 'testing', seed }),
    ...identity,
    agent: agent.name,
    agentKind: agent.kind ?? 'baseline',
    scenario,
    variant: 'testing' as const,
    seed,
  };
  if (agent.failSeeds?.includes(seed)) {
    return sealResult({ ...base, status: 'failed', reason: 'time limit exceeded (60000 ms)', timing: { wallMs: 60000, learnMs: 0, planningMs: 0, evalMs: 0 } });
  }
  const skill = agent.skill + 0.05 * rng.normal();
  const checkpoints = logCheckpoints(REAL_STEPS, 10, 10);
  const normalised = checkpoints.map((c) => skill * (1 - Math.exp(-c / agent.tau)) + 0.02 * rng.normal());
  const randomReward = -120 - 5 * rng.float();
  const oracleReward = -40 - 5 * rng.float();
  const meanReward = normalised.map((n) => randomReward + n * (oracleReward - randomReward));
  const reachedAt = checkpoints.find((c, i) => normalised.slice(i).every((n) => n >= 0.9));
  const cost = (agent.cost ?? 1) * (1 + 0.05 * rng.normal());
  const latencyMs = (40 + 80 * (1 - skill)) * cost;
  return sealResult({
    ...base,
    status: 'ok',
    metrics: {
      refs: { randomReward, oracleReward },
      curve: { checkpoints, meanReward, normalised, window: 50 },
      interactionsToThreshold: reachedAt ?? null,
      threshold: 0.9,
      normalisedAuc: normalised.reduce((s, n) => s + n, 0) / normalised.length,
      evalRefs: { randomReward, oracleReward },
      normalisedEvalReward: (oracleReward - 10 * (1 - skill) - randomReward) / (oracleReward - randomReward),
      eval: {
        decisions: 500,
        meanReward: oracleReward - 10 * (1 - skill),
        meanLatencyMs: latencyMs,
        p95LatencyMs: latencyMs * (1.6 + 0.1 * rng.float()),
        meanDeviceEnergyMj: 300 * cost * (1.2 - 0.4 * skill),
        meanServerEnergyMj: 900 * cost,
        accuracyViolationRate: Math.max(0, 0.1 * (1 - skill) + 0.01 * rng.normal()),
        deadlineMissRate: Math.max(0, 0.2 * (1 - skill) + 0.01 * rng.normal()),
      },
      realSteps: REAL_STEPS,
      planningUpdates: 0,
      decisionLogSha256: canonicalHash({ agent: agent.name, scenario, seed, skill }),
      info: agent.name.includes('dqn') ? { tfjsBackend: 'wasm' } : {},
    },
    timing: { wallMs: 1000 + rng.int(500), learnMs: 500, planningMs: 0, evalMs: 100 },
  });
}

export const SCENARIOS = ['edge-light', 'cellular-drive', 'crowded-edge'];
export const SEEDS = [1, 2, 3, 4, 5, 6];

export const AGENTS: FixtureAgent[] = [
  { name: 'hybrid', skill: 0.95, tau: 60 },
  { name: 'dqn', skill: 0.85, tau: 600 },
  { name: 'random', skill: 0, tau: 1 },
  { name: 'my-submission', kind: 'submission', skill: 0.7, tau: 200, failSeeds: [3] },
];

/** Every agent on every scenario with every seed. */
export function fixtureResults(agents: readonly FixtureAgent[] = AGENTS, scenarios = SCENARIOS, seeds = SEEDS): JobResult[] {
  return agents.flatMap((a) => scenarios.flatMap((s) => seeds.map((seed) => fixtureResult(a, s, seed))));
}

/** Fewer bootstrap replicates than a published leaderboard, to keep the tests fast. */
export const TEST_STATS = { reps: 300, confidence: 0.95 };

export const META: RunMeta = {
  command: 'orchbench run --suite testing --seeds 6 --root-seed 7',
  harnessVersion: '0.1.0',
  nodeVersion: 'v20.20.2',
  suite: 'testing',
  seeds: SEEDS,
  rootSeed: 7,
};

export interface RunShape { agents?: readonly FixtureAgent[]; scenarios?: readonly string[]; seeds?: number; rootSeed?: number; harnessVersion?: string; edit?: (r: JobResult) => JobResult }

/** A run as `orchbench run` records it: seed index i is episodeSeed(rootSeed, i). */
export function fixtureRun(dir: string, shape: RunShape = {}): GateRun {
  const { agents = AGENTS, scenarios = SCENARIOS, seeds = 6, rootSeed = 7, harnessVersion = '0.1.0', edit = (r) => r } = shape;
  const seedValues = Array.from({ length: seeds }, (_, i) => episodeSeed(rootSeed, i));
  const results = agents.flatMap((a) => scenarios.flatMap((s) => seedValues.map((seed) => edit(fixtureResult(a, s, seed)))));
  const manifest: RunManifest = {
    command: ['orchbench', 'run'], harnessVersion, nodeVersion: 'v20.20.2', suite: 'testing',
    agents: agents.map((a) => a.name), scenarios: [...scenarios], seeds, rootSeed, jobsPlanned: results.length, jobsInSlice: results.length,
  };
  return { dir, manifest, results };
}

/** Writes a run as a folder (`run.json`, `results.jsonl`, a placeholder `leaderboard.json`); returns the folder. */
export function writeRun(dir: string, run: GateRun): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify(run.manifest));
  writeFileSync(join(dir, 'results.jsonl'), run.results.map((x) => JSON.stringify(x)).join('\n'));
  writeFileSync(join(dir, 'leaderboard.json'), '{}');
  return dir;
}
