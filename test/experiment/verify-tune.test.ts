/**
 * `orchbench verify` of recorded hyperparameter searches (`harness/experiment/verify.ts`): a tune
 * folder's lines re-run as the search ran them (trial configs and measure from its
 * search-<agent>.json), and a bare search record's cases re-run and compare.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSearches, type SearchRecord } from '../../harness/experiment/tune.ts';
import { experimentSpecs } from '../../harness/experiment/verify.ts';
import { InputError } from '../../harness/errors.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

type Outcome = { code: number; stdout: string; stderr: string };

/** Runs `orchbench verify ...args`; resolves with the exit code (a non-zero exit is not a rejection). */
const verify = (...args: string[]): Promise<Outcome> =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'harness/cli/main.ts'), 'verify', ...args], { cwd: REPO_ROOT, maxBuffer: 64 << 20 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const RECORD = 'search-q-learning.json';

describe('verify of a recorded search (q-learning, testing variant, budget 2, 1 seed: 10 cheap jobs)', () => {
  let root: string;
  let tuned: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'verify-tune-'));
    tuned = join(root, 'tune');
    const spaceFile = join(root, 'space.json');
    writeFileSync(spaceFile, JSON.stringify({ 'q-learning': { learningRate: { choice: [0.1, 0.4] } } }));
    await runSearches({ agents: ['q-learning'], budget: 2, seeds: 1, variant: 'testing', spaceFile, workers: 1, outDir: tuned });
  }, 300_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A copy of the tune folder (or of its record alone) with `edit` applied to the record. */
  const copy = (name: string, edit: (r: SearchRecord) => void, recordOnly = false): string => {
    const dir = join(root, name);
    if (recordOnly) mkdirSync(dir);
    else cpSync(tuned, dir, { recursive: true });
    const record = JSON.parse(readFileSync(join(tuned, RECORD), 'utf8')) as SearchRecord;
    edit(record);
    writeFileSync(join(dir, RECORD), `${JSON.stringify(record, null, 2)}\n`);
    return dir;
  };

  it('a tune folder verifies: every line re-runs as the search ran it (the trial config and the measure from search-<agent>.json)', async () => {
    const r = await verify(tuned);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok +line \d+: q-learning-trial-1 on tuning-/);
    expect(r.stdout).toMatch(/verify: OK \(10 lines sealed-checked, 10 re-run, 0 bad\)\n$/);
  }, 300_000);

  it("an edited trial config makes that trial's lines fail with a message naming the trial, the record and the line", async () => {
    const trial1 = (r: SearchRecord) => r.trials.find((t) => t.id === 'q-learning-trial-1')!;
    const dir = copy('edited-config', (r) => {
      expect(trial1(r).config).toEqual({ learningRate: 0.4 });
      trial1(r).config = { learningRate: 0.5 };
    });
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/DIFFERS +line \d+: q-learning-trial-1 on tuning-[^\n]*\n +re-run threw: [^\n]*trial "q-learning-trial-1" of search-q-learning\.json with this config and measure gives another job hash \(the record or the line was edited\)/);
    // The defaults' lines still reproduce; the 5 lines of the edited trial do not.
    expect(r.stdout).toMatch(/ok +line \d+: q-learning-trial-0 on tuning-/);
    expect(r.stdout).not.toMatch(/DIFFERS +line \d+: q-learning-trial-0/);
    expect(r.stdout).toMatch(/verify: FAILED \(10 lines sealed-checked, 10 re-run, 5 bad\)/);
  }, 300_000);

  it('a bare search record verifies: a seeded sample of its cases re-run to the same greedyLogAuc and interactions', async () => {
    const dir = copy('bare', () => {}, true);
    const r = await verify(join(dir, RECORD), '--sample', '3', '--seed', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^search record [^\n]*: q-learning, testing variant, 10 cases \(trial x tuning scenario x tuning seed\); re-running 3\n/);
    // Today's code is the code the search ran with: no note.
    expect(r.stdout).not.toContain('note:');
    expect(r.stdout.match(/^ok +q-learning-trial-\d on tuning-[^,]+, seed \d+: greedyLogAuc [\d.]+, interactions /gm)).toHaveLength(3);
    expect(r.stdout).toMatch(/verify: OK \(3 of 10 cases re-run, 0 differ\)\n$/);
  }, 300_000);

  it("a record whose greedyLogAuc was edited is reported as differing, with both values (exit 1), and its trial's score as inconsistent", async () => {
    let recorded = 0;
    const dir = copy('edited-auc', (r) => {
      const c = r.trials[1]!.cases[2]!;
      recorded = c.greedyLogAuc! + 0.01;
      c.greedyLogAuc = recorded;
    }, true);
    const r = await verify(join(dir, RECORD));
    expect(r.code).toBe(1);
    const differs = r.stdout.match(/^DIFFERS +q-learning-trial-1 on [^\n]*: greedyLogAuc recorded ([\d.]+), recomputed ([\d.]+);[^\n]*$/gm);
    expect(differs, r.stdout).toHaveLength(1);
    const [, rec, again] = /greedyLogAuc recorded ([\d.]+), recomputed ([\d.]+)/.exec(differs![0])!;
    expect(Number(rec)).toBe(recorded);
    expect(Number(again)).toBeCloseTo(recorded - 0.01, 12);
    expect(r.stdout).toMatch(/INCONSISTENT q-learning-trial-1: score [\d.]+ recorded, [\d.]+ is the mean of its cases/);
    expect(r.stdout).toMatch(/verify: FAILED \(10 of 10 cases re-run, 1 differ, 1 inconsistent\)\n$/);
  }, 300_000);

  it("names up front a record whose agent code or harness is not today's; --no-rerun checks only that its scores follow from its cases", async () => {
    const dir = copy('old-code', (r) => {
      r.agentCodeHash = 'sha256:old';
      r.harnessVersion = '0.0.1';
      r.trials[0]!.score = 0.99;
      // A record of before 2026-11-27's last change: trial 0 ran "the defaults" without their values.
      r.trials[0]!.config = {};
    }, true);
    const r = await verify(join(dir, RECORD), '--no-rerun');
    expect(r.stdout).toMatch(/note: the search ran with agent code sha256:old, today's q-learning is \S+: results may legitimately differ \(still compared\)/);
    expect(r.stdout).toMatch(/note: q-learning-trial-0 ran the agent's defaults of the search's time \(config \{\}, their values not recorded\) and re-run with today's defaults/);
    expect(r.stdout).toMatch(/note: the search ran with harness 0\.0\.1, today's is \S+/);
    expect(r.stdout).toMatch(/INCONSISTENT q-learning-trial-0: score 0\.99 recorded/);
    expect(r.stdout).toMatch(/verify: FAILED \(0 of 10 cases re-run, 0 differ, 1 inconsistent\)/);
    expect(r.code).toBe(1);
  }, 120_000);

  it('rejects a malformed record with its JSON pointer, before any job runs', async () => {
    const dir = copy('malformed', (r) => {
      (r.trials[1]!.cases[0] as { seed: unknown }).seed = 'x';
      delete (r as Partial<SearchRecord>).measure;
    }, true);
    const r = await verify(join(dir, RECORD));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/search-q-learning\.json#\/measure/);
    expect(r.stderr).toMatch(/search-q-learning\.json#\/trials\/1\/cases\/0/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 120_000);
});

describe('verify of an experiment folder with a malformed hl-speedup.json (no job runs)', () => {
  it('names the file and the JSON pointer of every bad learner and of a missing measure, as an InputError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verify-report-'));
    try {
      writeFileSync(join(dir, 'hl-speedup.json'), JSON.stringify({ learners: [{ id: 'hybrid', agent: 'hybrid' }, null, { id: 'dqn', agent: 'dqn', config: 3 }] }));
      let thrown: unknown;
      try {
        experimentSpecs(dir, [], () => {
          throw new Error('no line is resolved');
        });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InputError);
      expect((thrown as InputError).issues.map((i) => [i.file, i.pointer])).toEqual([
        [join(dir, 'hl-speedup.json'), '/learners/1'],
        [join(dir, 'hl-speedup.json'), '/learners/2'],
        [join(dir, 'hl-speedup.json'), '/measure'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
