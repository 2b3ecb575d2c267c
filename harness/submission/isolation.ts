/**
 * OS-level isolation of a submission's process with bubblewrap (`bwrap`): every sandboxed process
 * (the bundler, a Node child, an external program in any language) runs in new user, PID, IPC,
 * UTS, network, mount and cgroup namespaces, as uid/gid 65534 with no capabilities, and sees a
 * read-only view of only what it needs (system libraries under /usr, its runtime, its own folder),
 * a private size-limited tmpfs at /tmp that is thrown away, and nothing else: not the results
 * folder, the cache, the trace mirror, the home directory or the checkout. There is no network
 * (only a private loopback). `--die-with-parent` and the PID namespace end every process of the
 * sandbox when its owner (the relay thread) ends, however the harness ends. Resource limits
 * (address space, CPU time, processes, file size, open files, no core dumps) are set with
 * `prlimit` inside the sandbox, before the submission's program is executed.
 *
 * Where bubblewrap is missing, {@link requireBubblewrap} refuses with how to install it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InputError } from '../errors.ts';
import type { ProcessLimits } from './process-agent.ts';

/** How to install bubblewrap, or opt out. */
export const INSTALL_HINT =
  'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap; Arch: pacman -S bubblewrap), or pass --trusted to run submissions without isolation (only for code you trust)';

/** The uid and gid a sandboxed process runs as (inside its user namespace): "nobody". */
export const SANDBOX_UID = 65534;

/** The namespaces every sandbox gets (`--unshare-all`). */
export const NAMESPACES = ['user', 'pid', 'ipc', 'uts', 'net', 'mount', 'cgroup'] as const;

/** The tools found on this machine. */
export interface Bubblewrap {
  /** Absolute path of `bwrap`. */
  path: string;
  /** e.g. "0.8.0". */
  version: string;
  /** Absolute path of `prlimit` (util-linux), which sets the limits inside the sandbox. */
  prlimit: string;
}

/** Resource limits set inside the sandbox before the program runs. */
export interface IsolationLimits {
  /** Virtual address space per process (MB): runtimes reserve more than they use, so this is well above the memory limit. */
  addressSpaceMb: number;
  /** CPU time per process (s). */
  cpuS: number;
  /** Processes running at once (counted by the relay, which stops the sandbox beyond). */
  processes: number;
  /** Processes and threads together (`RLIMIT_NPROC`: the kernel enforces it unless the harness runs as root). */
  tasks: number;
  /** Largest file the process may write (MB); only /tmp is writable. */
  fileSizeMb: number;
  /** Open file descriptors per process. */
  openFiles: number;
  /** Size of the private /tmp (MB). */
  tmpMb: number;
}

/** What a result line records about the isolation its submission ran in. */
export interface IsolationRecord {
  tool: 'bubblewrap';
  version: string;
  namespaces: string[];
  uid: number;
  limits: IsolationLimits & { heapMb: number; residentMb: number; decisionMs: number };
}

/** A path visible read-only inside the sandbox (`dest` defaults to `src`). */
export interface Mount {
  src: string;
  dest?: string;
}

/** A file given to the sandbox by content (read-only inside): the relay writes it to fd 3, 4, ... */
export interface DataFile {
  path: string;
  text: string | Uint8Array;
}

/** What runs in a sandbox and what it may see. */
export interface SandboxSpec {
  /** argv inside the sandbox (absolute program path). */
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Read-only mounts besides the system libraries. */
  mounts: Mount[];
  files?: DataFile[];
  /** Symbolic links to create (`path` -> `target`, never followed on the host). */
  links?: { path: string; target: string }[];
  limits: IsolationLimits;
  /** Mount a minimal /dev (null, zero, random, urandom, tty): runtimes need it, the bundler does not. */
  dev?: boolean;
}

let found: Bubblewrap | null | undefined;

/** Absolute path of `name` on PATH, or null. */
function which(name: string): string | null {
  if (name.includes('/')) return existsSync(name) ? name : null;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

/**
 * bubblewrap and prlimit on this machine, checked once per process by running a trivial sandbox;
 * null when either is missing or the sandbox cannot start (e.g. user namespaces disabled).
 * `ORCHBENCH_BWRAP` names another `bwrap` binary (tests use a missing one).
 */
export function findBubblewrap(): Bubblewrap | null {
  if (found !== undefined) return found;
  found = null;
  const path = which(process.env.ORCHBENCH_BWRAP ?? 'bwrap');
  const prlimit = which('prlimit');
  if (!path || !prlimit) return found;
  const v = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const version = /(\d+\.\d+(?:\.\d+)?)/.exec(v.stdout ?? '')?.[1];
  if (v.status !== 0 || !version) return found;
  const probe = spawnSync(path, ['--unshare-all', '--die-with-parent', ...systemMounts(), realpathSync(prlimit), '--nofile=64', 'true'], { timeout: 10_000, env: {} });
  if (probe.status === 0) found = { path, version, prlimit: realpathSync(prlimit) };
  return found;
}

/**
 * bubblewrap, or an InputError saying how to install it (`flag` is the option that asked for it).
 * @throws InputError when bubblewrap or prlimit is missing or cannot start a sandbox here.
 */
export function requireBubblewrap(flag = '--sandbox'): Bubblewrap {
  const bw = findBubblewrap();
  if (bw) return bw;
  const path = which(process.env.ORCHBENCH_BWRAP ?? 'bwrap');
  throw new InputError({
    file: flag,
    expected: `bubblewrap (bwrap) and prlimit, to isolate submissions: ${INSTALL_HINT}`,
    found: !path ? 'no bwrap on PATH' : !which('prlimit') ? 'no prlimit on PATH (util-linux)' : `${path} cannot start a sandbox here (are unprivileged user namespaces disabled?)`,
  });
}

/** The system directories, read-only: /usr, and the top-level links or folders into it (/bin, /lib, ...). */
function systemMounts(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const top of ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32']) {
    let st;
    try {
      st = lstatSync(top);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(top), top);
    else if (st.isDirectory()) args.push('--ro-bind', top, top);
  }
  return args;
}

