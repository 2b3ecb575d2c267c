/**
 * Who wrote a leaderboard page, and from what code: the git commit of the checkout and whether its
 * working tree had changes, the date, the host and the Node version. Shown in the page's
 * reproducibility section so that a published page says which code produced its texts.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../version.ts';

/** Where and from what code a page was written. */
export interface WriterProvenance {
  /** `git rev-parse HEAD` of the package's checkout; null outside a git checkout. */
  gitCommit: string | null;
  /**
   * Whether tracked or untracked files differed from that commit (`git status --porcelain`), the
   * folder the page is written into excepted (the run itself changes it); null outside a checkout.
   */
  gitDirty: boolean | null;
  /** When the page was written (ISO 8601, UTC). */
  writtenAt: string;
  host: string;
  nodeVersion: string;
}

function git(args: string[]): string | null {
  const r = spawnSync('git', args, { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * This process's provenance (runs git twice in the package folder).
 * @param outDir the folder the page goes into: its own changes do not make the checkout dirty.
 */
export function writerProvenance(outDir: string, now: Date = new Date()): WriterProvenance {
  const gitCommit = git(['rev-parse', 'HEAD']);
  const inside = relative(PACKAGE_ROOT, resolve(outDir));
  const exclude = inside === '' || inside.startsWith('..') || isAbsolute(inside) ? [] : [`:(exclude)${inside}`];
  const status = gitCommit === null ? null : git(['status', '--porcelain', '--', '.', ...exclude]);
  return {
    gitCommit,
    gitDirty: status === null ? null : status !== '',
    writtenAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    host: hostname(),
    nodeVersion: process.version,
  };
}
