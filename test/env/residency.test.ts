/**
 * Model residency, by hand: least-recently-used slots, the load time and its energy on a
 * non-resident model's first request, the observation's resident mask; and the shipped
 * model-load table is what the converter writes from measured-h100-model-load.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { recordAgentLog } from '../../harness/submission/agent-log.ts';
import { clairvoyantVariants, createClairvoyant } from '../../harness/reference/index.ts';
import { Residency } from '../../harness/env/residency.ts';
import { buildModelLoad, buildProfiles, modelLoadMs, MODEL_LOAD_FILE, readCsv, toJsonText } from '../../harness/profiles/convert.ts';
import { PACKAGE_ROOT } from '../../harness/version.ts';
import { A, fixtureScenario, stepRecord } from './fixtures.ts';

describe('Residency', () => {
  it('keeps the least recently used models in its slots and charges a load only when not resident', () => {
    // Actions 0..3 -> models 0, 1, 2, 0 (action 3 is model 0 on another tier); load 10, 20, 30 ms.
    const r = new Residency(1, 2, Int32Array.from([0, 1, 2, 0]), Float64Array.from([10, 20, 30, 0]));
    r.reset();
    expect(r.loadMs(0, 0)).toBe(10);
    r.use(0, 0);
    r.use(0, 1);
    expect(r.loadMs(0, 0)).toBe(0);
    expect(r.loadMs(0, 1)).toBe(0);
    r.use(0, 0); // model 1 is now the least recently used
    r.use(0, 2);
    expect(r.loadMs(0, 1)).toBe(20);
    expect(r.loadMs(0, 0)).toBe(0);
    const out = [0, 0, 0, 0];
    r.fillResident(0, Int8Array.from([1, 1, 1, 0]), out);
    expect([...out]).toEqual([1, 0, 1, 0]);
  });

  it("names the load time of the model a device action would evict (0 while a slot is free or it is resident)", () => {
    const r = new Residency(1, 2, Int32Array.from([0, 1, 2, 0]), Float64Array.from([10, 20, 30, 0]));
    r.reset();
    expect(r.evictedLoadMs(0, 0)).toBe(0); // a slot is free
    r.use(0, 0);
    r.use(0, 1);
    expect(r.evictedLoadMs(0, 1)).toBe(0); // resident
    expect(r.evictedLoadMs(0, 3)).toBe(0); // not a device action
    expect(r.evictedLoadMs(0, 2)).toBe(10); // model 0 is the least recently used
    r.use(0, 0);
    expect(r.evictedLoadMs(0, 2)).toBe(20); // now model 1 is
  });
});

describe('residency in the environment', () => {
  /** One slot, the small model loading in 100 ms, reset for learning. */
  const oneSlotEnv = (): OrchestrationEnv => {
    const s = fixtureScenario();
    s.spec.tiers.device.residency = { slots: 1 };
    s.profiles.device.models.small!.loadMs = 100;
    const env = new OrchestrationEnv(s);
    env.reset(1, 'learn');
    return env;
  };

  it('the first device request loads the model (100 ms at busy power), the next does not; the observation says so', () => {
    const s = fixtureScenario();
    s.spec.tiers.device.residency = { slots: 1 };
    s.profiles.device.models.small!.loadMs = 100;
    const env = new OrchestrationEnv(s);
    let obs = env.reset(1, 'learn');
    expect(obs.user.resident[A.deviceSmall]).toBe(0);
    const first = stepRecord(env, A.deviceSmall);
    // 40 ms compute + 100 ms load; energy = idle 0.5 W x 140 ms + (5 - 0.5) W x 140 ms.
    expect(first.outcome.computeMs).toBeCloseTo(140, 12);
    expect(first.outcome.deviceEnergyMj).toBeCloseTo(700, 9);
    obs = first.obs;
    expect(obs.user.resident[A.deviceSmall]).toBe(1);
    expect(obs.user.resident[A.edgeSmall]).toBe(0);
    const second = stepRecord(env, A.deviceSmall);
    expect(second.outcome.computeMs).toBeCloseTo(40, 12);
    expect(second.outcome.deviceEnergyMj).toBeCloseTo(200, 9);
  });

  it('env log keeps each observation as it was (the resident mask is copied, not aliased)', () => {
    const s = fixtureScenario({ learningDecisions: 3 });
    s.spec.tiers.device.residency = { slots: 1 };
    s.profiles.device.models.small!.loadMs = 100;
    const env = new OrchestrationEnv(s);
    const log = recordAgentLog(env, { name: 'device', act: () => A.deviceSmall }, 1, { evaluationDecisions: 0 });
    const seen = log.filter((e) => e.kind === 'observation' && e.phase === 'learn').map((e) => (e as { observation: { user: { resident: number[] } } }).observation.user.resident[A.deviceSmall]);
    expect(seen).toEqual([0, 1, 1]);
  });

  it('the clairvoyant reference scores a load as an investment in its residency variants (and only with residency)', () => {
    const env = oneSlotEnv();
    const plain = createClairvoyant(env);
    const investing = createClairvoyant(env, { energyPriceScale: null, asIfResident: true, evictionPriceScale: 0 });
    plain.act(env.currentObservation);
    investing.act(env.currentObservation);
    const myopic = plain.score(A.deviceSmall);
    expect(myopic).toBe(env.whatIf(A.deviceSmall).reward);
    const invested = investing.score(A.deviceSmall);
    expect(invested).toBeGreaterThan(myopic);
    stepRecord(env, A.deviceSmall);
    // Resident now: the two scores agree.
    expect(investing.score(A.deviceSmall)).toBe(plain.score(A.deviceSmall));
    expect(clairvoyantVariants(env).length).toBe(4);
    expect(clairvoyantVariants(new OrchestrationEnv(fixtureScenario())).length).toBe(1);
  });

  it('an as-if-resident what-if leaves no load skipped for later decisions (the environment keeps no flag)', () => {
    const env = oneSlotEnv();
    const withLoad = env.whatIf(A.deviceSmall).reward;
    expect(env.whatIf(A.deviceSmall, { resident: true }).reward).toBeGreaterThan(withLoad);
    expect(env.whatIf(A.deviceSmall).reward).toBe(withLoad);
    expect(stepRecord(env, A.deviceSmall).outcome.computeMs).toBeCloseTo(140, 12);
  });

  it('without residency every device action is resident and costs no load', () => {
    const env = new OrchestrationEnv(fixtureScenario());
    const obs = env.reset(1, 'learn');
    expect([...obs.user.resident]).toEqual([1, 0, 0, 0, 0, 0]);
    expect(stepRecord(env, A.deviceSmall).outcome.computeMs).toBe(40);
  });
});

