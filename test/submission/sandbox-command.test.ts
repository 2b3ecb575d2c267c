/**
 * What the sandboxed Node child is given (`sandboxCommand`), read from its bubblewrap command: the
 * V8 heap flag at the heap limit, Node's permission model reading only the bundle and the
 * submission folder, the bundle and bootstrap by content, the folder's files by content and its
 * links as links (or the folder bind-mounted when it is large), the runtime's mounts, and /dev.
 * The behaviour behind each is tested in sandbox.test.ts and limits.test.ts (slow: they start
 * sandboxes); this one is fast, for the mutation run.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bubblewrap } from '../../harness/submission/isolation.ts';
import { FOLDER_BY_CONTENT_FILES, sandboxCommand, SUBMISSION_DIR } from '../../harness/submission/load.ts';
import type { Submission } from '../../harness/submission/manifest.ts';
import { DEFAULT_LIMITS } from '../../harness/submission/process-agent.ts';
import { nodeRuntime } from '../../harness/submission/runtime.ts';

const scratch = mkdtempSync(join(tmpdir(), 'orchbench-sandbox-command-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const bw: Bubblewrap = { path: '/usr/bin/bwrap', version: '0.9.0', prlimit: '/usr/bin/prlimit' };
const code = { bootstrap: '// bootstrap', agent: '// agent' };
const submissionIn = (dir: string): Submission => ({ dir }) as Submission;

/** The pairs `flag a b` of an argv, as "a b" strings. */
const pairs = (args: string[], flag: string): string[] => args.flatMap((a, i) => (a === flag ? [`${args[i + 1]} ${args[i + 2]}`] : []));

describe('sandboxCommand', () => {
  it('runs Node with the heap limit, the permission model and the bundle by content, in the folder, with /dev', () => {
    const dir = join(scratch, 'small');
    mkdirSync(join(dir, 'lib'), { recursive: true });
    writeFileSync(join(dir, 'submission.json'), '{}');
    writeFileSync(join(dir, 'lib', 'weights.bin'), 'w');
    symlinkSync('lib/weights.bin', join(dir, 'weights'));
    const cmd = sandboxCommand(bw, submissionIn(dir), code, { ...DEFAULT_LIMITS, heapMb: 96 });
    expect(cmd.command).toBe(bw.path);
    const node = nodeRuntime();
    const tail = cmd.args.slice(cmd.args.lastIndexOf('--') + 1);
    expect(tail).toEqual([node.argv[0], '--experimental-permission', '--allow-fs-read=/sandbox', `--allow-fs-read=${SUBMISSION_DIR}`, '--max-old-space-size=96', '--no-experimental-fetch', '--disable-warning=ExperimentalWarning', '/sandbox/bootstrap.mjs']);
    expect(cmd.args[cmd.args.indexOf('--chdir') + 1]).toBe(SUBMISSION_DIR);
    expect(cmd.env).toEqual({});
    // Given by content, in order: the bootstrap, the bundle, then the folder's files.
    expect(cmd.files!.map((f) => [f.path, String(f.text)])).toEqual([['/sandbox/bootstrap.mjs', '// bootstrap'], ['/sandbox/agent.mjs', '// agent'], [`${SUBMISSION_DIR}/lib/weights.bin`, 'w'], [`${SUBMISSION_DIR}/submission.json`, '{}']]);
    expect(pairs(cmd.args, '--ro-bind-data')).toEqual(['3 /sandbox/bootstrap.mjs', '4 /sandbox/agent.mjs', `5 ${SUBMISSION_DIR}/lib/weights.bin`, `6 ${SUBMISSION_DIR}/submission.json`]);
    expect(pairs(cmd.args, '--symlink').filter((p) => p.endsWith(` ${SUBMISSION_DIR}/weights`))).toEqual([`lib/weights.bin ${SUBMISSION_DIR}/weights`]);
    expect(pairs(cmd.args, '--ro-bind').filter((p) => !p.startsWith('/usr ') && !p.startsWith('/lib') && !p.startsWith('/etc') && !p.startsWith('/bin') && !p.startsWith('/sbin'))).toEqual(node.mounts.map((m) => `${m.src} ${m.dest ?? m.src}`));
    expect(pairs(cmd.args, '--dev')[0]).toMatch(/^\/dev /);
  });

  it('bind-mounts a folder of more files than it hands over by content, beside the runtime', () => {
    const dir = join(scratch, 'large');
    mkdirSync(dir);
    for (let i = 0; i <= FOLDER_BY_CONTENT_FILES; i++) writeFileSync(join(dir, `f${i}.txt`), '');
    const cmd = sandboxCommand(bw, submissionIn(dir), code, DEFAULT_LIMITS);
    expect(pairs(cmd.args, '--ro-bind')).toContain(`${realpathSync(dir)} ${SUBMISSION_DIR}`);
    expect(cmd.files!.map((f) => f.path)).toEqual(['/sandbox/bootstrap.mjs', '/sandbox/agent.mjs']);
  });
});
