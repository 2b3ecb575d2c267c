/**
 * Where a job's agent comes from: a baseline of the registry (`baselines/index.ts`) or a
 * submission module (a file exporting `createAgent`). Also which source files make up the agent,
 * for its code hash.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BASELINES, baselineFile, listBaselines } from '../../baselines/index.ts';
import type { AgentFactory } from '../agent.ts';
import { InputError } from '../errors.ts';
import type { JobSpec } from './types.ts';

export interface ResolvedAgent {
  name: string;
  kind: JobSpec['agentKind'];
  privileged: boolean;
  /** Source files hashed into the job hash: the entry file and the relative imports it makes within its folder. */
  files: string[];
  load(): Promise<AgentFactory>;
}

const IMPORT_RE = /(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+\.ts)['"]/g;

/**
 * The entry file plus, transitively, the `.ts` files it imports by relative path inside its own
 * folder (e.g. `baselines/common.ts`), sorted. Imports leaving the folder are harness code, covered
 * by the harness version.
 */
export function agentSourceFiles(entry: string): string[] {
  const root = dirname(entry) + sep;
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT_RE)) {
      const dep = resolve(dirname(file), m[1]!);
      if (dep.startsWith(root)) visit(dep);
    }
  };
  visit(entry);
  return [...seen].sort();
}

function submissionFactory(file: string): () => Promise<AgentFactory> {
  return async () => {
    const mod = (await import(pathToFileURL(file).href)) as { createAgent?: unknown };
    if (typeof mod.createAgent !== 'function') {
      throw new InputError({ file, expected: 'a module exporting `createAgent: AgentFactory`', found: `createAgent is ${typeof mod.createAgent}` });
    }
    return mod.createAgent as AgentFactory;
  };
}

/** Resolves a job's agent. @throws InputError for an unknown baseline or a missing submission file. */
export async function resolveAgent(spec: Pick<JobSpec, 'agent' | 'agentKind' | 'agentPath'>): Promise<ResolvedAgent> {
  if (spec.agentKind === 'submission') {
    const file = resolve(spec.agentPath ?? '');
    if (!spec.agentPath || !existsSync(file)) {
      throw new InputError({ file: spec.agentPath ?? `submission ${spec.agent}`, expected: 'an agent module file', found: 'no such file' });
    }
    return { name: spec.agent, kind: 'submission', privileged: false, files: agentSourceFiles(file), load: submissionFactory(file) };
  }
  const entry = Object.hasOwn(BASELINES, spec.agent) ? BASELINES[spec.agent] : undefined;
  if (!entry) {
    throw new InputError({ file: '--agents', expected: `one of ${listBaselines().join(', ')}`, found: JSON.stringify(spec.agent) });
  }
  return {
    name: spec.agent,
    kind: 'baseline',
    privileged: entry.privileged === true,
    files: agentSourceFiles(baselineFile(spec.agent)),
    load: () => entry.load(),
  };
}
