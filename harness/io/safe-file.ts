/**
 * Reading files a user names, and writing the files and folders a user asks for, without the
 * surprises of special files: a FIFO blocks a read forever, `/dev/zero` (or a link to it) never
 * ends, a 600 MB "trace" exhausts memory, `--out /dev/null` or `--out` on the input itself
 * silently loses data, a write interrupted half-way leaves half a file, and a recursive `mkdir`
 * under `/proc` never returns. Every refusal is an InputError naming the file, what was expected
 * and what was found.
 */
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, type Stats, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';

const MIB = 1024 * 1024;

/** What kind of file `s` is, for messages ("a FIFO", "a character device", ...). */
export function fileKind(s: Stats): string {
  if (s.isFile()) return 'a regular file';
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'a special file';
}

/** An errno as found text, e.g. `ENOTDIR (a path component is not a directory)`. */
export function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOENT: 'no such file or directory',
    ENOTDIR: 'a path component is not a directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    EISDIR: 'a directory',
    EEXIST: 'already exists',
    ENOSPC: 'no space left on the device',
    ELOOP: 'too many symbolic links',
    ENAMETOOLONG: 'name too long',
  };
  if (code === undefined) throw e;
  return why[code] ? `${code} (${why[code]})` : code;
}

/** A size for messages: MiB with one decimal (and the exact bytes) from 1 MiB, else bytes. */
const size = (bytes: number, exact = false): string =>
  bytes < MIB ? `${bytes} bytes` : `${(bytes / MIB).toFixed(1)} MiB${exact ? ` (${bytes} bytes)` : ''}`;

/** Options of {@link readInputFile}. */
export interface ReadInputOptions {
  /** The largest file accepted (bytes). */
  maxBytes: number;
  /** What the file should be, for messages (e.g. "a trace file"). */
  what: string;
}

/**
 * Reads a user-given file whole, refusing anything but a regular file of at most `maxBytes`
 * (symbolic links are followed; what they point to is checked). The file is opened non-blocking,
 * so a FIFO is refused instead of waiting for a writer, and its type and size are taken from the
 * open descriptor, so it cannot be swapped between the check and the read.
 * @throws InputError for a missing or unreadable path, a special file, or a file over the limit
 */
export function readInputFile(file: string, o: ReadInputOptions): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new InputError({ file, expected: `${o.what} (a readable regular file)`, found: errnoText(e) });
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw new InputError({ file, expected: `${o.what} (a regular file)`, found: fileKind(s) });
    if (s.size > o.maxBytes) throw new InputError({ file, expected: `${o.what} of at most ${size(o.maxBytes)}`, found: size(s.size, true) });
    // Read to the end, not just what fstat promised (a file may grow, and some report size 0),
    // but never past one byte over the limit.
    let buf = Buffer.alloc(Math.min(s.size, o.maxBytes) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > o.maxBytes) throw new InputError({ file, expected: `${o.what} of at most ${size(o.maxBytes)}`, found: 'more, read past the size the file reported (it grew while read)' });
        const bigger = Buffer.alloc(Math.min(2 * buf.length, o.maxBytes + 1));
        buf.copy(bigger);
        buf = bigger;
      }
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) return buf.subarray(0, n);
      n += r;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError({ file, expected: `${o.what} (a readable regular file)`, found: errnoText(e) });
  } finally {
    closeSync(fd);
  }
}

/** {@link readInputFile} as UTF-8 text. */
export function readInputText(file: string, o: ReadInputOptions): string {
  return readInputFile(file, o).toString('utf8');
}

/** Options of {@link writeFileAtomic}. */
export interface WriteOutputOptions {
  /** What the file is, for messages (e.g. "the CSV trace to write"). */
  what: string;
  /** Files the content was read from: writing over one of them is refused. */
  inputs?: readonly string[];
}

/** The file's stats following links, or undefined when it does not exist. */
function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Writes a user-named output file atomically: the content goes to a temporary file beside it,
 * is flushed to disk, and is renamed over the target, so a reader (or a crash) never sees half
 * a file. A missing folder is created, as `run --out` and `merge --out` create theirs. Refuses an
 * empty path, an existing target that is not a regular file (`/dev/null`, a directory, a FIFO),
 * and a target that is one of `inputs` (also through a link).
 * @throws InputError naming the file, what was expected and what was found
 */
export function writeFileAtomic(file: string, content: string | Uint8Array, o: WriteOutputOptions): void {
  const expected = `${o.what}: a path to a new or regular file in a writable folder`;
  if (file === '') throw new InputError({ file: '(empty path)', expected, found: 'an empty path' });
  ensureDir(dirname(file), { what: `the folder of ${o.what}` });
  let tmp: string | undefined;
  try {
    const target = statOrUndefined(file);
    if (target && !target.isFile()) throw new InputError({ file, expected, found: fileKind(target) });
    for (const input of o.inputs ?? []) {
      const s = target && statOrUndefined(input);
      if (s && s.dev === target.dev && s.ino === target.ino) throw new InputError({ file, expected: `${o.what}: a file other than the input`, found: `the input ${input} itself` });
    }
    tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    tmp = undefined;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError({ file, expected, found: errnoText(e) });
  } finally {
    if (tmp !== undefined) {
      try {
        unlinkSync(tmp);
      } catch {
        // Never created (the folder does not exist or is not writable): nothing to clean up.
      }
    }
  }
}

/** Options of {@link ensureDir}. */
export interface EnsureDirOptions {
  /** What the folder is, for messages (e.g. "an output folder"). */
  what: string;
  /** Where the path came from, named when it is empty (e.g. `--out`). */
  flag?: string;
}

/**
 * Creates a user-named folder and its missing parents, one level at a time, unless it exists as a
 * folder. Node's recursive `mkdir` loops forever on some paths (e.g. `/proc/1/x`); here each
 * level is created once, and any failure is reported with its reason.
 * @throws InputError for an empty path, a path (or parent) that exists but is not a folder, or a
 *   folder that cannot be created
 */
export function ensureDir(dir: string, o: EnsureDirOptions): void {
  const expected = `${o.what}: an existing folder, or a path where one can be created`;
  if (dir.trim() === '') throw new InputError({ file: o.flag ?? '(empty path)', expected, found: 'an empty path' });
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    let s: Stats | undefined;
    try {
      s = statOrUndefined(d);
    } catch (e) {
      throw new InputError({ file: dir, expected, found: errnoText(e) });
    }
    if (s?.isDirectory()) break;
    if (s) throw new InputError({ file: dir, expected, found: d === resolve(dir) ? fileKind(s) : `its parent ${d} is ${fileKind(s)}` });
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new InputError({ file: dir, expected, found: `cannot create ${d}: ${errnoText(e)}` });
    }
  }
}
