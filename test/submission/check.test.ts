import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSubmission, formatCheckReport } from '../../harness/submission/check.ts';
import { initSubmission } from '../../harness/submission/init.ts';
import { readSubmission } from '../../harness/submission/manifest.ts';
import { fixture, shipped } from './helpers.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'orchbench-submission-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('submission init -> check', () => {
  it('a scaffolded submission passes the checker as is, named as asked', async () => {
    const dir = join(scratch, 'my-agent');
    initSubmission(dir, 'my-agent');
    const manifest = JSON.parse(readFileSync(join(dir, 'submission.json'), 'utf8')) as { name: string };
    expect(manifest.name).toBe('my-agent');
    const report = await checkSubmission(dir);
    expect(report.items.filter((i) => i.status === 'fail')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.items.map((i) => i.check)).toEqual(['manifest', 'types', 'isolation', 'run', 'determinism']);
    // Isolated by default, and the report says how.
    expect(report.sandbox).toBe(true);
    expect(report.items[2]!.detail).toMatch(/^bubblewrap \d+\.\d+.* \(namespaces user,pid,ipc,uts,net,mount,cgroup; uid 65534; no network/);
  });

  it('refuses to scaffold into a folder with files', () => {
    expect(() => initSubmission(shipped('template'))).toThrow(/a new or empty folder/);
  });
});

describe('submission check', () => {
  it('a broken manifest fails with a JSON pointer per problem', async () => {
    const report = await checkSubmission(fixture('broken-manifest'));
    expect(report.ok).toBe(false);
    const text = formatCheckReport(report);
    for (const pointer of ['#/name', '#/version', '#/authors', '#/deterministic', '#/extra', '#/entry']) expect(text).toContain(pointer);
    expect(text.trim().endsWith('FAIL')).toBe(true);
  });

  it('refuses what run refuses: a manifest named like a baseline', async () => {
    const dir = join(scratch, 'named-random');
    cpSync(shipped('template'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'submission.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'submission.json'), JSON.stringify({ ...manifest, name: 'random' }));
    const report = await checkSubmission(dir);
    expect(report.ok).toBe(false);
    expect(formatCheckReport(report)).toMatch(/#\/name: expected a name that is not a baseline's \(random, .*\); found "random"/);
  });

  it('an external command may name a runtime or a program in its folder, and nothing outside it', () => {
    const dir = join(scratch, 'outside-command');
    cpSync(fixture('python-agent'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'submission.json'), 'utf8')) as object;
    const withCommand = (command: string[]): void => writeFileSync(join(dir, 'submission.json'), JSON.stringify({ ...manifest, command }));
    withCommand(['/bin/sh', '-c', 'cat /etc/passwd']);
    expect(() => readSubmission(dir)).toThrow(/#\/command\/0: expected a runtime \(node or python3\) or a program file inside the submission folder; found "\/bin\/sh"/);
    withCommand(['python3', '../other/agent.py', '--data=/etc/passwd']);
    expect(() => readSubmission(dir)).toThrow(/#\/command\/1: expected an argument that names nothing outside the submission folder.*\n.*#\/command\/2/);
    withCommand(['python3', 'agent.py', '--seed=3']);
    expect(readSubmission(dir).submission.manifest.command).toEqual(['python3', 'agent.py', '--seed=3']);
  });

  it('tuning on an evaluation scenario fails, pointing at the entry', async () => {
    const report = await checkSubmission(fixture('eval-tuned'));
    expect(report.ok).toBe(false);
    expect(report.items).toContainEqual(expect.objectContaining({ check: 'tuning', status: 'fail', detail: expect.stringContaining('#/tuning/scenarios/0') }));
  });

  it('a false determinism claim fails the determinism check', async () => {
    const report = await checkSubmission(fixture('nondeterministic'));
    expect(report.items.find((i) => i.check === 'run')?.status).toBe('pass');
    expect(report.items.find((i) => i.check === 'determinism')?.status).toBe('fail');
    expect(report.ok).toBe(false);
  });

  it('a choice made from the wall clock at load (Date.now() % 2) is caught every time, not half the time', async () => {
    // Sandboxed, each run is a fresh process that sees its own fixed clock while it loads.
    for (let i = 0; i < 2; i++) {
      const report = await checkSubmission(fixture('clock-at-load'));
      expect(report.items.find((c) => c.check === 'run')?.status).toBe('pass');
      expect(report.items.find((c) => c.check === 'determinism')?.status).toBe('fail');
    }
  });

  it('the shipped examples pass (the Python one through the external protocol)', async () => {
    for (const name of ['example-threshold', 'example-thompson', 'example-python']) {
      const report = await checkSubmission(shipped(name));
      expect(report.ok, formatCheckReport(report)).toBe(true);
    }
  });

  it('the CLI prints JSON and its exit code agrees with the report', () => {
    const run = (dir: string): { status: number; out: string } => {
      try {
        return { status: 0, out: execFileSync(process.execPath, ['--import', 'tsx', 'harness/cli/main.ts', 'submission', 'check', dir, '--json'], { cwd: repoRoot, encoding: 'utf8' }) };
      } catch (e) {
        const err = e as { status: number; stdout: string };
        return { status: err.status, out: err.stdout };
      }
    };
    const bad = run(fixture('hostile-invalid'));
    expect(bad.status).toBe(1);
    const report = JSON.parse(bad.out) as { ok: boolean; items: { check: string; detail: string }[] };
    expect(report.ok).toBe(false);
    expect(report.items.find((i) => i.check === 'run')?.detail).toMatch(/^invalid action 99/);
    expect(run(shipped('example-threshold')).status).toBe(0);
  });
});
