/**
 * The composite action (action.yml) run as GitHub runs it: the gate step's `run` line with the
 * environment its `env:` map gives from the inputs (defaults filled in as GitHub does), and
 * GITHUB_STEP_SUMMARY / GITHUB_OUTPUT / GITHUB_ACTION_PATH set.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixtureRun, writeRun, AGENTS } from '../report/fixtures.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

interface Action {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: { id?: string; run?: string; shell?: string; env?: Record<string, string>; uses?: string; with?: Record<string, string> }[] };
}

const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as Action;

/** Replaces `${{ inputs.x }}` and `${{ github.x }}` as GitHub does (inputs default when not given). */
function expand(text: string, inputs: Record<string, string>, github: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(inputs|github)\.([\w-]+)\s*\}\}/g, (_, scope: string, key: string) => {
    if (scope === 'github') return github[key] ?? '';
    const v = inputs[key] ?? action.inputs[key]?.default;
    if (v === undefined) throw new Error(`action.yml uses input ${key}, which it does not declare`);
    return expand(v, inputs, github);
  });
}

/** Runs the gate step in `cwd` with these inputs; returns its exit code, output and the files GitHub would read. */
function runGateStep(cwd: string, inputs: Record<string, string>, github: Record<string, string> = {}) {
  const step = action.runs.steps.find((s) => s.id === 'gate')!;
  const tmp = mkdtempSync(join(tmpdir(), 'orchbench-action-'));
  const files = { summary: join(tmp, 'summary.md'), output: join(tmp, 'output.txt') };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmp, NO_COLOR: '1',
    GITHUB_ACTION_PATH: REPO_ROOT, GITHUB_STEP_SUMMARY: files.summary, GITHUB_OUTPUT: files.output,
  };
  for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, inputs, github);
  const r = spawnSync(step.shell!, ['-c', step.run!], { cwd, env, encoding: 'utf8', timeout: 400_000 });
  const read = (f: string): string => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, summary: read(files.summary), output: read(files.output), cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

describe('action.yml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orchbench-action-runs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a composite action whose gate step passes every input it declares to the script', () => {
    expect(action.runs.using).toBe('composite');
    const step = action.runs.steps.find((s) => s.id === 'gate')!;
    const used = new Set(Object.values(step.env ?? {}).flatMap((v) => [...v.matchAll(/inputs\.([\w-]+)/g)].map((m) => m[1])));
    const uploads = action.runs.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads).toHaveLength(1);
    for (const name of Object.keys(action.inputs)) expect(used.has(name) || JSON.stringify(uploads[0]!.with).includes(`inputs.${name}`), name).toBe(true);
  });

  it('gates two result folders: exit 1 on a regression, the summary, the outputs and every format saved', () => {
    const base = writeRun(join(dir, 'base'), fixtureRun('base'));
    const worse = writeRun(join(dir, 'worse'), fixtureRun('worse', { agents: AGENTS.map((a) => (a.name === 'hybrid' ? { ...a, skill: 0.6, cost: 1.5 } : a)) }));
    const out = join(dir, 'out-folders');
    const r = runGateStep(REPO_ROOT, { 'baseline-dir': base, 'candidate-dir': worse, out });
    try {
      expect(r.code, r.stderr).toBe(1);
      expect(r.summary).toMatch(/^## Benchmark gate: FAIL/);
      expect(r.output).toBe(`verdict=regression\nexit-code=1\nout=${out}\n`);
      expect((JSON.parse(readFileSync(join(out, 'gate.json'), 'utf8')) as { pass: boolean }).pass).toBe(false);
      expect(Object.keys(JSON.parse(readFileSync(join(out, 'bencher.json'), 'utf8')) as object)).toContain('hybrid/edge-light');
      expect(JSON.parse(readFileSync(join(out, 'github-benchmark-customSmallerIsBetter.json'), 'utf8'))).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'hybrid/edge-light/evalMeanLatencyMs' })]));
      expect(readFileSync(join(out, 'leaderboards', 'candidate', 'leaderboard.json'), 'utf8')).toBe('{}');
    } finally {
      r.cleanup();
    }
  });

  it('refuses one folder without the other, and no base, with exit 2', () => {
    const one = runGateStep(REPO_ROOT, { 'baseline-dir': join(dir, 'base'), out: join(dir, 'out-one') });
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/give both baseline-dir and candidate-dir/);
    one.cleanup();
    const none = runGateStep(REPO_ROOT, { out: join(dir, 'out-none') }, { base_ref: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no base-ref/);
    none.cleanup();
  });

  it('runs the suite on the base and the head of a checkout and passes unchanged code', () => {
    // A fresh clone stands for the runner's checkout; the base is the same commit (unchanged code).
    const repo = join(dir, 'repo');
    expect(spawnSync('git', ['clone', '-q', '--shared', REPO_ROOT, repo]).status).toBe(0);
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(repo, 'node_modules'));
    const out = join(dir, 'out-refs');
    const r = runGateStep(repo, {
      scenarios: 'broadband-4u-battery-v3', agents: 'static-device', seeds: '3', workers: '1', out,
      install: `ln -s ${join(REPO_ROOT, 'node_modules')} node_modules`,
    }, { base_ref: 'HEAD' });
    try {
      expect(r.code, r.stderr).toBe(0);
      expect(r.output).toMatch(/^verdict=pass$/m);
      expect(r.summary).toMatch(/^## Benchmark gate: PASS/);
      expect(r.summary).toMatch(/\| static-device \| broadband-4u-battery-v3 \| evalMeanLatencyMs .* \| 0\.0% \| \[0\.0%, 0\.0%\] \| 3 \|/);
      for (const side of ['baseline', 'candidate']) expect(readFileSync(join(out, 'leaderboards', side, 'leaderboard.md'), 'utf8')).toMatch(/static-device/);
    } finally {
      r.cleanup();
    }
  }, 600_000);
});
