import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageMeta } from '../../harness/report/leaderboard.ts';
import { writerProvenance } from '../../harness/report/provenance.ts';
import { PACKAGE_ROOT } from '../../harness/version.ts';
import { META } from './fixtures.ts';

const IN_GIT = existsSync(join(PACKAGE_ROOT, '.git'));

describe('writer provenance', () => {
  it.skipIf(!IN_GIT)('names the commit, the date, the host and the Node version; the output folder does not make the tree dirty', () => {
    const scratch = mkdtempSync(join(PACKAGE_ROOT, '.scratch-provenance-'));
    try {
      const outside = writerProvenance(tmpdir(), new Date('2026-12-06T10:11:12.345Z'));
      expect(outside.gitCommit).toMatch(/^[0-9a-f]{40}$/);
      expect(outside.writtenAt).toBe('2026-12-06T10:11:12Z');
      expect(outside.nodeVersion).toBe(process.version);
      expect(outside.host.length).toBeGreaterThan(0);
      // A new untracked file in the checkout is a change...
      writeFileSync(join(scratch, 'page.txt'), 'x');
      expect(writerProvenance(tmpdir()).gitDirty).toBe(true);
      // ...unless it is in the folder the page is written to.
      const before = writerProvenance(scratch).gitDirty;
      rmSync(join(scratch, 'page.txt'));
      expect(before).toBe(writerProvenance(scratch).gitDirty);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('pageMeta keeps the run facts, adds the trimmed title and refuses an empty one', () => {
    const meta = pageMeta(META, '  My page ', tmpdir());
    expect(meta).toMatchObject({ ...META, title: 'My page' });
    expect(meta.writer?.nodeVersion).toBe(process.version);
    expect(() => pageMeta(META, '  ', tmpdir())).toThrow(/--title/);
  });
});
