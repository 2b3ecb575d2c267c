import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OrchestrationEnv } from '../../harness/env/env.ts';
import { PhaseLinks } from '../../harness/env/links.ts';
import { deriveRng, deriveSeed, numericSeed, SealedKey } from '../../harness/rng.ts';
import { jobIdentity } from '../../harness/runner/identity.ts';
import { executeJobs } from '../../harness/runner/execute.ts';
import { identifyJob, jobSeed, runJob } from '../../harness/runner/job.ts';
import { episodeSeed, planJobs } from '../../harness/runner/plan.ts';
import { commitmentOf, freshSecret, readSecretFile, refuseRootSeedWhenSealed, runSecretFor, sealedEpisodeKey, SECRET_FILE, writeSecretFile } from '../../harness/runner/sealed.ts';
import { resolveScenarioFile, loadScenario } from '../../harness/scenario/load.ts';
import { agentSeed } from '../../harness/score/job.ts';
import { inputError } from '../helpers/input-error.ts';

const root = mkdtempSync(join(tmpdir(), 'orchbench-sealed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const secretBytes = (fill: number): Uint8Array => new Uint8Array(16).fill(fill);
const draws = (seed: Parameters<typeof deriveRng>[0], n = 4): number[] => {
  const r = deriveRng(seed, 'x', 1);
  return Array.from({ length: n }, () => r.float());
};

describe('keyed stream derivation (rng.ts)', () => {
  it('open seeds derive as before: the same values, so published results still verify', () => {
    // Recorded from the derivation before sealed runs existed.
    expect(episodeSeed(0, 0)).toBe(deriveSeed(0, 'episode-seed', 0));
    expect(numericSeed(12345, 'a', 2)).toBe(deriveSeed(12345, 'a', 2));
    expect(agentSeed(episodeSeed(0, 0), 'sc')).toBe(deriveSeed(episodeSeed(0, 0), 'sc', 'agent'));
  });

  it('a sealed key never narrows to a short seed, and its streams depend on the secret', () => {
    const k = new SealedKey(secretBytes(1));
    expect(deriveSeed(k, 'episode-seed', 0)).toBeInstanceOf(SealedKey);
    expect(draws(k.child('e'))).toEqual(draws(new SealedKey(secretBytes(1)).child('e')));
    expect(draws(k.child('e'))).not.toEqual(draws(new SealedKey(secretBytes(2)).child('e')));
    // Not the stream of any public path with the same labels.
    expect(draws(k)).not.toEqual(draws(0));
    const n = k.number('agent');
    expect(Number.isInteger(n) && n >= 0 && n < 2 ** 31).toBe(true);
    expect(String(k)).not.toContain(Buffer.from(secretBytes(1)).toString('hex'));
    expect(() => new SealedKey(new Uint8Array(15))).toThrow(/at least 16 bytes/);
  });
});

describe('sealed jobs', () => {
  it('key every simulator stream, trace offsets included, with the secret', async () => {
    const scenario = await loadScenario(resolveScenarioFile('lte-driving-4u-battery-v3'), { variant: 'testing' });
    const [a, b] = [freshSecret(), freshSecret()];
    const offsets = (seed: Parameters<PhaseLinks['reset']>[0]): number[] => {
      const l = new PhaseLinks(scenario);
      l.reset(seed, 'learn');
      return [...l.offsetMs, l.wanOffsetMs];
    };
    const first = (seed: Parameters<OrchestrationEnv['reset']>[0]): number[] => {
      const env = new OrchestrationEnv(scenario);
      const o = env.reset(seed, 'learn');
      return [o.timeMs, o.userId, o.request.accuracyRequirementTop1Pct];
    };
    const keyA = sealedEpisodeKey(a, 0);
    expect(offsets(keyA)).toEqual(offsets(sealedEpisodeKey({ ...a }, 0)));
    expect(offsets(keyA)).not.toEqual(offsets(sealedEpisodeKey(b, 0)));
    expect(offsets(keyA)).not.toEqual(offsets(episodeSeed(0, 0)));
    expect(first(keyA)).toEqual(first(sealedEpisodeKey(a, 0)));
    expect(first(keyA)).not.toEqual(first(sealedEpisodeKey(b, 0)));
    // The agent's seed is a keyed value too: the same for the same secret, another for another.
    expect(agentSeed(keyA, scenario.id)).toBe(agentSeed(sealedEpisodeKey(a, 0), scenario.id));
    expect(agentSeed(keyA, scenario.id)).not.toBe(agentSeed(sealedEpisodeKey(b, 0), scenario.id));
  });

  it('plan seed indices with the commitment, hash apart from open jobs, and refuse to run without the matching secret', async () => {
    const s = freshSecret();
    const c = commitmentOf(s);
    const jobs = await planJobs({ suite: 'testing', scenarios: ['broadband-1u-loose-v1'], agents: [{ name: 'random', kind: 'baseline' }], seeds: 2, rootSeed: 0, sealed: c });
    expect(jobs.map((j) => [j.spec.seed, j.spec.sealed])).toEqual([[0, c], [1, c]]);
    const inputs = { harnessVersion: 'v', agentCodeHash: 'a', scenarioHash: 's', traceSha256s: [] };
    expect(jobIdentity({ agent: 'x', variant: 'testing', seed: 0, sealed: c }, inputs).jobHash).not.toBe(jobIdentity({ agent: 'x', variant: 'testing', seed: 0 }, inputs).jobHash);
    expect(() => jobSeed(jobs[0]!.spec, undefined)).toThrow(/needs its run's secret/);
    expect(() => jobSeed(jobs[0]!.spec, freshSecret())).toThrow(/another run's secret/);
    const r = await runJob(jobs[0]!.spec, { secret: s });
    expect(r.status).toBe('ok');
    expect(r.sealed).toBe(c);
    expect(JSON.stringify(r)).not.toContain(s.secret);
    // Reproducible given the secret.
    expect((await runJob(jobs[0]!.spec, { secret: s })).resultHash).toBe(r.resultHash);
  });
});

describe('secret file', () => {
  it('is written 0600 and read back only against its commitment; bad files are named with the commitment expected', async () => {
    const s = freshSecret();
    const c = commitmentOf(s);
    const dir = mkdtempSync(join(root, 'f-'));
    const file = writeSecretFile(dir, s);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readSecretFile(file, c)).toEqual(s);
    expect(readSecretFile(file, null)).toEqual(s);
    const other = freshSecret();
    const wrong = (await inputError(() => readSecretFile(file, commitmentOf(other)))).message;
    expect(wrong).toContain(file);
    expect(wrong).toContain(commitmentOf(other));
    const missing = (await inputError(() => readSecretFile(join(dir, 'nope.json'), c))).message;
    expect(missing).toMatch(/nope\.json.*no such file/);
    expect(missing).toContain(c);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ runId: s.runId, secret: 'abcd' }));
    expect((await inputError(() => readSecretFile(bad, c))).message).toMatch(/\/secret.*128 bits/);
    expect(JSON.parse(readFileSync(file, 'utf8')).commitment).toBe(c);
  });

  it('--sealed with --root-seed is refused with the reason; a sealed folder resumes only sealed, with its own secret', async () => {
    expect((await inputError(() => refuseRootSeedWhenSealed(true, true))).message).toMatch(/--root-seed.*fresh secret/);
    expect(() => refuseRootSeedWhenSealed(true, false)).not.toThrow();
    const s = freshSecret();
    const dir = mkdtempSync(join(root, 'r-'));
    writeSecretFile(dir, s);
    expect(runSecretFor(dir, true, true, { commitment: commitmentOf(s) })).toEqual(s);
    expect((await inputError(() => runSecretFor(dir, false, true, { commitment: commitmentOf(s) }))).message).toMatch(/run\.json.*sealed run/);
    expect((await inputError(() => runSecretFor(dir, true, true, undefined))).message).toMatch(/open run/);
    expect(runSecretFor(dir, true, false, null)).not.toEqual(s);
    expect(SECRET_FILE).toBe('secret.json');
  });
});

describe('the spec an agent receives', () => {
  it('is a deep-frozen copy: a trusted agent writing to ctx.env gets a TypeError and its job fails with that reason', async () => {
    const spec = { agent: 'spec-writer', agentKind: 'submission' as const, agentPath: fileURLToPath(new URL('./fixtures/spec-writing-agent.ts', import.meta.url)), scenario: 'broadband-1u-loose-v1', scenarioFile: resolveScenarioFile('broadband-1u-loose-v1'), variant: 'testing' as const, seed: episodeSeed(0, 0) };
    const dir = mkdtempSync(join(root, 'frozen-'));
    const run = await executeJobs([{ spec, id: await identifyJob(spec) }], { outDir: dir, workers: 1 });
    expect(run.results[0]!.status).toBe('failed');
    expect(run.results[0]!.reason).toMatch(/^threw TypeError: .*read only.*accuracyTop1Pct/);
    // The harness's own spec (and the cached scenario's action table) is untouched.
    const scenario = await loadScenario(spec.scenarioFile, { variant: 'testing' });
    expect(scenario.actions[0]!.accuracyTop1Pct).toBeLessThan(100);
  });
});
