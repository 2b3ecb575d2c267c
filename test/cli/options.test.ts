import { describe, expect, it } from 'vitest';
import { describeRule, parseNumber, RULES } from '../../harness/bounds.ts';
import { commaList, numberOption } from '../../harness/cli/options.ts';
import { planJobs } from '../../harness/runner/plan.ts';
import { inputError } from '../helpers/input-error.ts';

/** The message of the InputError `f` throws. */
const refusal = async (f: () => unknown): Promise<string> => (await inputError(f)).message;

describe('numeric options (one rule per kind of number)', () => {
  it('refuses job time limits a timer cannot hold, naming the flag, the range with its unit and the value', async () => {
    for (const bad of ['1e-9', 'Infinity', '3000000', '-1', '0', 'NaN', '0x10', '']) {
      expect(await refusal(() => parseNumber('--job-timeout-s', bad, RULES.jobTimeoutS))).toBe(`--job-timeout-s: expected number from 0.001 to 2147483 (s); found ${JSON.stringify(bad)}`);
    }
    expect(parseNumber('--job-timeout-s', '2147483', RULES.jobTimeoutS)).toBe(2147483);
    expect(parseNumber('--job-timeout-s', '1.5', RULES.jobTimeoutS)).toBe(1.5);
  });

  it('refuses a root seed a double cannot hold exactly instead of rounding it', async () => {
    // 2^53 + 1 parses to 2^53: accepting it would silently run another seed.
    expect(await refusal(() => parseNumber('--root-seed', '9007199254740993', RULES.seed))).toMatch(/^--root-seed: expected integer from -9007199254740991 to 9007199254740991 \(seed\); found "9007199254740993"$/);
    expect(parseNumber('--root-seed', '9007199254740991', RULES.seed)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseNumber('--root-seed', '-3', RULES.seed)).toBe(-3);
    expect(await refusal(() => parseNumber('--root-seed', '1.5', RULES.seed))).toMatch(/expected integer/);
  });

  it('works as a commander parser and describes open ranges', async () => {
    expect(numberOption('--workers', RULES.workers)('4')).toBe(4);
    expect(await refusal(() => numberOption('--workers', RULES.workers)('0'))).toBe('--workers: expected integer from 1 to 1024 (threads); found "0"');
    expect(describeRule({ unit: 'ms', min: 0, exclusiveMin: true })).toBe('number > 0 (ms)');
    expect(describeRule({ unit: 'MB', integer: true, max: 5 })).toBe('integer <= 5 (MB)');
  });
});

describe('comma lists', () => {
  it('refuses an empty list or an empty name, so `--agents ,` is not a run of nothing', async () => {
    expect(commaList('--agents', undefined)).toBeUndefined();
    expect(commaList('--agents', 'random, oracle')).toEqual(['random', 'oracle']);
    for (const bad of [',', '', 'random,', ' , random']) {
      expect(await refusal(() => commaList('--agents', bad))).toBe(`--agents: expected comma-separated names, none of them empty (e.g. a,b); found ${JSON.stringify(bad)}`);
    }
  });

  it('a plan with no agent or no scenario is an error, not 0 jobs', async () => {
    await expect(planJobs({ suite: 'testing', agents: [], seeds: 1, rootSeed: 0 })).rejects.toThrow('--agents: expected at least one agent (a baseline or a submission); found none');
    await expect(planJobs({ suite: 'testing', scenarios: [], agents: [{ name: 'random', kind: 'baseline' }], seeds: 1, rootSeed: 0 })).rejects.toThrow('--scenarios: expected at least one scenario id; found none');
    await expect(planJobs({ suite: 'testing', agents: [{ name: 'random', kind: 'baseline' }], seeds: 1, rootSeed: 2 ** 53 })).rejects.toThrow(/--root-seed: expected integer/);
  });
});
