/**
 * One scenario selection for every command that takes scenarios: a suite, or ids of any suite and
 * scenario files, in a variant (harness/scenario/select.ts), and each command accepting it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SUITE, RECORDED_SUITE, SUITE_FOLDERS, suiteFiles } from '../../harness/scenario/load.ts';
import { selectScenarios } from '../../harness/scenario/select.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const BIN = join(REPO_ROOT, 'bin', 'orchbench.js');
const EXAMPLE = join(REPO_ROOT, 'scenarios', 'examples', 'byo-phone-log-1u-v1.json');
const out = mkdtempSync(join(tmpdir(), 'orchbench-select-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const env = { ...process.env, NO_COLOR: '1' };
const ids = (suite: 'default' | 'recorded' | 'recorded-v1' | 'tuning' | 'default-v3') => suiteFiles(suite).map((f) => basename(f, '.json'));

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('node', [BIN, ...args], { encoding: 'utf8', env });
}

describe('selectScenarios', () => {
  it('a suite in its own variant, or in the other one', () => {
    const d = selectScenarios({});
    expect(d).toMatchObject({ suite: 'default', variant: 'full' });
    expect(d.scenarios.map((s) => s.id)).toEqual(ids('default'));
    const t = selectScenarios({ suite: 'testing' });
    expect(t).toMatchObject({ suite: 'testing', variant: 'testing' });
    expect(t.scenarios.map((s) => s.file)).toEqual(suiteFiles('default'));
    const r = selectScenarios({ suite: 'recorded', variant: 'testing' });
    expect(r.suite).toBe('recorded (testing variant)');
    expect(r.scenarios.map((s) => [s.id, s.variant])).toEqual(ids('recorded').map((id) => [id, 'testing']));
  });

  it('default is the folder DEFAULT_SUITE names; each earlier default suite loads by its version', () => {
    expect(suiteFiles('default')).toEqual(suiteFiles(DEFAULT_SUITE));
    expect(suiteFiles('default').every((f) => f.startsWith(join(REPO_ROOT, 'scenarios', DEFAULT_SUITE) + '/'))).toBe(true);
    const v3 = selectScenarios({ suite: 'default-v3', variant: 'testing' });
    expect(v3.suite).toBe('default-v3 (testing variant)');
    expect(v3.scenarios.map((s) => s.file)).toEqual(ids('default-v3').map((id) => join(REPO_ROOT, 'scenarios', 'default-v3', `${id}.json`)));
    expect(ids('default-v3')).toEqual(['3g-commute-1u-battery-v3', '3g-commute-4u-strict-battery-v3', '5g-mmwave-16u-deadlines-v3', 'broadband-4u-battery-v3', 'lte-driving-16u-battery-deadlines-v3', 'lte-driving-4u-battery-v3', 'lte-driving-4u-deadlines-energy-v3']);
  });

  it('recorded is the folder RECORDED_SUITE names (v4); the v1 recorded suite loads by its version', () => {
    expect(RECORDED_SUITE).toBe('recorded-v4');
    expect(suiteFiles('recorded')).toEqual(suiteFiles(RECORDED_SUITE));
    expect(ids('recorded')).toHaveLength(4);
    expect(ids('recorded').every((id) => id.startsWith('recorded-') && id.endsWith('-v4'))).toBe(true);
    expect(ids('recorded-v1')).toEqual(['recorded-5gophers-mmwave-16u-v1', 'recorded-att-lte-driving-4u-v1', 'recorded-fcc-1u-v1', 'recorded-norway-hsdpa-4u-v1']);
    expect(selectScenarios({ scenarios: ['recorded-fcc-1u-v1'] }).scenarios[0]!.file).toBe(join(REPO_ROOT, 'scenarios', 'recorded-v1', 'recorded-fcc-1u-v1.json'));
  });

  it('no id is in two shipped folders (an id resolves to one file, whatever the lookup order)', () => {
    const all = SUITE_FOLDERS.flatMap((s) => suiteFiles(s).map((f) => basename(f, '.json')));
    expect(all.filter((id, i) => all.indexOf(id) !== i)).toEqual([]);
  });

  it('ids of any suite and scenario files, in the order given; a file is named by its id', () => {
    const names = [ids('recorded')[0]!, ids('default')[0]!, EXAMPLE, ids('tuning')[0]!];
    const s = selectScenarios({ scenarios: names, variant: 'testing' });
    expect(s.scenarios.map((x) => x.id)).toEqual([names[0], names[1], 'byo-phone-log-1u-v1', names[3]]);
    expect(s.scenarios[2]!.file).toBe(EXAMPLE);
    expect(s.suite).toBe('custom (testing variant)');
    // Ids of the suite given keep its label.
    expect(selectScenarios({ suite: 'testing', scenarios: [ids('default')[1]!] }).suite).toBe('testing');
  });

  it('bad selections name the option, what it takes and what was given', () => {
    expect(() => selectScenarios({ suite: 'everything' })).toThrow('--suite: expected default | recorded | default-v4 | recorded-v4 | tuning | tuning-v4 | default-v3 | default-v2 | recorded-v1 | legacy | testing; found "everything"');
    expect(() => selectScenarios({ variant: 'small' })).toThrow('--variant: expected full | testing; found "small"');
    expect(() => selectScenarios({ suite: 'testing', variant: 'full' })).toThrow(/--variant: expected testing with --suite testing/);
    expect(() => selectScenarios({ scenarios: ['nope-v1'] })).toThrow(new RegExp(`--scenarios: expected a scenario file, or the id of a shipped scenario \\(.*${ids('tuning')[0]}.*\\); found "nope-v1"`));
    expect(() => selectScenarios({ scenarios: ['missing/my-scenario.json'] })).toThrow(/--scenarios: expected an existing scenario file; found "missing\/my-scenario.json" \(no such file/);
    expect(() => selectScenarios({ scenarios: [ids('default')[0]!, suiteFiles('default')[0]!] })).toThrow(/each scenario id once/);
  });
});

describe('every command that takes scenarios accepts the selection', () => {
  it('scenario list: a file and an id of another suite, in the testing variant; any suite', () => {
    const listed = JSON.parse(execFileSync('node', [BIN, 'scenario', 'list', '--scenarios', `${EXAMPLE},${ids('tuning')[0]}`, '--variant', 'testing', '--json'], { encoding: 'utf8', env })) as { suite: string; scenarios: { id: string; variant: string; learningDecisions: number }[] };
    expect(listed.suite).toBe('custom (testing variant)');
    expect(listed.scenarios.map((s) => [s.id, s.variant])).toEqual([['byo-phone-log-1u-v1', 'testing'], [ids('tuning')[0], 'testing']]);
    expect(listed.scenarios[0]!.learningDecisions).toBe(2000);
    const tuning = JSON.parse(execFileSync('node', [BIN, 'scenario', 'list', '--suite', 'tuning', '--json'], { encoding: 'utf8', env })) as { scenarios: { id: string; variant: string }[] };
    expect(tuning.scenarios.map((s) => s.id)).toEqual(ids('tuning'));
    expect(tuning.scenarios.every((s) => s.variant === 'full')).toBe(true);
  });

  it('run and verify: a scenario file in the testing variant; verify keeps the selected lines', () => {
    const dir = join(out, 'run');
    const r = cli(['run', '--scenarios', EXAMPLE, '--variant', 'testing', '--agents', 'random,static-device', '--seeds', '1', '--workers', '1', '--out', dir]);
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { scenario: string; variant: string; status: string });
    expect(lines.map((l) => [l.scenario, l.variant, l.status])).toEqual([['byo-phone-log-1u-v1', 'testing', 'ok'], ['byo-phone-log-1u-v1', 'testing', 'ok']]);
    expect((JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { suite: string }).suite).toBe('custom (testing variant)');
    const v = cli(['verify', dir, '--scenarios', EXAMPLE, '--variant', 'testing', '--json']);
    expect(v.status, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, lines: 2, reRun: 2 });
    const none = cli(['verify', dir, '--suite', 'recorded']);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/expected result lines of the selected scenarios \(recorded-.*full variant\); found none of 2 lines/);
    const bad = cli(['run', '--suite', 'recorded', '--variant', 'tiny', '--out', join(out, 'never')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe('--variant: expected full | testing; found "tiny"');
  });

  it('experiment hl-speedup: --suite recorded is accepted; a scenario file runs in the testing variant', () => {
    const recorded = cli(['experiment', 'hl-speedup', '--suite', 'recorded', '--variant', 'testing', '--scenarios', 'nope-v1', '--out', join(out, 'never-hl')]);
    expect(recorded.status).toBe(1);
    expect(recorded.stderr).toMatch(/^--scenarios: expected a scenario file/);
    const dir = join(out, 'hl');
    const report = JSON.parse(execFileSync('node', [BIN, 'experiment', 'hl-speedup', '--scenarios', EXAMPLE, '--variant', 'testing', '--agents', 'dqn,hybrid', '--seeds', '1', '--workers', '1', '--out', dir, '--json'], { encoding: 'utf8', env })) as { suite: string; rows: { scenario: string; learningBudget: number }[]; failedJobs: unknown[] };
    expect(report.suite).toBe('custom (testing variant)');
    expect(report.rows.map((r) => [r.scenario, r.learningBudget])).toEqual([['byo-phone-log-1u-v1', 2000]]);
    expect(report.failedJobs).toEqual([]);
  });
});
