/**
 * Who wrote a leaderboard page, and from what code: the git commit of the checkout and whether its
 * working tree had changes, the date, the host and the Node version. Shown in the page's
 * reproducibility section so that a published page says which code produced its texts.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { PACKAGE_ROOT } from '../version.ts';

/** Where and from what code a page was written. */
export interface WriterProvenance {
  /** `git rev-parse HEAD` of the package's checkout; null outside a git checkout. */
  gitCommit: string | null;
  /** Whether tracked or untracked files differed from that commit (`git status --porcelain`); null outside a checkout. */
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

/** This process's provenance (runs git twice in the package folder). */
export function writerProvenance(now: Date = new Date()): WriterProvenance {
  const gitCommit = git(['rev-parse', 'HEAD']);
  const status = gitCommit === null ? null : git(['status', '--porcelain']);
  return {
    gitCommit,
    gitDirty: status === null ? null : status !== '',
    writtenAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    host: hostname(),
    nodeVersion: process.version,
  };
}
