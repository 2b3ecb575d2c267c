/**
 * Turning a submission folder into an {@link AgentFactory}, in one of three ways:
 * - trusted (default for local work): the entry module is imported into this thread;
 * - sandboxed: the entry is bundled and run in a Node child under the permission model, with heap,
 *   memory and time limits (`sandboxCommand`);
 * - external (`language: "external"`): the manifest's command, speaking the JSON-lines protocol.
 * Every agent is wrapped by {@link guardAgent}, so a broken rule surfaces as a SubmissionError
 * with a clear reason.
 */
import { pathToFileURL } from 'node:url';
import { register, type NamespacedUnregister } from 'tsx/esm/api';
import type { Agent, AgentContext, AgentFactory } from '../agent.ts';
import { bundleSubmission, type SandboxBundle } from './bundle.ts';
import { SubmissionError, invalidActionMessage, isValidAction } from './errors.ts';
import type { Submission } from './manifest.ts';
import { DEFAULT_LIMITS, ProcessAgent, type ProcessCommand, type ProcessLimits } from './process-agent.ts';

export interface SubmissionLoadOptions {
  /** Run a JavaScript/TypeScript submission in the sandbox (external ones always run out of process). */
  sandbox?: boolean;
  limits?: Partial<ProcessLimits>;
  /** Overrides merged over the manifest's hyperparameters and the context's config. */
  config?: Record<string, unknown>;
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

/** Node flags of the sandboxed child: what it may read, and nothing it may write or start. */
export function sandboxCommand(sub: Submission, bundle: SandboxBundle, limits: ProcessLimits): ProcessCommand {
  return {
    command: process.execPath,
    args: [
      '--experimental-permission',
      `--allow-fs-read=${bundle.dir}`,
      `--allow-fs-read=${sub.dir}`,
      `--max-old-space-size=${limits.heapMb}`,
      '--no-experimental-fetch',
      '--disable-warning=ExperimentalWarning',
      bundle.bootstrapFile,
    ],
    cwd: sub.dir,
    env: {},
  };
}

/** The external program's command: argv from the manifest, run in the submission folder. */
export function externalCommand(sub: Submission): ProcessCommand {
  const [command, ...args] = sub.manifest.command!;
  // Only what a program needs to start; the harness's own variables (tokens, paths) stay here.
  return { command: command!, args, cwd: sub.dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONUNBUFFERED: '1', LANG: 'C.UTF-8' } };
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
    if (sub.manifest.language === 'external') {
      agent = ProcessAgent.start(externalCommand(sub), c, limits);
    } else if (opts.sandbox) {
      const bundle = await bundleSubmission(sub.entryFile!);
      try {
        agent = ProcessAgent.start(sandboxCommand(sub, bundle, limits), c, limits, bundle.dispose);
      } catch (e) {
        bundle.dispose();
        throw e;
      }
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
