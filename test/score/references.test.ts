/**
 * scoreJob's normalised scores against references computed here, by running the random policy
 * and every clairvoyant variant directly, on a scenario whose variants differ (model residency:
 * four clairvoyant variants, and the best on the evaluation phase is not the first). Nothing is
 * taken from scoreJob's own output to check its output: the references of the same job (a
 * per-worker cache makes them equal by construction) cannot tell a wrong reference from a right one.
 */
import { describe, expect, it } from 'vitest';
import type { Agent, AgentFactory } from '../../harness/agent.ts';
import { evaluateSegments } from '../../harness/env/checkpoints.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { deriveSeed } from '../../harness/rng.ts';
import type { CompiledScenario } from '../../harness/scenario/compiled.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { interactionsToThreshold } from '../../harness/score/curves.ts';
import { scoreJob } from '../../harness/score/job.ts';
import { clairvoyantVariants, createClairvoyant, createRandomAgent } from '../../harness/reference/index.ts';
import { BEAM_DEFAULTS, createBeamPlanner } from '../../harness/reference/beam.ts';
import { createPlanner, PLANNING_DEFAULTS } from '../../harness/reference/planning.ts';

const SEED = 11;
const WINDOW = 200;
/** Not the default 0.9, so a score that used the default would differ. */
const THRESHOLD = 0.6;

/** A residency scenario cut to 600 + 200 decisions, with its own hash (the reference caches are keyed by it). */
async function smallScenario(): Promise<CompiledScenario> {
  const s = await loadScenario('tuning-lte-short-4u-residency-load-v2', { variant: 'testing' });
  return {
    ...s,
    hash: `references-test-${s.hash}`,
    spec: { ...s.spec, budgets: { ...s.spec.budgets, learningDecisions: 600, evaluationDecisions: 200 }, sampleEfficiency: { thresholdFraction: THRESHOLD, source: 'test' } },
  };
}

const mean = (xs: Float64Array): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The references as the scoring rules define them: the random policy, and the best clairvoyant variant of each phase. */
function handReferences(scenario: CompiledScenario, seed: number) {
  const env = new OrchestrationEnv(scenario);
  const random = runEpisode(env, createRandomAgent(deriveSeed(seed, scenario.id, 'random-reference')), seed);
  const variants = clairvoyantVariants(env).map((v) => runEpisode(env, createClairvoyant(env, v), seed));
  return {
    learn: { random: mean(random.learningRewards), variants: variants.map((e) => mean(e.learningRewards)) },
    eval: { random: random.eval.meanReward, variants: variants.map((e) => e.eval.meanReward) },
  };
}

/** Random for its first `WINDOW` decisions, then clairvoyant (privileged): a learning curve rising from 0 to ~1 over one window. */
const rampAgent: AgentFactory = (ctx) => {
  const env = (ctx as { simulator?: OrchestrationEnv }).simulator!;
  const random = createRandomAgent(ctx.seed);
  const good = createClairvoyant(env);
  let n = 0;
  return { name: 'ramp', act: (obs) => (n++ < WINDOW ? random : good).act(obs) } satisfies Agent;
};

/** The scale these hand-computed references are (the best myopic variant = 1); planning-v1 is checked at the end. */
const V3 = { scale: 'clairvoyant-v3' } as const;

