/** Values that pass a type check but break every job, or are silently wrong, are refused at load. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { show } from '../../harness/errors.ts';
import { checkScenario, generatorFile, loadScenario, suiteFiles } from '../../harness/scenario/load.ts';
import { schemaIssues } from '../../harness/schema.ts';

const base = suiteFiles('default')[0]!;
const tmp = mkdtempSync(join(tmpdir(), 'orchbench-bounds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the first default scenario changed by `mutate`; returns its path. */
function mutated(name: string, mutate: (s: Record<string, any>) => void): string {
  const s = JSON.parse(readFileSync(base, 'utf8')) as Record<string, any>;
  mutate(s);
  const f = join(tmp, `${name}.json`);
  writeFileSync(f, JSON.stringify(s));
  return f;
}

describe('scenario bounds (file + JSON pointer + expected with unit + found)', () => {
  const cases: [string, (s: Record<string, any>) => void, string, string, string][] = [
    ['rate', (s) => { s.users.arrival.rateHz = 1e-12; }, '/users/arrival/rateHz', 'number >= 0.001 (requests/s per user)', '1e-12'],
    ['latency-weight', (s) => { s.reward.latencyWeightPerS = 1e308; }, '/reward/latencyWeightPerS', 'number <= 1000000 (reward per second of response time)', '1e+308'],
    ['fixed-mbps', (s) => { s.links.wan.trace = { fixed: { uplinkMbps: 10, downlinkMbps: 1e308 } }; }, '/links/wan/trace/fixed/downlinkMbps', 'number <= 1000000 (Mbps)', '1e+308'],
  ];
  for (const [name, mutate, pointer, expected, found] of cases) {
    it(`refuses ${pointer} = ${found}`, () => {
      const f = mutated(name, mutate);
      expect(checkScenario(f)).toEqual([{ file: f, pointer, expected, found }]);
    });
  }

  it('refuses a generator whose state mean is 1e308 Mbps', () => {
    const g = JSON.parse(readFileSync(generatorFile('broadband-stable-v1'), 'utf8')) as { states: { downlinkMbps: number }[] };
    g.states[0]!.downlinkMbps = 1e308;
    expect(schemaIssues('generator', g, 'g.json')).toEqual([{ file: 'g.json', pointer: '/states/0/downlinkMbps', expected: 'number <= 1000000 (Mbps (state mean))', found: '1e+308' }]);
  });

  it('refuses a generator id that is a path (../../../package would read package.json)', async () => {
    const f = mutated('traversal', (s) => { s.links.access.traces = [{ generator: '../../../package', durationS: 60 }]; });
    const issues = checkScenario(f);
    expect(issues).toEqual([{ file: f, pointer: '/links/access/traces/0/generator', expected: expect.stringMatching(/^string matching \^\[a-z0-9\]/), found: '"../../../package"' }]);
    await expect(loadScenario(f)).rejects.toThrow(/generator: expected string matching/);
  });

  it('refuses a scenario nested 100,000 levels deep with a pointer, not a stack overflow', async () => {
    let deep = '0';
    for (let i = 0; i < 100_000; i++) deep = `[${deep}]`;
    const f = join(tmp, 'deep.json');
    writeFileSync(f, `{"id": ${deep}}`);
    const [issue, ...rest] = checkScenario(f);
    expect(rest).toEqual([]);
    expect(issue).toEqual({ file: f, pointer: `/id${'/0'.repeat(63)}`, expected: 'JSON nested at most 64 levels deep', found: 'an object or array nested deeper' });
    await expect(loadScenario(f)).rejects.toThrow('expected JSON nested at most 64 levels deep');
    // And a message about such a value never throws.
    expect(show(JSON.parse(`{"a": ${deep}}`))).toBe('object too deeply nested to print');
  });

  it('refuses a scenario file that is a device or a FIFO-like special file', () => {
    expect(checkScenario('/dev/zero')).toEqual([{ file: '/dev/zero', expected: 'a JSON file (a regular file)', found: 'a character device' }]);
  });
});
