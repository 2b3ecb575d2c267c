/**
 * Bundles a submission for the sandbox with esbuild: the entry module and everything it imports
 * (its own modules, the agent contract, pure-JS packages) become one ES module,
 * so the sandboxed child needs no TypeScript loader (tsx's ESM hooks run in a worker thread, which
 * the permission model forbids) and reads nothing but its own folder.
 *
 * Bundling reads the submission's imports, so it runs inside the isolation too (`isolation.ts`):
 * the esbuild binary in a bubblewrap sandbox that sees only the submission folder, `harness/`,
 * `node_modules/` and /usr, with limits on memory, CPU time and output, and a wall-time limit. Any
 * input esbuild resolved (symlinks followed) outside the submission folder, `node_modules/` and
 * the contract files ({@link CONTRACT_FILES}) is refused, so `/etc/passwd`, `/dev/zero`, a symlink
 * to `/`, another submission's source, or the simulator, references and runner (a submission that
 * stepped a shadow copy of the environment would know the future) never reach the bundle. The bundle never touches the host's disk: it is handed to the runtime sandbox
 * by content (`--ro-bind-data`), so a killed run leaves no temporary folder behind.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { lstatSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { PACKAGE_ROOT } from '../version.ts';
import { boundedText } from '../errors.ts';
import { SubmissionError } from './errors.ts';
import { folderFiles } from './files.ts';
import { bwrapArgs, type Bubblewrap, type IsolationLimits, type Mount } from './isolation.ts';
import type { Submission } from './manifest.ts';

// CommonJS packages inside an ES module bundle call `require`.
const BANNER = "import { createRequire as __orchbenchRequire } from 'node:module'; const require = __orchbenchRequire(import.meta.url);";

const COMMON: BuildOptions = { bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, logLevel: 'silent', banner: { js: BANNER } };

let bootstrap: Promise<string> | undefined;

/** The child's bootstrap (`child.ts`, harness code, bundled outside the sandbox), built once per process. */
export function bootstrapCode(): Promise<string> {
  bootstrap ??= build({ ...COMMON, entryPoints: [fileURLToPath(new URL('./child.ts', import.meta.url))] }).then((r) => r.outputFiles![0]!.text);
  return bootstrap;
}

/** The esbuild executable of the installed esbuild package (a static binary). */
function esbuildBinary(): string {
  if (process.env.ESBUILD_BINARY_PATH) return realpathSync(process.env.ESBUILD_BINARY_PATH);
  const fromEsbuild = createRequire(createRequire(import.meta.url).resolve('esbuild'));
  return realpathSync(join(dirname(fromEsbuild.resolve(`@esbuild/${process.platform}-${process.arch}/package.json`)), 'bin', 'esbuild'));
}

/** Folders a submission may import from besides its own: the orchbench library and its packages. */
export function libraryRoots(): string[] {
  return [join(PACKAGE_ROOT, 'harness'), join(PACKAGE_ROOT, 'node_modules')].map((p) => p.replace(/\/+$/, ''));
}

/**
 * The harness files a submission may import: the agent contract's types and the documented helpers
 * for submissions (seeded streams). Never the simulator, the references or the runner.
 */
export const CONTRACT_FILES: readonly string[] = ['harness/agent.ts', 'harness/rng.ts'];

/** Limits of the bundler's sandbox. */
export const BUNDLE_LIMITS: IsolationLimits & { wallMs: number; outputMb: number } = {
  addressSpaceMb: 2048,
  cpuS: 30,
  processes: 16,
  tasks: 256,
  fileSizeMb: 64,
  openFiles: 256,
  tmpMb: 128,
  wallMs: 30_000,
  outputMb: 64,
};

// Inside the sandbox: build into the private /tmp, then print the metafile, a NUL, and the bundle.
const SCRIPT = 'mkdir /tmp/out && "$@" --outfile=/tmp/out/agent.mjs --metafile=/tmp/out/meta.json || exit 3; cat /tmp/out/meta.json; printf "\\000"; cat /tmp/out/agent.mjs';

/** Runs a sandboxed command to its end; stdout (bounded) and stderr's tail. */
function runSandboxed(bw: Bubblewrap, args: string[], wallMs: number, maxBytes: number): Promise<{ code: number | null; stdout: Buffer; stderr: string; killedFor?: string }> {
  return new Promise((done) => {
    const child = spawn(bw.path, args, { env: {}, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let stderr = '';
    let killedFor: string | undefined;
    const stop = (why: string): void => {
      killedFor ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(`took longer than ${wallMs / 1000} s`), wallMs);
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > maxBytes) stop(`produced more than ${maxBytes >> 20} MB`);
      else chunks.push(c);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      stderr = (stderr + c).slice(-4000);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout: Buffer.concat(chunks), stderr, ...(killedFor ? { killedFor } : {}) });
    });
  });
}

