import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSubmission, formatCheckReport } from '../../harness/submission/check.ts';
import { initSubmission } from '../../harness/submission/init.ts';
import { PACKAGE_ROOT } from '../../harness/version.ts';

// Outside the checkout: the scaffolded folder must not depend on where the checkout is.
const scratch = mkdtempSync(join(tmpdir(), 'orchbench-init-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('submission init --language', () => {
  for (const [language, entry, files] of [['ts', 'agent.ts', ['agent.ts', 'submission.json']], ['js', 'agent.js', ['agent.js', 'submission.json']], ['python', 'agent.py', ['agent.py', 'orchbench_protocol.py', 'submission.json']]] as const) {
    it(`${language}: a folder outside the checkout that passes the (isolated) checker as is`, async () => {
      const dir = join(scratch, `my-${language}`);
      const m = initSubmission(dir, `my-${language}`, language);
      expect(readdirSync(dir).sort()).toEqual([...files]);
      const source = readFileSync(join(dir, entry), 'utf8');
      // No import path into the checkout: TS/JS name the package, Python its own helper module.
      expect(source).not.toContain(PACKAGE_ROOT);
      expect(source).not.toMatch(/from '\.\.?\//);
      if (language === 'python') expect(source).toContain('from orchbench_protocol import Agent, run');
      else expect(source).toContain("'orchbench/harness/agent.ts'");
      expect(source).toContain(`my-${language}`);
      const report = await checkSubmission(dir);
      expect(report.items.filter((i) => i.status === 'fail'), formatCheckReport(report)).toEqual([]);
      expect(report.name).toBe(m.name);
      expect(report.items.some((i) => i.check === 'types')).toBe(language === 'ts');
    }, 120_000);
  }

  it('refuses an unknown language, naming the ones it knows', () => {
    expect(() => initSubmission(join(scratch, 'x'), 'x', 'rust')).toThrow(/--language: expected one of ts, js, python; found "rust"/);
  });
});

describe('submission check', () => {
  it('fails a TypeScript type error, naming the file, line and error', async () => {
    const dir = join(scratch, 'type-error');
    initSubmission(dir, 'type-error', 'ts');
    const file = join(dir, 'agent.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  const config = ', "  const wrong: number = 'not a number';\n  const config = "));
    const report = await checkSubmission(dir, { sandbox: false });
    const types = report.items.find((i) => i.check === 'types')!;
    expect(types.status).toBe('fail');
    expect(types.detail).toMatch(/agent\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(report.ok).toBe(false);
  }, 120_000);

  it("shows a Python agent's whole traceback, not only its last line", async () => {
    const dir = join(scratch, 'python-raises');
    initSubmission(dir, 'python-raises', 'python');
    const file = join(dir, 'agent.py');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    def act(self, obs):\n', '    def act(self, obs):\n        raise ValueError("no action for user %d" % obs["userId"])\n'));
    const report = await checkSubmission(dir);
    const run = report.items.find((i) => i.check === 'run')!;
    expect(run.status).toBe('fail');
    expect(run.detail).toContain('Traceback (most recent call last):');
    expect(run.detail).toMatch(/File "\/submission\/orchbench_protocol\.py", line \d+, in run/);
    expect(run.detail).toMatch(/File "\/submission\/agent\.py", line \d+, in act/);
    expect(run.detail).toMatch(/ValueError: no action for user \d+/);
  }, 60_000);
});