describe('scoreJob against hand-computed references (a scenario with several clairvoyant variants)', async () => {
  const scenario = await smallScenario();
  const hand = handReferences(scenario, SEED);
  const best = { learn: Math.max(...hand.learn.variants), eval: Math.max(...hand.eval.variants) };

  it('the scenario can tell the best variant from the first and the worst, and the evaluation phase from the learning phase', () => {
    // Preconditions of the checks below: otherwise a first-only or min reference would pass them.
    expect(hand.eval.variants.length).toBeGreaterThan(1);
    expect(hand.eval.variants.indexOf(best.eval)).toBeGreaterThan(0);
    expect(Math.min(...hand.eval.variants)).toBeLessThan(best.eval);
    expect(best.learn).not.toBeCloseTo(best.eval, 3);
    expect(hand.learn.random).not.toBeCloseTo(hand.eval.random, 3);
  });

  it('references are the random policy and the best clairvoyant variant of each phase; normalisedEvalReward uses the evaluation ones', async () => {
    const { metrics } = await scoreJob(scenario, rampAgent, SEED, { privileged: true, ...V3 });
    expect(metrics.refs.randomReward).toBeCloseTo(hand.learn.random, 12);
    expect(metrics.refs.oracleReward).toBeCloseTo(best.learn, 12);
    expect(metrics.evalRefs.randomReward).toBeCloseTo(hand.eval.random, 12);
    expect(metrics.evalRefs.oracleReward).toBeCloseTo(best.eval, 12);
    // The agent's own evaluation reward, from a run of it here (the same seeds: deterministic).
    const env = new OrchestrationEnv(scenario);
    const own = runEpisode(env, await rampAgent({ env: env.spec, seed: deriveSeed(SEED, scenario.id, 'agent'), simulator: env } as never), SEED);
    expect(metrics.eval.meanReward).toBe(own.eval.meanReward);
    expect(metrics.normalisedEvalReward).toBeCloseTo((own.eval.meanReward - hand.eval.random) / (best.eval - hand.eval.random), 12);
  });

  it("interactionsToThreshold uses the scenario's threshold, not the default", async () => {
    const { metrics } = await scoreJob(scenario, rampAgent, SEED, { privileged: true, ...V3 });
    const env = new OrchestrationEnv(scenario);
    const rewards = runEpisode(env, await rampAgent({ env: env.spec, seed: deriveSeed(SEED, scenario.id, 'agent'), simulator: env } as never), SEED).learningRewards;
    const at = (fraction: number) => interactionsToThreshold(rewards, { randomRef: hand.learn.random, oracleRef: best.learn, fraction, window: WINDOW });
    // Precondition: the two thresholds are reached at different counts.
    expect(at(THRESHOLD)).not.toBeNull();
    expect(at(THRESHOLD)).not.toBe(at(0.9));
    expect(metrics.threshold).toBe(THRESHOLD);
    expect(metrics.interactionsToThreshold).toBe(at(THRESHOLD));
  });

  it("the greedy curve's references are the random policy and the best clairvoyant variant on the agent's own segments", async () => {
    const firstLegal: AgentFactory = () => ({ name: 'first-legal', act: (obs) => obs.actionMask.indexOf(1) });
    const ck = { step: 200, maxRelativeStep: 0.5, segments: 3, decisionsPerSegment: 40, minDecisions: 120 };
    const g = (await scoreJob(scenario, firstLegal, SEED, { checkpointEval: ck, ...V3 })).metrics.greedyCurve!;
    const env = new OrchestrationEnv(scenario);
    const seeds = Array.from({ length: ck.segments }, (_, j) => deriveSeed(SEED, scenario.id, 'checkpoint-eval', j));
    const on = (agent: Agent) => evaluateSegments(env, agent, seeds, ck.decisionsPerSegment).meanReward;
    const variants = clairvoyantVariants(env).map((v) => on(createClairvoyant(env, v)));
    // A fixed policy's greedy reward is its reward on these segments: the references share them.
    expect(new Set(g.meanReward)).toEqual(new Set([on(await firstLegal({ env: env.spec, seed: 0 }))]));
    expect(g.decisions).toBe(ck.segments * ck.decisionsPerSegment);
    expect(g.refs.randomReward).toBeCloseTo(on(createRandomAgent(deriveSeed(SEED, scenario.id, 'random-reference'))), 12);
    expect(g.refs.oracleReward).toBeCloseTo(Math.max(...variants), 12);
    // Precondition: the segments matter (another set of them gives another reference).
    const others = evaluateSegments(env, createClairvoyant(env), seeds.slice(1), ck.decisionsPerSegment).meanReward;
    expect(others).not.toBeCloseTo(on(createClairvoyant(env)), 6);
  });

  for (const scale of ['planning-v1', 'planning-v2'] as const) {
    it(`on ${scale} the 1 is the better of the best variant and the planning policy with its prices${scale === 'planning-v2' ? ' or the beam-search planner with them (not on the learning phase)' : ''}, per phase and on the segments`, async () => {
      const firstLegal: AgentFactory = () => ({ name: 'first-legal', act: (obs) => obs.actionMask.indexOf(1) });
      const ck = { step: 200, maxRelativeStep: 0.5, segments: 3, decisionsPerSegment: 40, minDecisions: 120 };
      const { metrics } = await scoreJob(scenario, firstLegal, SEED, { checkpointEval: ck, scale });
      const env = new OrchestrationEnv(scenario);
      const variants = clairvoyantVariants(env);
      const prices = (values: number[]) => variants[values.indexOf(Math.max(...values))]!;
      const beam = scale === 'planning-v2';
      const learnPlan = mean(runEpisode(env, createPlanner(env, PLANNING_DEFAULTS, prices(hand.learn.variants)), SEED).learningRewards);
      const evalOnly = { learningDecisions: 0 };
      const evalRollout = runEpisode(env, createPlanner(env, PLANNING_DEFAULTS, prices(hand.eval.variants)), SEED, evalOnly).eval.meanReward;
      const evalBeam = beam ? runEpisode(env, createBeamPlanner(env, BEAM_DEFAULTS, prices(hand.eval.variants)), SEED, evalOnly).eval.meanReward : -Infinity;
      const evalPlan = Math.max(evalRollout, evalBeam);
      expect(metrics.refs).toEqual({ randomReward: hand.learn.random, oracleReward: Math.max(best.learn, learnPlan) });
      expect(metrics.evalRefs).toMatchObject({ randomReward: hand.eval.random, oracleReward: Math.max(best.eval, evalPlan), myopicReward: best.eval, planningReward: evalPlan });
      const seeds = Array.from({ length: ck.segments }, (_, j) => deriveSeed(SEED, scenario.id, 'checkpoint-eval', j));
      const on = (agent: Agent) => evaluateSegments(env, agent, seeds, ck.decisionsPerSegment).meanReward;
      const onVariants = variants.map((v) => on(createClairvoyant(env, v)));
      const segPrices = variants[onVariants.indexOf(Math.max(...onVariants))]!;
      const segPlan = on(createPlanner(env, PLANNING_DEFAULTS, segPrices));
      const segBeam = beam ? on(createBeamPlanner(env, BEAM_DEFAULTS, segPrices, ck.decisionsPerSegment)) : -Infinity;
      expect(metrics.greedyCurve!.refs.oracleReward).toBe(Math.max(...onVariants, segPlan, segBeam));
    });
  }
});