/** "agent.mjs:1:17: Could not resolve "/etc/passwd"" from esbuild's log. */
function firstError(log: string): string {
  const lines = log.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const i = lines.findIndex((l) => l.includes('[ERROR]'));
  if (i < 0) return lines.filter((l) => l.trim()).pop() ?? 'no output';
  const text = lines[i]!.replace(/^.*\[ERROR\]\s*/, '');
  const where = lines.slice(i + 1, i + 4).map((l) => /^\s+(\S+:\d+:\d+):\s*$/.exec(l)?.[1]).find(Boolean);
  return `${where ? `${where}: ` : ''}${text}`;
}

/** Bundles made by this thread, by folder and the name, size and mtime of every file in it. */
const bundles = new Map<string, Promise<string>>();
const CACHED_BUNDLES = 16;

/**
 * The submission's entry bundled inside a bubblewrap sandbox; cached per thread while no file of
 * its folder changes (a worker runs many jobs of one submission).
 * @throws SubmissionError ('load') when it does not compile, imports anything outside its folder
 * and the library (after resolving symlinks), or breaks the bundler's limits.
 */
export function bundleInSandbox(bw: Bubblewrap, sub: Submission): Promise<string> {
  const key = JSON.stringify([sub.dir, sub.entryFile, folderFiles(sub.dir).map((f) => {
    const st = lstatSync(f);
    return [f, st.size, st.mtimeMs];
  })]);
  let bundle = bundles.get(key);
  if (!bundle) {
    if (bundles.size >= CACHED_BUNDLES) bundles.delete(bundles.keys().next().value!);
    bundle = bundleUncached(bw, sub);
    // A failure is not cached: the next job reports it afresh.
    bundle.catch(() => bundles.delete(key));
    bundles.set(key, bundle);
  }
  return bundle;
}

/** {@link bundleInSandbox} without the cache (what the first job of a submission in a thread costs). */
export async function bundleUncached(bw: Bubblewrap, sub: Submission): Promise<string> {
  const dir = realpathSync(sub.dir);
  const entry = realpathSync(sub.entryFile!);
  const exe = esbuildBinary();
  const [harnessDir, modulesDir] = libraryRoots() as [string, string];
  const mounts: Mount[] = [
    { src: exe, dest: '/esbuild' },
    { src: realpathSync(harnessDir), dest: harnessDir },
    { src: realpathSync(modulesDir), dest: modulesDir },
    { src: dir },
  ];
  const argv = ['/bin/sh', '-c', SCRIPT, 'sh', '/esbuild', entry, '--bundle', '--platform=node', '--format=esm', '--target=node20', '--log-level=error', `--banner:js=${BANNER}`];
  const r = await runSandboxed(bw, bwrapArgs(bw, { argv, cwd: dir, env: {}, mounts, limits: BUNDLE_LIMITS }), BUNDLE_LIMITS.wallMs, BUNDLE_LIMITS.outputMb << 20);
  if (r.killedFor) throw new SubmissionError('load', `threw at load: bundling ${r.killedFor} (limit of the bundler's sandbox)`);
  if (r.code !== 0) throw new SubmissionError('load', `threw at load: does not compile: ${boundedText(firstError(r.stderr))}`);
  const nul = r.stdout.indexOf(0);
  const meta = JSON.parse(r.stdout.subarray(0, nul).toString('utf8')) as { inputs: Record<string, { imports?: { path: string }[] }> };
  const allowed = [dir, modulesDir];
  const contract = new Set(CONTRACT_FILES.map((f) => join(PACKAGE_ROOT, f)));
  // The submission's own imports first, so a refusal names what it imported, not a file that pulled in.
  const direct = Object.entries(meta.inputs).filter(([f]) => resolve(dir, f).startsWith(dir + sep)).flatMap(([, v]) => (v.imports ?? []).map((i) => i.path));
  for (const input of new Set([...direct.filter((p) => p in meta.inputs), ...Object.keys(meta.inputs)])) {
    const abs = resolve(dir, input);
    if (abs.startsWith(harnessDir + sep) && !contract.has(abs)) {
      throw new SubmissionError('load', `threw at load: imports ${boundedText(relative(PACKAGE_ROOT, abs))}, which is not part of the agent contract; a submission may import from harness/ only ${CONTRACT_FILES.join(', ')} (never the simulator, references or runner)`);
    }
    if (!contract.has(abs) && !allowed.some((root) => abs.startsWith(root + sep))) {
      throw new SubmissionError('load', `threw at load: imports ${boundedText(abs)}, outside its folder (after resolving symlinks); a submission may import only its own files, node_modules/ and the agent contract (${CONTRACT_FILES.join(', ')})`);
    }
  }
  return r.stdout.subarray(nul + 1).toString('utf8');
}
