/** The output folder of a run: created safely, held by one run, and never touched by a refused run. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { register as registerExperiment } from '../../harness/cli/experiment.ts';
import { register as registerMerge } from '../../harness/cli/merge.ts';
import { register } from '../../harness/cli/run.ts';
import { openRunJournal } from '../../harness/runner/execute.ts';
import { acquireRunLock, bootId, LOCK_FILE, prepareOutDir, processStart, staleLockNote } from '../../harness/runner/out-dir.ts';
import { inputError as refusal } from '../helpers/input-error.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { runCli } from '../report/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'orchbench-outdir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, `d${n++}`);

const RUN = ['run', '--suite', 'default-v3', '--variant', 'testing', '--scenarios', 'broadband-4u-battery-v3', '--agents', 'random', '--seeds', '1', '--workers', '1'];
const run = (...args: string[]) => runCli(register, [...RUN, ...args]);

describe('prepareOutDir', () => {
  it('creates missing levels, and refuses with the reason what cannot be a folder (never hangs)', async () => {
    const deep = join(fresh(), 'a', 'b');
    prepareOutDir(deep);
    expect(existsSync(deep)).toBe(true);
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const expected = 'an output folder: an existing folder, or a path where one can be created';
    expect((await refusal(() => prepareOutDir(''))).issues).toEqual([{ file: '--out', expected, found: 'an empty path' }]);
    expect((await refusal(() => prepareOutDir('/dev/null'))).issues).toEqual([{ file: '/dev/null', expected, found: 'a character device' }]);
    expect((await refusal(() => prepareOutDir(file))).issues).toEqual([{ file, expected, found: 'a regular file' }]);
    expect((await refusal(() => prepareOutDir(join(file, 'x')))).issues[0]!.found).toBe('ENOTDIR (a path component is not a directory)');
    // Node's recursive mkdir never returns on this one.
    expect((await refusal(() => prepareOutDir('/proc/1/x'))).issues[0]!.found).toBe('cannot create /proc/1/x: ENOENT (no such file or directory)');
    expect((await refusal(() => prepareOutDir('/sys/kernel/x'))).issues[0]!.found).toMatch(/^cannot create \/sys\/kernel\/x: E[A-Z]+/);
  });
});

describe('run.lock', () => {
  it('locks a second run out while the owner lives, then lets the next one in', async () => {
    const dir = fresh();
    prepareOutDir(dir);
    const lock = acquireRunLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    const e = await refusal(() => acquireRunLock(dir));
    expect(e.message).toMatch(new RegExp(`^${join(dir, LOCK_FILE)}: expected no other run writing into ${dir}; found a lock held by pid ${process.pid} on `));
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquireRunLock(dir).release();
  });

  it('takes over a lock left by a dead process and says so; refuses one from another host', async () => {
    const dir = fresh();
    prepareOutDir(dir);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), startedAt: 'then' }));
    const lock = acquireRunLock(dir);
    expect(lock.tookOverFrom?.pid).toBe(dead);
    expect(staleLockNote(lock)).toMatch(new RegExp(`was left by a run that is no longer running \\(pid ${dead} on .*\\); taken over`));
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    const again = acquireRunLock(dir);
    expect(staleLockNote(again)).toBe(`note: ${again.file} was unreadable (not a lock a run writes); taken over\n`);
    again.release();
    expect((await refusal(() => acquireRunLock('/proc'))).issues).toEqual([{ file: '/proc/run.lock', expected: 'a lock file the run can create in /proc', found: 'ENOENT (no such file or directory)' }]);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: dead, host: 'elsewhere', startedAt: 'then' }));
    expect((await refusal(() => acquireRunLock(dir))).message).toMatch(/lock held by pid \d+ on elsewhere, started then \(it cannot be checked from this host\); .* delete /);
  });
});

describe('run.lock: whose owner is gone, whatever its pid', () => {
  // A retried Kubernetes pod has the killed pod's host name, and node runs as pid 1 in both.
  const pid1Lock = (dir: string, extra: Record<string, string>) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: hostname(), startedAt: 'then', ...extra }));

  it('records the boot id and the process start time where /proc has them', () => {
    const dir = fresh();
    prepareOutDir(dir);
    const lock = acquireRunLock(dir);
    try {
      const owner = JSON.parse(readFileSync(lock.file, 'utf8')) as Record<string, unknown>;
      expect(owner).toMatchObject({ pid: process.pid, bootId: bootId(), procStart: processStart(process.pid) });
      expect(owner.procStart).toMatch(/^\d+$/);
    } finally {
      lock.release();
    }
  });

  it('takes over a pid-1 lock of a process that started at another time or in another boot', () => {
    const dir = fresh();
    prepareOutDir(dir);
    const start = processStart(1)!;
    for (const stale of [{ bootId: bootId()!, procStart: String(Number(start) + 1) }, { bootId: 'another-boot', procStart: start }]) {
      pid1Lock(dir, stale);
      const lock = acquireRunLock(dir);
      expect(lock.tookOverFrom).toMatchObject({ pid: 1, ...stale });
      expect(staleLockNote(lock)).toMatch(/was left by a run that is no longer running \(pid 1 on /);
      lock.release();
    }
  });

  it('refuses a pid-1 lock whose start time and boot match the live pid 1, and an old lock without them', async () => {
    const dir = fresh();
    prepareOutDir(dir);
    pid1Lock(dir, { bootId: bootId()!, procStart: processStart(1)! });
    expect((await refusal(() => acquireRunLock(dir))).message).toMatch(/found a lock held by pid 1 on /);
    pid1Lock(dir, {});
    expect((await refusal(() => acquireRunLock(dir))).message).toMatch(/found a lock held by pid 1 on /);
  });

  it.each([['SIGTERM', 143], ['SIGINT', 130]] as const)('%s releases the lock and ends the process with %i', async (signal, code) => {
    const dir = fresh();
    prepareOutDir(dir);
    const script = `import { acquireRunLock } from './harness/runner/out-dir.ts'; acquireRunLock(${JSON.stringify(dir)}); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((done) => child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && done()));
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    const exit = new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    child.kill(signal);
    expect(await exit).toBe(code);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('orchbench run: the output folder', () => {
  it('a second orchbench process is locked out of a folder a live run holds (exit 1, no stack trace)', () => {
    const dir = fresh();
    mkdirSync(dir);
    // Another live process holding the folder, as a run would.
    const owner = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: owner.pid, host: hostname(), startedAt: 'now' }));
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'orchbench.js'), ...RUN, '--out', dir], { cwd: REPO_ROOT, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`expected no other run writing into ${dir}; found a lock held by pid ${owner.pid}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(dir, 'run.json'))).toBe(false);
    } finally {
      owner.kill();
    }
  });


  it('a run refused with "pass --resume" leaves run.json as it was; so does a run locked out', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'run.json'), 'ORIGINAL');
    writeFileSync(join(dir, 'results.jsonl'), '{"not":"a result"}\n');
    expect((await refusal(() => run('--out', dir))).message).toMatch(/results\.jsonl: expected no journal yet \(or pass --resume to continue it\)/);
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe('ORIGINAL');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const lock = acquireRunLock(dir);
    try {
      expect((await refusal(() => run('--out', dir, '--resume'))).message).toMatch(/expected no other run writing into/);
    } finally {
      lock.release();
    }
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe('ORIGINAL');
  });

  it('merge holds its --out like a run: it never writes where a run is writing', async () => {
    const dir = fresh();
    prepareOutDir(dir);
    const lock = acquireRunLock(dir);
    try {
      expect((await refusal(() => runCli(registerMerge, ['merge', fresh(), '--out', dir]))).message).toMatch(/expected no other run writing into/);
    } finally {
      lock.release();
    }
    expect(existsSync(join(dir, 'run.json'))).toBe(false);
  });

  it('experiment hl-speedup and tune hold their --out like a run: neither resumes a journal another is writing', async () => {
    const dir = fresh();
    prepareOutDir(dir);
    writeFileSync(join(dir, 'results.jsonl'), '');
    const lock = acquireRunLock(dir);
    try {
      for (const args of [
        ['experiment', 'hl-speedup', '--suite', 'testing', '--scenarios', 'broadband-4u-battery-v3', '--seeds', '1', '--workers', '1', '--out', dir],
        ['experiment', 'tune', '--agents', 'bandit', '--budget', '1', '--seeds', '1', '--variant', 'testing', '--workers', '1', '--out', dir],
      ]) {
        expect((await refusal(() => runCli(registerExperiment, args))).message, args[1]).toMatch(/expected no other run writing into/);
      }
    } finally {
      lock.release();
    }
    // Nothing was run into the held folder.
    expect(readFileSync(join(dir, 'results.jsonl'), 'utf8')).toBe('');
  });

  it('refuses unusable --out paths and a results.jsonl that is a folder, cleanly', async () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    for (const out of ['', '/dev/null', file, '/proc/1/x', '/etc/passwd/x']) {
      expect((await refusal(() => run('--out', out))).issues[0]!.expected).toMatch(/^an output folder/);
    }
    const dir = fresh();
    mkdirSync(join(dir, 'results.jsonl'), { recursive: true });
    expect((await refusal(() => run('--out', dir, '--resume'))).issues).toEqual([{ file: join(dir, 'results.jsonl'), expected: 'a results journal (a regular file)', found: 'a directory' }]);
    expect((await refusal(() => openRunJournal(dir, true))).issues[0]!.found).toBe('a directory');
  });

  it('refuses numeric flags a timer cannot hold and an empty agent list before planning anything', async () => {
    for (const t of ['1e-9', 'Infinity', '3000000']) {
      expect((await refusal(() => run('--out', fresh(), '--job-timeout-s', t))).message).toBe(`--job-timeout-s: expected number from 0.001 to 2147483 (s); found "${t}"`);
    }
    expect((await refusal(() => run('--out', fresh(), '--root-seed', '9007199254740993'))).message).toMatch(/^--root-seed: expected integer/);
    expect((await refusal(() => run('--out', fresh(), '--agents', ','))).message).toMatch(/^--agents: expected comma-separated names/);
  });

  it('a run that ends releases its lock and writes run.json', async () => {
    const dir = fresh();
    const r = await run('--out', dir);
    expect(r.stdout).toMatch(/^1 jobs \(0 failed/);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).toMatchObject({ suite: 'default-v3 (testing variant)', agents: ['random'] });
  });
});
