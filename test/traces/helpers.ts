/** Test helpers for the trace importers: temp fixture files and located-error assertions. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { InputIssue } from '../../harness/errors.ts';
import { inputError } from '../helpers/input-error.ts';
import { HAS_SHARED, NO_SHARED_REASON } from '../helpers/paths.ts';

/** A temp directory removed after the test file; `write(name, text)` returns the file's path. */
export function fixtureDir(): { dir: string; write: (name: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'orchbench-traces-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write: (name, text) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

/** Runs `fn`, expects an InputError and returns its first issue. */
export async function inputIssue(fn: () => unknown): Promise<InputIssue> {
  const issue = (await inputError(fn)).issues[0];
  expect(issue).toBeDefined();
  return issue!;
}

/** A describe title for tests that read `../shared`, carrying the skip reason when it is absent. */
export function sharedTitle(title: string): string {
  return HAS_SHARED ? title : `${title} [skipped: ${NO_SHARED_REASON}]`;
}
