/** Paths shared by tests: the package root and `../shared` beside it (present in CI, maybe not elsewhere). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../harness/version.ts';

export const REPO_ROOT = PACKAGE_ROOT;
export const SHARED = resolve(PACKAGE_ROOT, '../shared');
export const HAS_SHARED = existsSync(resolve(SHARED, 'traces'));
/** Say why tests that need `../shared` are skipped. */
export const NO_SHARED_REASON = `../shared not found at ${SHARED}: recorded traces and measurements unavailable`;
