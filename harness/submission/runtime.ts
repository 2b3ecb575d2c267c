/**
 * The runtime a submission names and what of the host its sandbox must see to start it. A manifest
 * may name `node` (the Node running the harness), `python3` (the host's, found on PATH once) or a
 * program inside its own folder; `manifest.ts` refuses anything else that reaches outside it.
 */
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { SubmissionError } from './errors.ts';
import type { Mount } from './isolation.ts';
import type { Submission } from './manifest.ts';

/** Runtimes a manifest may name by name. */
export const RUNTIMES = ['node', 'python3'] as const;

/** A program to run inside the sandbox and the host paths it needs (besides /usr). */
export interface Runtime {
  argv: string[];
  mounts: Mount[];
}

/** A mount of `path` unless /usr (always mounted) already holds it. */
const unlessSystem = (path: string): Mount[] => (path.startsWith('/usr/') ? [] : [{ src: path }]);

/** The harness's own Node binary. */
export function nodeRuntime(): Runtime {
  const exe = realpathSync(process.execPath);
  return { argv: [exe], mounts: unlessSystem(exe) };
}

let python: Runtime | null | undefined;

/** The host's python3 (through shims such as pyenv's): its real executable and its installation folder. */
export function pythonRuntime(): Runtime {
  if (python === undefined) {
    python = null;
    const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable); print(sys.base_prefix)'], { encoding: 'utf8', timeout: 20_000 });
    const [exe, prefix] = (r.stdout ?? '').trim().split('\n');
    if (r.status === 0 && exe && prefix) {
      const real = realpathSync(exe);
      python = { argv: [real], mounts: [...unlessSystem(realpathSync(prefix)), ...(real.startsWith(realpathSync(prefix)) ? [] : unlessSystem(real))] };
    }
  }
  if (!python) throw new SubmissionError('load', 'threw at load: the manifest names python3, but no python3 runs on this machine');
  return python;
}

/** The external program's argv inside the sandbox (its runtime resolved) and the mounts it needs. */
export function externalRuntime(sub: Submission, dir: string): Runtime {
  const [first, ...args] = sub.manifest.command!;
  if (first === 'node') {
    const rt = nodeRuntime();
    return { argv: [...rt.argv, ...args], mounts: rt.mounts };
  }
  if (first === 'python3') {
    const rt = pythonRuntime();
    return { argv: [...rt.argv, ...args], mounts: rt.mounts };
  }
  // A program inside the folder (checked by the manifest reader).
  return { argv: [resolve(dir, first!), ...args], mounts: [] };
}
