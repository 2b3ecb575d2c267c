import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeNames, didYouMean } from '../../harness/suggest.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const scratch = mkdtempSync(join(tmpdir(), 'orchbench-run-errors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const bin = join(REPO_ROOT, 'bin', 'orchbench.js');
const orchbench = (args: string[], cwd = REPO_ROOT) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });

describe('orchbench run: failed jobs fail the command', () => {
  // A 1 ms job limit: every job is stopped, as a crashing or hanging agent would be.
  const failing = ['run', '--suite', 'testing', '--scenarios', 'broadband-1u-loose-v1', '--agents', 'static-edge', '--seeds', '1', '--workers', '1', '--job-timeout-s', '0.001'];

  it('exits 1 after writing the results and the leaderboard, saying how many failed', () => {
    const out = join(scratch, 'failed');
    const r = orchbench([...failing, '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('1 jobs (1 failed;');
    expect(r.stderr).toContain('1 of 1 jobs failed (listed above): exit 1; --resume retries them, --allow-failed exits 0');
  }, 60_000);

  it('exits 0 with --allow-failed', () => {
    const r = orchbench([...failing, '--out', join(scratch, 'allowed'), '--allow-failed']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 failed;');
  }, 60_000);
});

describe('did you mean', () => {
  it('suggests the closest known names, and none for a name far from all', () => {
    expect(closeNames('hybird', ['hybrid', 'dqn', 'bandit'])).toEqual(['hybrid']);
    expect(didYouMean('lte-drivin-4u-battery-v3', ['lte-driving-4u-battery-v3', 'lte-driving-16u-battery-deadlines-v3'])).toBe(' (did you mean "lte-driving-4u-battery-v3"?)');
    expect(didYouMean('my-orchestrator', ['random', 'hybrid', 'dqn'])).toBe('');
  });

  it('for a scenario id, a baseline, a suite; and points a submission folder given to --agents at --submissions', () => {
    const scenario = orchbench(['run', '--scenarios', 'lte-drivin-4u-battery-v3', '--out', join(scratch, 'x')]);
    expect(scenario.status).toBe(1);
    expect(scenario.stderr).toContain('found "lte-drivin-4u-battery-v3" (did you mean "lte-driving-4u-battery-v3"?)');
    // With a suggestion, the 30 ids are not listed.
    expect(scenario.stderr).not.toContain('broadband-1u-loose-v1');

    const agent = orchbench(['run', '--suite', 'testing', '--agents', 'hybird', '--out', join(scratch, 'x')]);
    expect(agent.status).toBe(1);
    expect(agent.stderr).toMatch(/a submission \(a folder\) is run with --submissions DIR; found "hybird" \(did you mean "hybrid"\?\)/);

    const suite = orchbench(['run', '--suite', 'testng', '--out', join(scratch, 'x')]);
    expect(suite.stderr).toContain('found "testng" (did you mean "testing"?)');

    mkdirSync(join(scratch, 'my-agent'), { recursive: true });
    const folder = orchbench(['run', '--suite', 'testing', '--agents', 'my-agent', '--out', join(scratch, 'x')], scratch);
    expect(folder.status).toBe(1);
    expect(folder.stderr).toContain('found "my-agent" (a folder: run it with --submissions my-agent)');
  }, 60_000);
});
