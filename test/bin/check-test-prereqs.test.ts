import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUBBLEWRAP, CHROMIUM, planPrereqs } from '../../bin/check-test-prereqs.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const script = join(REPO_ROOT, 'bin/check-test-prereqs.ts');
const isRoot = process.getuid?.() === 0;

describe('npm test checks its prerequisites first', () => {
  it('plans nothing when everything is present, an install as root with apt-get, else one command', () => {
    expect(planPrereqs([], false, true)).toEqual({ action: 'ok' });
    expect(planPrereqs([BUBBLEWRAP, CHROMIUM], true, true)).toEqual({ action: 'install', scripts: ['.ci/install-bubblewrap', '.ci/install-browser'] });
    const stop = planPrereqs([BUBBLEWRAP, CHROMIUM], false, true);
    expect(stop.action).toBe('stop');
    expect(stop.action === 'stop' && stop.message).toContain('sudo apt-get install -y --no-install-recommends bubblewrap util-linux chromium');
    const noApt = planPrereqs([CHROMIUM], true, false);
    expect(noApt.action === 'stop' && noApt.message).toContain("install the packages chromium with your system's package manager");
  });

  it('npm test runs the check before vitest, and .ci/run calls npm test (the same command)', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).toMatch(/^node --import tsx bin\/check-test-prereqs\.ts && vitest run$/);
    const ci = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm test -- /m);
    expect(ci).not.toMatch(/install-bubblewrap|install-browser/);
  });

  it.skipIf(!isRoot)('as a user without bubblewrap or chromium, stops before any test with the command (run as uid 65534)', () => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', script], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, ORCHBENCH_BWRAP: '/nonexistent/bwrap', ORCHBENCH_CHROMIUM: '/nonexistent/chromium' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('sudo apt-get install -y --no-install-recommends bubblewrap util-linux chromium');
  });
});
