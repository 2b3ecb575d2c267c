/** The files of a submission folder: what its code hash covers and what keys its cached bundle. */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';

/** Bounds of a submission folder: what its code hash reads. */
export const FOLDER_LIMITS = { files: 5000, megabytes: 64 };

/**
 * Every file of a submission folder, sorted: regular files and symlinks (a symlink is hashed as its
 * target's name, never followed); `.git` is skipped. Everything in the folder can change what the
 * agent does (a helper imported without extension, a data file, a Python module), so all of it
 * makes the code hash.
 * @throws InputError for a folder over {@link FOLDER_LIMITS}.
 */
export function folderFiles(dir: string): string[] {
  const out: string[] = [];
  let bytes = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.git') walk(p);
      } else if (e.isFile() || e.isSymbolicLink()) {
        out.push(p);
        if (e.isFile()) bytes += lstatSync(p).size;
      }
      if (out.length > FOLDER_LIMITS.files || bytes > FOLDER_LIMITS.megabytes * 2 ** 20) {
        throw new InputError({ file: dir, expected: `a submission folder of at most ${FOLDER_LIMITS.files} files and ${FOLDER_LIMITS.megabytes} MB`, found: `more than that (at ${p})` });
      }
    }
  };
  walk(dir);
  return out.sort();
}
