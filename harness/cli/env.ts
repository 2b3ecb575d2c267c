/**
 * `orchbench env log`: every value an agent was given in an episode (observations and
 * transitions) with its simulated delivery time, to see and check that feedback is causal.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { AgentContext } from '../agent.ts';
import { OrchestrationEnv } from '../env/env.ts';
import { recordAgentLog } from '../submission/agent-log.ts';
import { InputError } from '../errors.ts';
import { agentSeed, agentSpec } from '../score/job.ts';
import { resolveAgent } from '../runner/agents.ts';
import { loadScenario } from '../scenario/load.ts';

interface LogOptions {
  scenario: string;
  agent: string;
  seed: string;
  untilMs?: string;
  variant: string;
  phase: string;
  json?: boolean;
}

function numberOption(name: string, raw: string, min: number): number {
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min) throw new InputError({ file: name, expected: `a number >= ${min}`, found: JSON.stringify(raw) });
  return v;
}

/** Registers the `env` command group. */
export function register(program: Command): void {
  const cmd = program.command('env').description('look inside the environment');
  cmd
    .command('log')
    .description('every value the agent was given (observations, transitions) with its simulated delivery time, in delivery order')
    .requiredOption('--scenario <id|file>', 'scenario id or file')
    .requiredOption('--agent <name|path>', 'baseline name, or a submission folder or module file')
    .option('--seed <n>', 'episode seed', '1')
    .option('--until-ms <t>', 'keep entries delivered at or before this simulated time (ms, per phase)')
    .option('--variant <v>', 'full or testing', 'testing')
    .option('--phase <p>', 'learn, eval or both', 'both')
    .option('--json', 'one JSON array instead of JSON lines')
    .action(async (opts: LogOptions) => {
      const seed = numberOption('--seed', opts.seed, 0);
      if (!Number.isSafeInteger(seed)) throw new InputError({ file: '--seed', expected: 'a safe integer >= 0', found: opts.seed });
      if (opts.variant !== 'full' && opts.variant !== 'testing') throw new InputError({ file: '--variant', expected: 'full or testing', found: JSON.stringify(opts.variant) });
      if (!['learn', 'eval', 'both'].includes(opts.phase)) throw new InputError({ file: '--phase', expected: 'learn, eval or both', found: JSON.stringify(opts.phase) });
      const until = opts.untilMs === undefined ? undefined : numberOption('--until-ms', opts.untilMs, 0);
      const scenario = await loadScenario(opts.scenario, { variant: opts.variant });
      const isPath = existsSync(opts.agent);
      const resolved = await resolveAgent({ agent: opts.agent, agentKind: isPath ? 'submission' : 'baseline', ...(isPath ? { agentPath: opts.agent, sandbox: true } : {}) });
      const env = new OrchestrationEnv(scenario);
      const ctx: AgentContext & { simulator?: OrchestrationEnv } = {
        env: agentSpec(env.spec),
        seed: agentSeed(seed, scenario.id),
        ...(resolved.privileged ? { simulator: env } : {}),
      };
      const agent = await (await resolved.load())(ctx);
      let entries;
      try {
        entries = recordAgentLog(env, agent, seed, {
          ...(until !== undefined ? { untilMs: until } : {}),
          ...(opts.phase === 'learn' ? { evaluationDecisions: 0 } : {}),
        });
      } finally {
        agent.dispose?.();
      }
      if (opts.phase === 'eval') entries = entries.filter((e) => e.phase === 'eval');
      if (opts.json) process.stdout.write(`${JSON.stringify(entries)}\n`);
      else for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
    });
}
