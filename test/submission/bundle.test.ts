import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentCodeHash } from '../../harness/runner/identity.ts';
import { submissionFiles } from '../../harness/runner/agents.ts';
import { readSubmission } from '../../harness/submission/manifest.ts';
import { expectGoodStillRuns, fixture, runSubmission, shipped } from './helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'orchbench-bundle-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MANIFEST = { version: '0.0.1', authors: ['test'], licence: 'MIT', language: 'javascript', entry: 'agent.mjs', hyperparameters: {}, tuning: { scenarios: [], notes: 'test fixture' }, deterministic: true, orchbenchVersion: '0.2.0' };

/** A submission in the scratch folder whose entry is `code`; `setup` adds files or links. */
function submission(name: string, code: string, setup: (dir: string) => void = () => {}): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'submission.json'), JSON.stringify({ name, ...MANIFEST }));
  writeFileSync(join(dir, 'agent.mjs'), code);
  setup(dir);
  return dir;
}

/** An agent whose first decision throws the imported text: if the import were bundled, it would reach the failure reason. */
const leaking = (spec: string): string => `import text from ${JSON.stringify(spec)} with { type: 'text' };
export const createAgent = () => ({ name: 'leak', act() { throw new Error(text); } });
`;

// Bundling reads every import with the harness's privileges unless it is isolated: each of these
// is refused (or finds nothing) inside the bundler's sandbox, and the job fails at load with a
// reason that names the path, never its content.
describe('bundling runs inside the isolation and refuses anything outside the submission folder', () => {
  const cases: [string, string, (dir: string) => void, RegExp][] = [
    ['an absolute path (/etc/passwd)', '/etc/passwd', () => {}, /^threw at load: does not compile: agent\.mjs:1:\d+: Could not resolve "\/etc\/passwd"$/],
    ['a device (/dev/zero)', '/dev/zero', () => {}, /^threw at load: does not compile: agent\.mjs:1:\d+: Could not resolve "\/dev\/zero"$/],
    ['a path through a symlinked folder (root -> /) to a file absent from the bundler view', './root/etc/passwd', (d) => symlinkSync('/', join(d, 'root')), /^threw at load: does not compile: agent\.mjs:1:\d+: Could not resolve "\.\/root\/etc\/passwd"$/],
    ['a path through a symlinked folder (root -> /) to a system file the bundler can see', './root/usr/lib/os-release', (d) => symlinkSync('/', join(d, 'root')), /^threw at load: imports \/usr\/lib\/os-release, outside its folder \(after resolving symlinks\)/],
    ["another submission's source", join(shipped('example-thompson'), 'agent.ts'), () => {}, /^threw at load: does not compile: agent\.mjs:1:\d+: Could not resolve ".*example-thompson\/agent\.ts"$/],
  ];
  it.each(cases)('%s', async (_what, spec, setup, reason) => {
    const dir = submission(`leak-${Math.random().toString(36).slice(2, 8)}`, leaking(spec), setup);
    const r = await runSubmission(dir, { sandbox: true });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toMatch(reason);
      expect(r.error.message).not.toMatch(/root:x:0|ID=|Thompson/);
    }
    await expectGoodStillRuns();
  });

  it('a file symlinked inside the folder to one outside is not readable at run time (not in the sandbox view)', async () => {
    const dir = submission('runtime-link', `import { readFileSync } from 'node:fs';
export const createAgent = () => ({ name: 'link', act() { throw new Error('read: ' + readFileSync('secret', 'utf8')); } });
`, (d) => symlinkSync('/etc/hostname', join(d, 'secret')));
    const r = await runSubmission(dir, { sandbox: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^reported by the submission: threw in act: Error: ENOENT: no such file or directory, open '(\/submission\/)?secret'$/);
    await expectGoodStillRuns();
  });

  it('an entry file that is a symlink to a file outside the folder is refused by the manifest reader', () => {
    const outside = join(scratch, 'outside.mjs');
    writeFileSync(outside, 'export const createAgent = () => ({ name: "x", act: () => 0 });\n');
    const dir = submission('entry-link', '', (d) => {
      rmSync(join(d, 'agent.mjs'));
      symlinkSync(outside, join(d, 'agent.mjs'));
    });
    expect(() => readSubmission(dir)).toThrow(/#\/entry: expected a regular file inside the submission folder \(symlinks resolved\); found "agent\.mjs" -> .*outside\.mjs/);
  });

  it('an import of the simulator (harness/env/env.ts) is refused, naming the import', async () => {
    const env = join(shipped('example-thompson'), '../../harness/env/env.ts');
    const dir = submission('imports-env', `import { OrchestrationEnv } from ${JSON.stringify(env)};
export const createAgent = () => ({ name: 'shadow', act: () => (typeof OrchestrationEnv === 'function' ? 0 : 1) });
`);
    const r = await runSubmission(dir, { sandbox: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^threw at load: imports harness\/env\/env\.ts, which is not part of the agent contract; a submission may import from harness\/ only harness\/agent\.ts, harness\/rng\.ts/);
  });

  it('imports of its own files and of the agent contract still bundle (example-thompson imports harness/rng.ts)', async () => {
    const r = await runSubmission(shipped('example-thompson'), { sandbox: true });
    expect(r.ok).toBe(true);
  });
});

describe('the code hash covers the whole submission folder', () => {
  it("changes when a helper imported without its extension ('./helper') changes, and never follows a symlink", () => {
    const dir = join(scratch, 'hashed');
    cpSync(fixture('hostile-invalid'), dir, { recursive: true });
    writeFileSync(join(dir, 'agent.mjs'), "import { pick } from './helper';\nexport const createAgent = () => ({ name: 'h', act: (o) => pick(o) });\n");
    writeFileSync(join(dir, 'helper.mjs'), 'export const pick = (o) => o.actionMask.indexOf(1);\n');
    symlinkSync('/dev/zero', join(dir, 'zero'));
    const hash = (): string => agentCodeHash(submissionFiles(readSubmission(dir).submission), dir);
    const before = hash();
    writeFileSync(join(dir, 'helper.mjs'), 'export const pick = (o) => o.actionMask.lastIndexOf(1);\n');
    expect(hash()).not.toBe(before);
  });
});
