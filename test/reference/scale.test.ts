/**
 * The named scales and the reference cache: new jobs are scored on `planning-v1` (the planning
 * reference = 1) and say so; a line without a scale re-runs on `clairvoyant-v3` with the hash it
 * always had; references come from a run folder's cache bit-identical to computing them, and a
 * job without a folder (what `verify` runs) never reads one.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBaseline } from '../../baselines/index.ts';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { runEpisode } from '../../harness/env/episode.ts';
import { cachedReference, clearReferenceMemory, mergeReferenceCaches, REFERENCES_DIR } from '../../harness/reference/cache.ts';
import { myopicReference } from '../../harness/reference/myopic.ts';
import { BEAM_DEFAULTS } from '../../harness/reference/beam.ts';
import { planningReference, PLANNING_DEFAULTS } from '../../harness/reference/planning.ts';
import { CURRENT_SCALE, lineScale, parseScale, phaseReferences } from '../../harness/reference/scale.ts';
import { jobIdentity } from '../../harness/runner/identity.ts';
import { canonicalHash } from '../../harness/hash.ts';
import { normalise } from '../../harness/score/curves.ts';
import { scoreJob } from '../../harness/score/job.ts';
import { fixedLink, fixtureScenario } from '../env/fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'orchbench-scale-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => clearReferenceMemory());

// Queues that build (as in planning.test.ts): the planning reference beats the myopic one here.
const queued = () => fixtureScenario({ users: 3, rateHz: 4, periodic: false, edgeCores: 1, wan: fixedLink(10, 10), edgeSamplesMs: [60], deviceSamplesMs: [200], learningDecisions: 300, evaluationDecisions: 300 });
const SEED = 5;
const CK = { step: 100, maxRelativeStep: 0.5, atZero: false, unitUpTo: 0, segments: 2, decisionsPerSegment: 100, minDecisions: 200 };

describe('the planning-v1 scale', () => {
  it('its 1 is the planning reference (at least the clairvoyant-v3 1, here above it), with each reference and the bound recorded', () => {
    const scenario = queued();
    const env = new OrchestrationEnv(scenario);
    const v3 = phaseReferences(scenario, SEED, 'clairvoyant-v3');
    const v1 = phaseReferences(scenario, SEED, 'planning-v1');
    const evalOnly = (agent: Parameters<Parameters<typeof myopicReference>[1]>[0]) => runEpisode(env, agent, SEED, { learningDecisions: 0 }).eval.meanReward;
    expect(v3.eval).toEqual({ randomReward: v1.eval.randomReward, oracleReward: myopicReference(env, evalOnly) });
    expect(v1.eval.oracleReward).toBe(planningReference(env, evalOnly).value);
    expect(v1.eval.myopicReward).toBe(v3.eval.oracleReward);
    expect(v1.eval.oracleReward).toBeGreaterThan(v3.eval.oracleReward);
    expect(v1.learn.oracleReward).toBeGreaterThan(v3.learn.oracleReward);
    expect(v1.learn.randomReward).toBe(v3.learn.randomReward);
    expect(v1.eval.boundReward).toBeGreaterThanOrEqual(v1.eval.oracleReward);
    for (const rate of Object.values(v1.eval.accuracyViolationRate!)) expect(rate >= 0 && rate <= 1).toBe(true);
  });

  it('planning-v2 adds the beam-search planner on the evaluation phase: its 1 there is the best of planning-v1\'s and the beam planner\'s, and new jobs are scored on it', () => {
    const scenario = queued();
    const env = new OrchestrationEnv(scenario);
    const v1 = phaseReferences(scenario, SEED, 'planning-v1');
    const v2 = phaseReferences(scenario, SEED, 'planning-v2');
    const evalOnly = (agent: Parameters<Parameters<typeof myopicReference>[1]>[0]) => runEpisode(env, agent, SEED, { learningDecisions: 0 }).eval.meanReward;
    const beam = planningReference(env, evalOnly, PLANNING_DEFAULTS, BEAM_DEFAULTS);
    expect(v2.eval.oracleReward).toBe(Math.max(v1.eval.oracleReward, beam.value));
    expect(v2.eval.oracleReward).toBeGreaterThanOrEqual(v1.eval.oracleReward);
    // The learning phase is on planning-v1's 1 (the beam search runs on the evaluation phase and segments only).
    expect(v2.learn).toEqual(v1.learn);
    expect(v2.eval.myopicReward).toBe(v1.eval.myopicReward);
    expect(v2.eval.randomReward).toBe(v1.eval.randomReward);
    expect(CURRENT_SCALE).toBe('planning-v2');
  });

  it('scores new jobs by it, and a legacy line keeps its hash and scale', async () => {
    const scenario = queued();
    const factory = await loadBaseline('static-edge');
    const job = await scoreJob(scenario, factory, SEED, { checkpointEval: CK, scale: 'planning-v1' });
    const refs = phaseReferences(scenario, SEED, 'planning-v1');
    expect(job.metrics.evalRefs).toEqual(refs.eval);
    expect(job.metrics.normalisedEvalReward).toBe(normalise(job.metrics.eval.meanReward, refs.eval.randomReward, refs.eval.oracleReward));
    const legacy = await scoreJob(scenario, factory, SEED, { checkpointEval: CK, scale: 'clairvoyant-v3' });
    expect(legacy.metrics.eval).toEqual(job.metrics.eval);
    expect(legacy.metrics.evalRefs).toEqual(phaseReferences(scenario, SEED, 'clairvoyant-v3').eval);
    expect(legacy.metrics.normalisedEvalReward).toBeGreaterThan(job.metrics.normalisedEvalReward);
    expect(legacy.metrics.greedyCurve!.refs.oracleReward).toBeLessThan(job.metrics.greedyCurve!.refs.oracleReward);
    // Identity: the legacy scale hashes as lines did before scales had names; the new one is another job.
    const inputs = { harnessVersion: 'v', agentCodeHash: 'a', scenarioHash: 's', traceSha256s: [] };
    const spec = { agent: 'x', variant: 'testing' as const, seed: 1 };
    expect(jobIdentity({ ...spec, scale: 'clairvoyant-v3' }, inputs)).toEqual({ jobHash: canonicalHash({ ...inputs, ...spec }), ...inputs });
    expect(jobIdentity(spec, inputs)).toMatchObject({ scale: 'planning-v2' });
    expect(jobIdentity(spec, inputs).jobHash).not.toBe(canonicalHash({ ...inputs, ...spec }));
    expect(CURRENT_SCALE).toBe('planning-v2');
    expect(lineScale({})).toBe('clairvoyant-v3');
    expect(() => parseScale('clairvoyant-v4', 'x.json: /scale')).toThrow(/x\.json: \/scale.*expected.*clairvoyant-v3, planning-v1, planning-v2/s);
  });
});

describe('the reference cache', () => {
  it('gives results bit-identical to computing the references; a job without a folder never reads one', async () => {
    const scenario = queued();
    const factory = await loadBaseline('greedy-heuristic');
    const dir = join(root, 'run');
    const hash = (m: object): string => canonicalHash(m);
    const uncached = await scoreJob(scenario, factory, SEED, { checkpointEval: CK });
    clearReferenceMemory();
    const filling = await scoreJob(scenario, factory, SEED, { checkpointEval: CK, referenceDir: dir });
    const files = readdirSync(join(dir, REFERENCES_DIR));
    // Phases, segments, and the bounds of the learning phase, evaluation phase and segments.
    expect(files.length).toBe(5);
    clearReferenceMemory();
    const reading = await scoreJob(scenario, factory, SEED, { checkpointEval: CK, referenceDir: dir });
    expect(hash(filling.metrics)).toBe(hash(uncached.metrics));
    expect(hash(reading.metrics)).toBe(hash(uncached.metrics));
    // Tamper with every cached value: a job given the folder reads it, one without recomputes.
    for (const f of files) {
      const p = join(dir, REFERENCES_DIR, f);
      writeFileSync(p, readFileSync(p, 'utf8').replace(/"oracleReward":-?[0-9.e-]+/g, '"oracleReward":-0.001'));
    }
    clearReferenceMemory();
    const tampered = await scoreJob(scenario, factory, SEED, { checkpointEval: CK, referenceDir: dir });
    expect(tampered.metrics.evalRefs.oracleReward).toBe(-0.001);
    const fresh = await scoreJob(scenario, factory, SEED, { checkpointEval: CK });
    expect(hash(fresh.metrics)).toBe(hash(uncached.metrics));
  });

  it('stores non-finite numbers and -0 exactly, ignores a file stored for another key, and merges folders', () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    const value = { x: NaN, y: -Infinity, z: -0, w: 0.1 + 0.2 };
    cachedReference({ part: 'test', n: 1 }, () => value, a);
    clearReferenceMemory();
    const back = cachedReference({ part: 'test', n: 1 }, () => ({ x: 0, y: 0, z: 0, w: 0 }), a);
    expect(Object.is(back.x, NaN) && Object.is(back.y, -Infinity) && Object.is(back.z, -0) && back.w === 0.1 + 0.2).toBe(true);
    // A file whose recorded key is not the one asked for is not used.
    const [file] = readdirSync(join(a, REFERENCES_DIR));
    const p = join(a, REFERENCES_DIR, file!);
    writeFileSync(p, readFileSync(p, 'utf8').replace('"n":1', '"n":2'));
    clearReferenceMemory();
    expect(cachedReference({ part: 'test', n: 1 }, () => ({ x: 1, y: 1, z: 1, w: 1 }), a)).toEqual({ x: 1, y: 1, z: 1, w: 1 });
    cachedReference({ part: 'test', n: 3 }, () => 3, b);
    expect(mergeReferenceCaches([a, b], join(root, 'merged'))).toBe(2);
    expect(mergeReferenceCaches([a, b], join(root, 'merged'))).toBe(0);
  });
});
