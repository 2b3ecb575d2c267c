/**
 * The shipped reference bundle of the default suite (`scenarios/reference-cache/default-v4.json`,
 * `harness/reference/cache.ts`): it was computed by today's reference code (else it must be
 * regenerated: `bench/reference-bundle.ts`), its values are what computing them gives, bit for bit,
 * and a run folder is seeded from it only while its code hash holds.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clearReferenceMemory, readCachedReference, referenceCodeHash, REFERENCES_DIR, seedReferenceCache, SHIPPED_REFERENCES_DIR, type ReferenceBundle } from '../../harness/reference/cache.ts';
import { phaseReferences, type ScaleName } from '../../harness/reference/scale.ts';
import { loadSuite } from '../../harness/scenario/load.ts';

const root = mkdtempSync(join(tmpdir(), 'orchbench-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const file = join(SHIPPED_REFERENCES_DIR, 'default-v4.json');
const bundle = JSON.parse(readFileSync(file, 'utf8')) as ReferenceBundle;

describe('the shipped reference bundle', () => {
  it("was computed by today's reference code (a change to the simulator or the references needs `node --import tsx bench/reference-bundle.ts`)", () => {
    expect(bundle.codeHash).toBe(referenceCodeHash());
    expect(bundle.entries.length).toBeGreaterThan(0);
  });

  it('holds what computing gives, bit for bit (two testing-variant phase entries recomputed)', async () => {
    const testing = await loadSuite('default-v4', { variant: 'testing' });
    const byHash = new Map(testing.map((s) => [s.hash, s]));
    const picked = bundle.entries.filter((e) => e.key.part === 'phases' && byHash.has(e.key.scenarioHash as string)).slice(0, 2);
    expect(picked.length).toBe(2);
    for (const e of picked) {
      clearReferenceMemory();
      expect(phaseReferences(byHash.get(e.key.scenarioHash as string)!, Number(e.key.seed), e.key.scale as ScaleName)).toEqual(e.value);
    }
  }, 120_000);

  it('seeds a run folder while its code hash holds, and not at all when it is stale', () => {
    const all = new Set(bundle.entries.map((e) => e.key.scenarioHash as string));
    const out = join(root, 'run');
    const seeded = seedReferenceCache(out, all);
    expect(seeded).toEqual({ copied: bundle.entries.length, stale: [] });
    expect(readdirSync(join(out, REFERENCES_DIR)).length).toBe(bundle.entries.length);
    const e = bundle.entries[0]!;
    expect(readCachedReference(out, e.key)).toEqual(e.value);
    // Again: the folder has them all.
    expect(seedReferenceCache(out, all).copied).toBe(0);
    // Only the run's scenarios: one scenario's entries.
    const one = e.key.scenarioHash as string;
    expect(seedReferenceCache(join(root, 'one'), new Set([one])).copied).toBe(bundle.entries.filter((x) => x.key.scenarioHash === one).length);
    expect(seedReferenceCache(join(root, 'none'), new Set(['not-a-hash'])).copied).toBe(0);
    // A bundle of other code is ignored.
    const dir = mkdtempSync(join(root, 'stale-'));
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ ...bundle, codeHash: '0'.repeat(64) }));
    expect(seedReferenceCache(join(root, 'run2'), all, dir)).toEqual({ copied: 0, stale: ['old.json'] });
    // A damaged bundle is refused with its file and what was expected, and nothing is copied.
    writeFileSync(join(dir, 'old.json'), '{"codeHash": ');
    expect(() => seedReferenceCache(join(root, 'run3'), all, dir)).toThrow(/old\.json: expected a reference bundle \(JSON/);
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ codeHash: referenceCodeHash(), entries: [bundle.entries[0], { key: {} }] }));
    expect(() => seedReferenceCache(join(root, 'run3'), all, dir)).toThrow(/old\.json#\/entries\/1: expected \{ key: \{ scenarioHash/);
    expect(existsSync(join(root, 'run3'))).toBe(false);
  });
});
