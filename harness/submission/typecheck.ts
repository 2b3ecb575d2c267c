/**
 * The type check of a TypeScript submission with this installation's compiler (`typescript` in
 * its node_modules), under the project's own strict options, with `orchbench/...` mapped to this
 * installation (the templates import the agent API's types from there). tsc only reads the files,
 * never runs them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../version.ts';

/** The outcome: ok, or tsc's diagnostics (paths relative to the submission folder). */
export interface TypeCheckResult {
  ok: boolean;
  /** tsc's output lines (`agent.ts(3,7): error TS2322: ...`), at most {@link MAX_DIAGNOSTICS}. */
  diagnostics: string[];
  /** Lines beyond the ones listed. */
  more: number;
  /** The compiler's version. */
  tscVersion: string;
}

const MAX_DIAGNOSTICS = 20;
/** A compile of a few files takes about 2 s of CPU here; a stuck compiler is stopped. */
const TSC_TIMEOUT_MS = 120_000;

/**
 * Type-checks the submission's TypeScript files (every `.ts` file of the folder, the entry among
 * them) and returns tsc's diagnostics.
 * @param dir the submission folder (absolute)
 * @param files the folder's files to check (absolute paths)
 */
export function typeCheckSubmission(dir: string, files: readonly string[]): TypeCheckResult {
  const require = createRequire(join(PACKAGE_ROOT, 'package.json'));
  const tsc = require.resolve('typescript/bin/tsc');
  const tscVersion = (require('typescript/package.json') as { version: string }).version;
  const project = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  const tmp = mkdtempSync(join(tmpdir(), 'orchbench-tsc-'));
  try {
    const config = {
      compilerOptions: { ...project.compilerOptions, noEmit: true, types: [], paths: { 'orchbench/*': [join(PACKAGE_ROOT, '*')] } },
      files: [...files],
    };
    writeFileSync(join(tmp, 'tsconfig.json'), JSON.stringify(config));
    const r = spawnSync(process.execPath, [tsc, '-p', join(tmp, 'tsconfig.json'), '--pretty', 'false'], { cwd: dir, encoding: 'utf8', timeout: TSC_TIMEOUT_MS });
    if (r.error || r.signal) return { ok: false, diagnostics: [`the type check did not finish: ${r.error?.message ?? `stopped by ${r.signal}`}`], more: 0, tscVersion };
    if (r.status === 0) return { ok: true, diagnostics: [], more: 0, tscVersion };
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '').map((l) => l.split(prefix).join(''));
    return { ok: false, diagnostics: lines.slice(0, MAX_DIAGNOSTICS), more: Math.max(0, lines.length - MAX_DIAGNOSTICS), tscVersion };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
