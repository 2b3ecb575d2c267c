import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InputError } from '../../harness/errors.ts';
import { readInputFile, writeFileAtomic } from '../../harness/io/safe-file.ts';
import { initSubmission } from '../../harness/submission/init.ts';
import { inputError } from '../helpers/input-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'orchbench-safe-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The issues of the InputError `f` throws. */
const issues = async (f: () => unknown): Promise<InputError['issues']> => (await inputError(f)).issues;

describe('readInputFile', () => {
  it('reads a regular file up to the limit and refuses one byte more, naming the limit', async () => {
    const f = join(dir, 'ten');
    writeFileSync(f, '0123456789');
    expect(readInputFile(f, { maxBytes: 10, what: 'a thing' }).toString()).toBe('0123456789');
    expect(await issues(() => readInputFile(f, { maxBytes: 9, what: 'a thing' }))).toEqual([{ file: f, expected: 'a thing of at most 9 bytes', found: '10 bytes' }]);
  });

  it('reads to the end of a file that reports size 0 (procfs), still bounded by the limit', async () => {
    expect(readInputFile('/proc/self/status', { maxBytes: 1 << 20, what: 'a thing' }).toString()).toMatch(/^Name:/);
    expect((await issues(() => readInputFile('/proc/self/status', { maxBytes: 10, what: 'a thing' })))[0]!.found).toBe('more, read past the size the file reported (it grew while read)');
  });

  it('names a missing file with its errno', async () => {
    expect((await issues(() => readInputFile(join(dir, 'none'), { maxBytes: 1, what: 'a thing' })))[0]!.found).toBe('ENOENT (no such file or directory)');
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temporary file behind', async () => {
    const f = join(dir, 'out.txt');
    writeFileSync(f, 'old');
    writeFileAtomic(f, 'new content', { what: 'the output' });
    expect(readFileSync(f, 'utf8')).toBe('new content');
    expect(readdirSync(dir).filter((x) => x.endsWith('.tmp'))).toEqual([]);
  });

  it('a failed write leaves the old file as it was', async () => {
    const f = join(dir, 'keep.txt');
    writeFileSync(f, 'old');
    expect((await issues(() => writeFileAtomic(f, 'new', { what: 'the output', inputs: [f] })))[0]!.found).toBe(`the input ${f} itself`);
    expect(readFileSync(f, 'utf8')).toBe('old');
  });
});

describe('submission init', () => {
  it('refuses a folder under a file with the reason instead of a stack trace', async () => {
    expect(await issues(() => initSubmission('/etc/passwd/x'))).toEqual([{ file: '/etc/passwd/x', expected: 'a new or empty submission folder: an existing folder, or a path where one can be created', found: 'ENOTDIR (a path component is not a directory)' }]);
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect((await issues(() => initSubmission(file)))[0]!.found).toBe('a regular file');
  });
});
