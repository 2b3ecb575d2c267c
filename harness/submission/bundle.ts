/**
 * Bundles a submission for the sandbox with esbuild (already installed as tsx's compiler): the
 * entry module and everything it imports (harness helpers, pure-JS packages) become one ES module,
 * so the sandboxed child needs read access to one temporary folder and the submission's own folder,
 * and no TypeScript loader (tsx's ESM hooks run in a worker thread, which the sandbox forbids).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { SubmissionError } from './errors.ts';

const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  write: false,
  logLevel: 'silent',
  // CommonJS packages inside an ES module bundle call `require`.
  banner: { js: "import { createRequire as __orchbenchRequire } from 'node:module'; const require = __orchbenchRequire(import.meta.url);" },
};

let bootstrap: Promise<string> | undefined;

/** The child's bootstrap (`child.ts` bundled), built once per process. */
function bootstrapCode(): Promise<string> {
  bootstrap ??= build({ ...COMMON, entryPoints: [fileURLToPath(new URL('./child.ts', import.meta.url))] }).then((r) => r.outputFiles![0]!.text);
  return bootstrap;
}

/** A bundled submission on disk; `dispose` removes it. */
export interface SandboxBundle {
  dir: string;
  bootstrapFile: string;
  dispose(): void;
}

/**
 * Writes `bootstrap.mjs` and `agent.mjs` (the entry bundled) into a fresh temporary folder.
 * @throws SubmissionError ('load') when the entry does not compile.
 */
export async function bundleSubmission(entryFile: string): Promise<SandboxBundle> {
  let agentCode: string;
  try {
    agentCode = (await build({ ...COMMON, entryPoints: [entryFile] })).outputFiles![0]!.text;
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    const first = errors[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
    throw new SubmissionError('load', `threw at load: does not compile: ${where}${first?.text ?? String(e)}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'orchbench-sandbox-'));
  writeFileSync(join(dir, 'agent.mjs'), agentCode);
  const bootstrapFile = join(dir, 'bootstrap.mjs');
  writeFileSync(bootstrapFile, await bootstrapCode());
  return { dir, bootstrapFile, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