const SHARED = path.join(PACKAGE_ROOT, '..', 'shared', 'traces');
const LOAD_DIR = path.join(SHARED, 'measured-h100-model-load');
describe.skipIf(!existsSync(LOAD_DIR))('the model-load table (needs ../shared/traces/measured-h100-model-load)', () => {
  it('takes the median warm-cache read + build time at 1 thread', () => {
    const rows = readCsv(path.join(LOAD_DIR, 'model_load.csv')).filter((r) => r.cells.model === 'resnet50' && r.cells.target === 'cpu-1t' && r.cells.cold_cache === 'False');
    const v = rows.map((r) => Number(r.cells.read_ms) + Number(r.cells.build_ms)).sort((a, b) => a - b);
    const median = v.length % 2 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
    expect(modelLoadMs(LOAD_DIR).get('resnet50')).toBeCloseTo(median, 9);
  });

  it('the shipped model-load.json is exactly what the converter writes today', () => {
    const factors: Record<string, number> = {};
    buildProfiles(path.join(SHARED, 'measured-h200-xeon'), path.join(SHARED, 'mlperf-derived'), factors);
    const shipped = readFileSync(path.join(PACKAGE_ROOT, 'scenarios', 'profiles', MODEL_LOAD_FILE), 'utf8');
    expect(shipped).toBe(toJsonText(buildModelLoad(LOAD_DIR, factors)));
    expect(factors['xeon-1core']).toBe(1);
  });
});
