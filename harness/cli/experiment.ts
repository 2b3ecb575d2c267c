/** `orchbench experiment hl-speedup`: the Hybrid Learner vs DQN sample-efficiency experiment. */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { HL_AGENTS, runHlSpeedup, toMarkdown, type HlAgent } from '../experiment/hl-speedup.ts';
import { createProgress } from '../runner/progress.ts';
import { numberFlag } from './run.ts';
import { type ScenarioFlags, scenarioSelection, withScenarioOptions } from './select.ts';

interface HlFlags extends ScenarioFlags {
  seeds: string;
  agents?: string;
  rootSeed: string;
  workers: string;
  out: string;
  json?: boolean;
}

const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n >= 1;
const list = (s: string | undefined): string[] | undefined => s?.split(',').map((x) => x.trim()).filter(Boolean);

/** The `--agents` list: agents of the experiment, including dqn and hybrid (the ratio needs both). */
function agentsFlag(text: string | undefined): HlAgent[] | undefined {
  const names = list(text);
  if (!names) return undefined;
  const known = new Set<string>(HL_AGENTS);
  const ok = names.every((n) => known.has(n)) && names.includes('dqn') && names.includes('hybrid');
  if (!ok) throw new InputError({ file: '--agents', expected: `comma-separated agents of ${HL_AGENTS.join(', ')}, including dqn and hybrid`, found: JSON.stringify(text) });
  return names as HlAgent[];
}

/** Registers the `experiment` command group. */
export function register(program: Command): void {
  const cmd = program.command('experiment').description('experiments that test claims from the literature');
  withScenarioOptions(cmd
    .command('hl-speedup')
    .description('real interactions to reach 90% of the random-to-oracle gap (learning curve, and greedy policy at checkpoints): dqn vs hybrid (and q-learning, bandit); writes OUT/hl-speedup.{json,md,svg} and OUT/hl-speedup-greedy.svg'))
    .option('--seeds <n>', 'seeds per scenario', '10')
    .option('--agents <names>', `only these agents (comma-separated; default: ${HL_AGENTS.join(',')}; dqn and hybrid required)`)
    .option('--root-seed <n>', 'root seed every job seed derives from', '0')
    .option('--workers <n>', 'worker threads', String(availableParallelism()))
    .option('--out <dir>', 'output directory (its results.jsonl is resumed)', './results/hl-speedup')
    .option('--json', 'print the report as JSON instead of Markdown')
    .action(async (flags: HlFlags) => {
      const agents = agentsFlag(flags.agents);
      const report = await runHlSpeedup({
        ...scenarioSelection(flags),
        ...(agents ? { agents } : {}),
        seeds: numberFlag('--seeds', flags.seeds, 'integer >= 1', isPositiveInt),
        rootSeed: numberFlag('--root-seed', flags.rootSeed, 'integer', Number.isInteger),
        workers: numberFlag('--workers', flags.workers, 'integer >= 1 (threads)', isPositiveInt),
        outDir: resolve(flags.out),
        progress: createProgress(),
      });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : toMarkdown(report));
    });
}
