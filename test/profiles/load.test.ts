import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { listProfiles, loadProfile, PROFILES_DIR } from '../../harness/profiles/load.ts';

const SHIPPED = ['h200-fp16-cloud', 'orin-cpu-device', 'rpi4-device', 'xeon-1core', 'xeon-4core-edge'];

/** Copies a shipped profile into a temp dir after `edit`, and returns that dir. */
function brokenCopy(id: string, edit: (doc: Record<string, any>) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'orchbench-profile-'));
  const doc = JSON.parse(readFileSync(path.join(PROFILES_DIR, `${id}.json`), 'utf8')) as Record<string, any>;
  edit(doc);
  writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(doc));
  return dir;
}

/** The issues of the InputError `fn` throws (fails the test when it does not throw one). */
function issuesOf(fn: () => unknown): InputError['issues'] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).issues;
  }
  throw new Error('expected an InputError');
}

describe('shipped profiles', () => {
  it('lists the four default profiles (models.json is not a profile)', () => {
    expect(listProfiles()).toEqual(SHIPPED);
  });

  it.each(SHIPPED)('%s validates and covers the 10 torchvision models', (id) => {
    const p = loadProfile(id);
    expect(p.id).toBe(id);
    expect(Object.keys(p.models)).toHaveLength(10);
    for (const m of Object.values(p.models)) {
      expect(m.p95Ms).toBeGreaterThanOrEqual(m.medianMs);
      expect(Math.min(...m.latencySamplesMs)).toBeLessThanOrEqual(m.medianMs);
    }
  });

  it('every profiled model has a published accuracy in models.json', () => {
    const zoo = JSON.parse(readFileSync(path.join(PROFILES_DIR, 'models.json'), 'utf8')) as { models: Record<string, { accuracyTop1Pct: number; params: number }> };
    for (const id of SHIPPED) {
      for (const model of Object.keys(loadProfile(id).models)) {
        const entry = zoo.models[model];
        expect(entry, model).toBeDefined();
        expect(entry!.accuracyTop1Pct).toBeGreaterThan(50);
        expect(entry!.accuracyTop1Pct).toBeLessThan(90);
        expect(Number.isInteger(entry!.params)).toBe(true);
      }
    }
  });

  it('edge and cloud contention curves start at ~1 and grow beyond the core/client count', () => {
    for (const [id, knee] of [['xeon-4core-edge', 4], ['h200-fp16-cloud', 4]] as const) {
      const c = loadProfile(id).contention!;
      expect(c.concurrent[0]).toBe(1);
      for (const s of c.slowdown) expect(s).toBeGreaterThanOrEqual(0.95);
      const beyond = c.concurrent.map((n, i) => [n, c.slowdown[i]!] as const).filter(([n]) => n > knee);
      expect(beyond.length).toBeGreaterThan(0);
      for (const [, s] of beyond) expect(s).toBeGreaterThan(1.5);
      // Monotone growth past the knee.
      const tail = beyond.map(([, s]) => s);
      expect(tail).toEqual([...tail].sort((a, b) => a - b));
    }
  });

  it('the edge curve is flat (within 15%) up to its 4 cores', () => {
    const c = loadProfile('xeon-4core-edge').contention!;
    c.concurrent.forEach((n, i) => {
      if (n <= 4) expect(c.slowdown[i]).toBeLessThan(1.15);
    });
  });

  it('the Orin device makes orchestration non-trivial: small models in tens of ms, big ones in hundreds', () => {
    const p = loadProfile('orin-cpu-device');
    expect(p.models.mobilenet_v3_small!.medianMs).toBeLessThan(30);
    expect(p.models.resnet50!.medianMs).toBeGreaterThan(150);
    expect(p.models.vit_b_16!.medianMs).toBeGreaterThan(300);
    expect(p.power!.busyPowerW! - p.power!.idlePowerW!).toBeCloseTo(p.power!.busyAboveIdlePowerW!, 2);
  });

  it.each(['orin-cpu-device', 'rpi4-device'])('%s is xeon-1core scaled by one factor', (id) => {
    const device = loadProfile(id).models;
    const xeon = loadProfile('xeon-1core').models;
    const factors = Object.keys(xeon).map((m) => device[m]!.medianMs / xeon[m]!.medianMs);
    for (const f of factors) expect(f).toBeCloseTo(factors[0]!, 3);
    expect(factors[0]).toBeGreaterThan(1);
  });

  it('the RPi4 is slower and draws less power than the Orin, and states no idle power', () => {
    const rpi = loadProfile('rpi4-device');
    const orin = loadProfile('orin-cpu-device');
    for (const [m, l] of Object.entries(rpi.models)) expect(l.medianMs, m).toBeGreaterThan(orin.models[m]!.medianMs);
    expect(rpi.power!.busyPowerW!).toBeLessThan(orin.power!.busyPowerW!);
    expect(rpi.power!.idlePowerW).toBeUndefined();
    expect(rpi.provenance.citation).toMatch(/^MLCommons, MLPerf Inference v2\.1 .*Krai .*Apache-2\.0.*https:\/\/github\.com\/mlcommons\/inference_results_v2\.1\//);
  });

  it('cloud dynamic energy + idle power x latency gives back the whole-board energy', () => {
    const p = loadProfile('h200-fp16-cloud');
    for (const m of Object.values(p.models)) {
      expect(m.energyMjPerInference! + p.power!.idlePowerW! * m.medianMs).toBeCloseTo(m.boardEnergyMjPerInference!, 1);
      expect(m.energyMjPerInference!).toBeLessThan(m.boardEnergyMjPerInference!);
    }
  });
});

describe('bad profile files', () => {
  it('a negative median is reported at its JSON pointer, with the unit', () => {
    const dir = brokenCopy('xeon-1core', (d) => { d.models.resnet18.medianMs = -3; });
    const issues = issuesOf(() => loadProfile('xeon-1core', dir));
    expect(issues[0]!.pointer).toBe('/models/resnet18/medianMs');
    expect(issues[0]!.expected).toContain('ms');
    expect(issues[0]!.found).toBe('-3');
  });

  it('a missing required field and an unknown kind are both reported', () => {
    const dir = brokenCopy('xeon-4core-edge', (d) => { delete d.provenance.method; d.kind = 'fog'; });
    const pointers = issuesOf(() => loadProfile('xeon-4core-edge', dir)).map((i) => i.pointer);
    expect(pointers).toContain('/provenance/method');
    expect(pointers).toContain('/kind');
  });

  it('checks the schema cannot express: id = file name, ordered contention, p95 >= median', () => {
    const dir = brokenCopy('xeon-4core-edge', (d) => {
      d.id = 'other';
      d.contention.concurrent = [1, 4, 2, 8, 16];
      d.models.resnet50.p95Ms = 1;
    });
    const pointers = issuesOf(() => loadProfile('xeon-4core-edge', dir)).map((i) => i.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/id', '/contention/concurrent/2', '/models/resnet50/p95Ms']));
  });

  it('a missing profile is an InputError naming the file', () => {
    const issues = issuesOf(() => loadProfile('no-such-profile'));
    expect(issues[0]!.file).toContain('no-such-profile.json');
  });
});
