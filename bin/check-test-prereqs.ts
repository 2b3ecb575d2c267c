/**
 * `npm test` runs this first: the test suite needs bubblewrap (+ prlimit) for the sandbox tests and
 * Chromium for the leaderboard page's browser test. Present: exit 0. Missing and running as root
 * with apt-get (a CI container, a fresh machine): install them with the `.ci/install-*` scripts.
 * Otherwise stop before any test, naming the one command to run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBubblewrap } from '../harness/submission/isolation.ts';

/** Where the browser test looks for Chromium (Debian's package; `ORCHBENCH_CHROMIUM` overrides). */
export const CHROMIUM_PATH = process.env.ORCHBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** One thing the tests need, with the Debian packages and the install script that provide it. */
export interface Prerequisite {
  what: string;
  packages: string[];
  script: string;
}

export const BUBBLEWRAP: Prerequisite = { what: 'bubblewrap and prlimit (the sandbox tests)', packages: ['bubblewrap', 'util-linux'], script: '.ci/install-bubblewrap' };
export const CHROMIUM: Prerequisite = { what: `chromium at ${CHROMIUM_PATH} (the leaderboard page's browser test)`, packages: ['chromium'], script: '.ci/install-browser' };

/** What to do about the missing prerequisites. */
export type PrereqPlan =
  | { action: 'ok' }
  | { action: 'install'; scripts: string[] }
  | { action: 'stop'; message: string };

/**
 * Decide: nothing missing is ok; root with apt-get installs; anyone else gets the one command.
 * @param missing the prerequisites not found on this machine
 */
export function planPrereqs(missing: Prerequisite[], isRoot: boolean, hasApt: boolean): PrereqPlan {
  if (missing.length === 0) return { action: 'ok' };
  if (isRoot && hasApt) return { action: 'install', scripts: missing.map((m) => m.script) };
  const packages = missing.flatMap((m) => m.packages).join(' ');
  const command = hasApt
    ? `sudo apt-get install -y --no-install-recommends ${packages}`
    : `install the packages ${packages} with your system's package manager`;
  return {
    action: 'stop',
    message: `npm test needs ${missing.map((m) => m.what).join(' and ')}; not found. Run:\n  ${command}\nthen npm test again.`,
  };
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(join(d, name)));
}

function main(): number {
  const missing = [...(findBubblewrap() ? [] : [BUBBLEWRAP]), ...(existsSync(CHROMIUM_PATH) ? [] : [CHROMIUM])];
  const plan = planPrereqs(missing, process.getuid?.() === 0, onPath('apt-get'));
  if (plan.action === 'ok') return 0;
  if (plan.action === 'stop') {
    console.error(plan.message);
    return 1;
  }
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  for (const script of plan.scripts) {
    console.error(`test prerequisites: running ${script} (as root)`);
    const r = spawnSync('bash', [join(root, script)], { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`${script} failed (exit ${r.status}); install ${missing.flatMap((m) => m.packages).join(' ')} and run npm test again.`);
      return 1;
    }
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
