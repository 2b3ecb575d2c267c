/**
 * Turning a submission folder into an {@link AgentFactory}:
 * - sandboxed (`sandbox: true`, what `run`, `verify` and `submission check` do unless told
 *   `--trusted`): a JavaScript/TypeScript entry is bundled inside a bubblewrap sandbox and run in
 *   a Node child in another (`isolation.ts`), under Node's permission model too; an external
 *   program (`language: "external"`) runs in a bubblewrap sandbox with its runtime; both with
 *   heap, memory, process and time limits;
 * - trusted: the entry module is imported into this thread, an external program runs as a plain
 *   child process, speaking the JSON-lines protocol.
 * Every agent is wrapped by {@link guardAgent}, so a broken rule surfaces as a SubmissionError
 * with a clear reason.
 */
import { pathToFileURL } from 'node:url';
import { register, type NamespacedUnregister } from 'tsx/esm/api';
import type { Agent, AgentContext, AgentFactory } from '../agent.ts';
import { lstatSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { folderFiles } from './files.ts';
import { bootstrapCode, bundleInSandbox } from './bundle.ts';
import { SubmissionError, invalidActionMessage, isValidAction } from './errors.ts';
import type { Submission } from './manifest.ts';
import { bwrapArgs, isolationLimits, requireBubblewrap, type Bubblewrap, type DataFile, type SandboxSpec } from './isolation.ts';
import { DEFAULT_LIMITS, ProcessAgent, type ProcessCommand, type ProcessLimits } from './process-agent.ts';
import { externalRuntime, nodeRuntime } from './runtime.ts';

export interface SubmissionLoadOptions {
  /** Isolate the submission (bubblewrap; required when true); false runs it trusted. */
  sandbox?: boolean;
  limits?: Partial<ProcessLimits>;
  /** Overrides merged over the manifest's hyperparameters and the context's config. */
  config?: Record<string, unknown>;
  /** The wall clock (ms) a sandboxed Node agent sees while it loads (the checker's determinism runs; see `protocol.ts`). */
  loadClockMs?: number;
}

/** "threw in act: TypeError: ..." */
function thrownMessage(e: unknown, during: string): string {
  return `${during === 'load' ? 'threw at load' : `threw in ${during}`}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

function rethrow(e: unknown, during: string): never {
  if (e instanceof SubmissionError) throw e;
  throw new SubmissionError(during === 'load' ? 'load' : 'threw', thrownMessage(e, during));
}

/**
 * Wraps an agent so that an action outside the mask and anything it throws become
 * SubmissionErrors naming the rule ("invalid action 99 (mask 1,1,0)", "threw in learn: ...").
 */
export function guardAgent(inner: Agent): Agent {
  const guarded: Agent = {
    name: inner.name,
    act(obs) {
      let a: number;
      try {
        a = inner.act(obs);
      } catch (e) {
        rethrow(e, 'act');
      }
      if (!isValidAction(a, obs.actionMask)) throw new SubmissionError('invalid-action', invalidActionMessage(a, obs.actionMask));
      return a;
    },
  };
  const wrap = <K extends 'learn' | 'setMode' | 'stats' | 'dispose'>(k: K): void => {
    const f = inner[k];
    if (!f) return;
    guarded[k] = ((arg: never) => {
      try {
        return (f as (x: never) => unknown).call(inner, arg);
      } catch (e) {
        rethrow(e, k);
      }
    }) as Agent[K];
  };
  (['learn', 'setMode', 'stats', 'dispose'] as const).forEach(wrap);
  return guarded;
}

/** Where the bundle and the bootstrap are inside the sandbox. */
const SANDBOX_DIR = '/sandbox';
/** Where the submission's folder is inside the sandbox (read-only): its host path is not revealed. */
export const SUBMISSION_DIR = '/submission';

/** Most files a submission folder is handed over by content (one descriptor each); a larger folder is bind-mounted. */
export const FOLDER_BY_CONTENT_FILES = 256;

/**
 * The submission's folder inside the sandbox at {@link SUBMISSION_DIR}, read-only: its files by
 * content and its symlinks as links (neither reveals the host path, not even in
 * /proc/self/mountinfo, which names a bind mount's source); a folder of more than
 * {@link FOLDER_BY_CONTENT_FILES} files is bind-mounted instead.
 */
export function folderView(sub: Submission): Pick<SandboxSpec, 'mounts' | 'files' | 'links'> {
  const dir = realpathSync(sub.dir);
  const all = folderFiles(dir);
  if (all.length > FOLDER_BY_CONTENT_FILES) return { mounts: [{ src: dir, dest: SUBMISSION_DIR }] };
  const inside = (f: string): string => `${SUBMISSION_DIR}/${relative(dir, f)}`;
  const files: DataFile[] = [];
  const links: { path: string; target: string }[] = [];
  for (const f of all) {
    if (lstatSync(f).isSymbolicLink()) links.push({ path: inside(f), target: readlinkSync(f) });
    else files.push({ path: inside(f), text: readFileSync(f) });
  }
  return { mounts: [], files, links };
}

/** `spec` run under bubblewrap, as a command for {@link ProcessAgent}. */
function isolated(bw: Bubblewrap, spec: Omit<SandboxSpec, 'limits'>, limits: ProcessLimits): ProcessCommand {
  const l = isolationLimits(limits);
  return { command: bw.path, args: bwrapArgs(bw, { ...spec, limits: l }), cwd: '/', env: {}, files: spec.files ?? [], processLimit: l.processes };
}

/**
 * The sandboxed Node child: the bundle and the bootstrap given by content, the submission folder
 * read-only, Node's permission model inside as a second layer (reads only of the folder and the
 * bundle; no writes, processes, workers, addons), and the V8 heap limit.
 */
export function sandboxCommand(bw: Bubblewrap, sub: Submission, code: { bootstrap: string; agent: string }, limits: ProcessLimits): ProcessCommand {
  const node = nodeRuntime();
  const view = folderView(sub);
  return isolated(bw, {
    argv: [
      node.argv[0]!,
      '--experimental-permission',
      `--allow-fs-read=${SANDBOX_DIR}`,
      `--allow-fs-read=${SUBMISSION_DIR}`,
      `--max-old-space-size=${limits.heapMb}`,
      '--no-experimental-fetch',
      '--disable-warning=ExperimentalWarning',
      `${SANDBOX_DIR}/bootstrap.mjs`,
    ],
    cwd: SUBMISSION_DIR,
    env: {},
    mounts: [...node.mounts, ...view.mounts],
    files: [{ path: `${SANDBOX_DIR}/bootstrap.mjs`, text: code.bootstrap }, { path: `${SANDBOX_DIR}/agent.mjs`, text: code.agent }, ...(view.files ?? [])],
    ...(view.links ? { links: view.links } : {}),
    dev: true,
  }, limits);
}

/** What an external program gets besides its argv: enough to start, none of the harness's variables (tokens, paths). */
const EXTERNAL_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', LANG: 'C.UTF-8', HOME: '/tmp' };

/** The external program isolated: its runtime and its folder read-only, run in the folder. */
export function isolatedExternalCommand(bw: Bubblewrap, sub: Submission, limits: ProcessLimits): ProcessCommand {
  const rt = externalRuntime(sub, SUBMISSION_DIR);
  const view = folderView(sub);
  return isolated(bw, { argv: rt.argv, cwd: SUBMISSION_DIR, env: EXTERNAL_ENV, ...view, mounts: [...rt.mounts, ...view.mounts], dev: true }, limits);
}

/** The external program's command without isolation (`--trusted`): its argv from the manifest, run in the folder. */
export function externalCommand(sub: Submission): ProcessCommand {
  const [command, ...args] = sub.manifest.command!;
  return { command: command === 'node' ? process.execPath : command!, args, cwd: sub.dir, env: { ...EXTERNAL_ENV, PATH: process.env.PATH ?? EXTERNAL_ENV.PATH } };
}

// tsx's namespaced import: a .ts entry outside a `"type": "module"` package (a folder made by
// `submission init` anywhere) fails to load through the loader hooks registered at run time. One
// namespace per thread, so modules are cached as with `import()`.
let scoped: NamespacedUnregister | undefined;

async function importTrusted(entryFile: string): Promise<AgentFactory> {
  let mod: { createAgent?: unknown };
  try {
    scoped ??= register({ namespace: 'orchbench-submission' });
    mod = (await scoped.import(pathToFileURL(entryFile).href, import.meta.url)) as { createAgent?: unknown };
  } catch (e) {
    rethrow(e, 'load');
  }
  if (typeof mod.createAgent !== 'function') throw new SubmissionError('load', `threw at load: the entry module must export createAgent (an AgentFactory); found ${typeof mod.createAgent}`);
  return mod.createAgent as AgentFactory;
}

/**
 * The factory of a submission. The agent's config is the manifest's hyperparameters, overridden
 * by `ctx.config`, overridden by `opts.config`. The agent is named after the manifest.
 * @throws SubmissionError (from the factory) when the submission cannot be loaded or created.
 */
export function submissionFactory(sub: Submission, opts: SubmissionLoadOptions = {}): AgentFactory {
  const limits: ProcessLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  return async (ctx: AgentContext) => {
    const c: AgentContext = { env: ctx.env, seed: ctx.seed, config: { ...sub.manifest.hyperparameters, ...ctx.config, ...opts.config } };
    let agent: Agent;
    if (opts.sandbox) {
      const bw = requireBubblewrap();
      const cmd = sub.manifest.language === 'external'
        ? isolatedExternalCommand(bw, sub, limits)
        : sandboxCommand(bw, sub, { bootstrap: await bootstrapCode(), agent: await bundleInSandbox(bw, sub) }, limits);
      agent = ProcessAgent.start(cmd, c, limits, opts.loadClockMs !== undefined ? { loadClockMs: opts.loadClockMs } : {});
    } else if (sub.manifest.language === 'external') {
      agent = ProcessAgent.start(externalCommand(sub), c, limits);
    } else {
      const factory = await importTrusted(sub.entryFile!);
      try {
        agent = await factory(c);
      } catch (e) {
        rethrow(e, 'load');
      }
    }
    return { ...guardAgent(agent), name: sub.manifest.name };
  };
}
