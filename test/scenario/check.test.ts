import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario, loadScenario, loadSuite, suiteFiles } from '../../harness/scenario/load.ts';
import { HAS_SHARED, REPO_ROOT } from '../helpers/paths.ts';

const base = suiteFiles('default')[0]!;
const tmp = mkdtempSync(join(tmpdir(), 'orchbench-scn-'));

/** Writes a copy of the first default scenario changed by `mutate`, returns its path. */
function mutated(name: string, mutate: (s: Record<string, any>) => void): string {
  const s = JSON.parse(readFileSync(base, 'utf8')) as Record<string, any>;
  mutate(s);
  const f = join(tmp, `${name}.json`);
  writeFileSync(f, JSON.stringify(s, null, 2));
  return f;
}

describe('shipped scenarios', () => {
  it('has at least 6 default scenarios covering 1, 4 and 16 users', () => {
    const files = suiteFiles('default');
    expect(files.length).toBeGreaterThanOrEqual(6);
    const users = new Set(files.map((f) => JSON.parse(readFileSync(f, 'utf8')).users.count));
    expect([...users].sort((a, b) => a - b)).toEqual([1, 4, 16]);
  });

  for (const suite of ['default', 'tuning'] as const) {
    it(`every ${suite} scenario validates and compiles offline`, async () => {
      for (const f of suiteFiles(suite)) expect(checkScenario(f), f).toEqual([]);
      const compiled = await loadSuite(suite);
      for (const s of compiled) {
        expect(s.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(s.actions.length).toBe(3 * s.spec.models.length);
        expect(s.traceSha256s.every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
      }
    });
  }

  it('the testing variant applies its budgets and changes the hash', async () => {
    const full = await loadScenario(base);
    const testing = await loadScenario(base, { variant: 'testing' });
    const raw = JSON.parse(readFileSync(base, 'utf8'));
    expect(testing.spec.budgets).toEqual(raw.testing.budgets);
    expect(full.spec.budgets).toEqual(raw.budgets);
    expect(testing.hash).not.toBe(full.hash);
  });

  it('loads a shipped scenario by id', async () => {
    const s = await loadScenario('lte-driving-4u-mixed-v1');
    expect(s.spec.users.count).toBe(4);
  });
});

describe('bad scenarios are rejected with the right pointer', () => {
  const cases: [string, (s: Record<string, any>) => void, string, RegExp][] = [
    ['wrong-type', (s) => { s.links.access.rttMs = 'fast'; }, '/links/access/rttMs', /number \(ms\)/],
    ['out-of-range', (s) => { s.users.count = 0; }, '/users/count', />= 1 \(users\)/],
    ['negative-power', (s) => { s.tiers.device.power.txPowerW = -1; }, '/tiers/device/power/txPowerW', /\(W\)/],
    ['unknown-field', (s) => { s.users.speedKmh = 3; }, '/users/speedKmh', /no unknown field/],
    ['missing-field', (s) => { delete s.reward.latencyWeightPerS; }, '/reward/latencyWeightPerS', /required field/],
    ['bad-enum', (s) => { s.replay.atEnd = 'loop'; }, '/replay/atEnd', /"wrap", "truncate"/],
    ['bad-id', (s) => { s.id = 'No Version'; }, '/id', /name-vN/],
    ['unknown-profile', (s) => { s.tiers.edge.profile = 'no-such-profile'; }, '/tiers/edge/profile', /profile/],
    ['unknown-generator', (s) => { s.links.access.traces[0] = { generator: 'nope-v9', durationS: 60 }; }, '/links/access/traces/0/generator', /generator/],
    ['unknown-catalog', (s) => { s.links.access.traces[0] = { catalog: 'nope' }; }, '/links/access/traces/0/catalog', /catalog/],
    ['trace-ref-field', (s) => { s.links.access.traces[0] = { generator: 'lte-driving-v1', durationS: -5 }; }, '/links/access/traces/0/durationS', /> 0 \(s\)/],
    ['model-not-in-profile', (s) => { s.models[0].id = 'alexnet'; }, '/models/0/tiers/0', /profile/],
    ['weights-length', (s) => { s.users.accuracyRequirement = { distribution: 'choice', valuesTop1Pct: [60, 70], weights: [1] }; }, '/users/accuracyRequirement/weights', /2 weights/],
    ['unknown-background-process', (s) => { s.tiers.edge.backgroundLoad = { process: 'nope-v1' }; }, '/tiers/edge/backgroundLoad/process', /scenarios\/traces\/load\//],
    ['deadline-and-fixed-deadline', (s) => { s.users.deadlineMs = 100; s.users.deadline = { distribution: 'pareto', alpha: 1.5, minMs: 50, maxMs: 500 }; }, '/users/deadlineMs', /null when \/users\/deadline/],
    ['deadline-bounds', (s) => { s.users.deadlineMs = null; s.users.deadline = { distribution: 'pareto', alpha: 1.5, minMs: 500, maxMs: 50 }; }, '/users/deadline/maxMs', />= minMs \(500 ms\)/],
    ['battery-capacity', (s) => { s.tiers.device.battery = { capacityWh: -1, initialSocPct: 1, emptyPenaltyPerRequest: 1, source: 'x' }; }, '/tiers/device/battery/capacityWh', /Wh/],
  ];
  for (const [name, mutate, pointer, expected] of cases) {
    it(name, () => {
      const f = mutated(name, mutate);
      const issues = checkScenario(f);
      const hit = issues.find((i) => i.pointer === pointer);
      expect(hit, JSON.stringify(issues)).toBeDefined();
      expect(hit!.file).toBe(f);
      expect(hit!.expected).toMatch(expected);
      expect(hit!.found.length).toBeGreaterThan(0);
    });
  }

  it('a JSON syntax error names the file and line', () => {
    const f = join(tmp, 'syntax.json');
    writeFileSync(f, '{\n  "id": "x-v1",\n  oops\n}');
    const [issue] = checkScenario(f);
    expect(issue?.file).toBe(f);
    expect(issue?.line).toBe(3);
  });

  it('loadScenario throws an InputError listing every issue', async () => {
    const f = mutated('two-errors', (s) => { s.users.count = -1; s.reward.energyWeightPerJ = 'x'; });
    await expect(loadScenario(f)).rejects.toThrow(/\/users\/count[\s\S]*\/reward\/energyWeightPerJ|\/reward\/energyWeightPerJ[\s\S]*\/users\/count/);
  });
});

describe('orchbench scenario check (CLI)', () => {
  const bin = join(REPO_ROOT, 'bin', 'orchbench.js');
  it('exits 0 on valid files', () => {
    const out = execFileSync('node', [bin, 'scenario', 'check', ...suiteFiles('default')], { encoding: 'utf8' });
    expect(out).toMatch(/valid, 0 invalid/);
  });
  it('exits 1 with --json errors and no stack trace on an invalid file', () => {
    const f = mutated('cli-bad', (s) => { s.links.access.rttMs = -3; });
    const r = spawnSync('node', [bin, 'scenario', 'check', '--json', base, f], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { valid: boolean; files: { file: string; issues: { pointer: string }[] }[] };
    expect(report.valid).toBe(false);
    expect(report.files[1]!.issues.map((i) => i.pointer)).toContain('/links/access/rttMs');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe.skipIf(!HAS_SHARED)('recorded scenarios (need ../shared for the mirror)', () => {
  it('every recorded scenario validates and compiles from the mirror with sha256-identified traces', async () => {
    for (const f of suiteFiles('recorded')) expect(checkScenario(f), f).toEqual([]);
    const suite = await loadSuite('recorded');
    expect(suite.length).toBeGreaterThanOrEqual(4);
    for (const s of suite) {
      for (const a of s.access) {
        expect(a.kind).toBe('recorded');
        if (a.kind === 'recorded') expect(a.trace.tMs.length).toBeGreaterThan(10);
      }
    }
  });
});