/** Whether this bubblewrap can forbid user namespaces inside the sandbox (`--disable-userns`, 0.8.0). */
export function disablesUserns(bw: Pick<Bubblewrap, 'version'>): boolean {
  const [major = 0, minor = 0] = bw.version.split('.').map(Number);
  return major > 0 || minor >= 8;
}

/** The `bwrap` argv (after the program name) that runs `spec`; data files are read from fd 3, 4, ... */
export function bwrapArgs(bw: Bubblewrap, spec: SandboxSpec): string[] {
  const l = spec.limits;
  const mb = (n: number): string => String(Math.max(1, Math.round(n)) * 1024 * 1024);
  const files = spec.files ?? [];
  const links = spec.links ?? [];
  const dirs = [...new Set([...files, ...links].map((f) => f.path.slice(0, f.path.lastIndexOf('/')) || '/'))];
  return [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--uid', String(SANDBOX_UID),
    '--gid', String(SANDBOX_UID),
    '--cap-drop', 'ALL',
    '--hostname', 'sandbox',
    // No nested user namespaces (kernel attack surface): bubblewrap 0.8 and later.
    ...(disablesUserns(bw) ? ['--unshare-user', '--disable-userns', '--assert-userns-disabled'] : []),
    ...systemMounts(),
    '--proc', '/proc',
    // /dev read-only, with a private /dev/shm as small as /tmp: neither is outside the limits.
    ...(spec.dev ? ['--dev', '/dev', '--size', mb(l.tmpMb), '--tmpfs', '/dev/shm', '--remount-ro', '/dev'] : []),
    '--size', mb(l.tmpMb), '--tmpfs', '/tmp',
    ...spec.mounts.flatMap((m) => ['--ro-bind', m.src, m.dest ?? m.src]),
    ...dirs.flatMap((d) => ['--dir', d]),
    ...files.flatMap((f, i) => ['--ro-bind-data', String(3 + i), f.path]),
    ...links.flatMap((k) => ['--symlink', k.target, k.path]),
    // The root (and the folders made on it) read-only: only /tmp and /dev/shm, both size-limited, are writable.
    '--remount-ro', '/',
    '--chdir', spec.cwd,
    '--',
    bw.prlimit,
    `--as=${mb(l.addressSpaceMb)}`,
    `--cpu=${Math.max(1, Math.ceil(l.cpuS))}`,
    `--nproc=${l.tasks}`,
    `--fsize=${mb(l.fileSizeMb)}`,
    `--nofile=${l.openFiles}`,
    '--core=0',
    '--',
    ...spec.argv,
  ];
}

/** The sandbox's limits for a process with these {@link ProcessLimits}. */
export function isolationLimits(limits: ProcessLimits): IsolationLimits {
  return {
    // Runtimes reserve far more address space than they use; resident memory is watched separately.
    addressSpaceMb: 2 * Math.max(limits.heapMb, limits.rssMb) + 2048,
    cpuS: Math.ceil(limits.jobMs / 1000),
    processes: 64,
    tasks: 512,
    fileSizeMb: 16,
    openFiles: 256,
    tmpMb: 64,
  };
}

/** What a result line records about the isolation of a submission run with these limits. */
export function isolationOf(bw: Pick<Bubblewrap, 'version'>, limits: ProcessLimits): IsolationRecord {
  return isolationRecord(bw, { ...isolationLimits(limits), heapMb: limits.heapMb, residentMb: limits.rssMb, decisionMs: limits.decisionMs });
}

/** The record of an isolation, for result lines and the leaderboard. */
export function isolationRecord(bw: Pick<Bubblewrap, 'version'>, limits: IsolationRecord['limits']): IsolationRecord {
  return { tool: 'bubblewrap', version: bw.version, namespaces: [...NAMESPACES], uid: SANDBOX_UID, limits };
}

/** One line: "bubblewrap 0.8.0 (namespaces user,pid,...; uid 65534; limits ...)". */
export function describeIsolation(r: IsolationRecord): string {
  const l = r.limits;
  return `${r.tool} ${r.version} (namespaces ${r.namespaces.join(',')}; uid ${r.uid}; no network; read-only folder; /tmp ${l.tmpMb} MB; address space ${l.addressSpaceMb} MB, CPU ${l.cpuS} s, ${l.processes} processes (${l.tasks} with threads), files ${l.fileSizeMb} MB, ${l.openFiles} open files per process; heap ${l.heapMb} MB, resident ${l.residentMb} MB, ${l.decisionMs} ms per decision)`;
}
