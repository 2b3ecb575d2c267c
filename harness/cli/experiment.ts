/** `orchbench experiment hl-speedup`: the Hybrid Learner vs DQN sample-efficiency experiment. */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseNumber, RULES } from '../bounds.ts';
import { InputError } from '../errors.ts';
import { HL_AGENTS, runHlSpeedup, toMarkdown, type HlAgent } from '../experiment/hl-speedup.ts';
import { createProgress } from '../runner/progress.ts';
import { commaList } from './options.ts';

interface HlFlags {
  seeds: string;
  suite: string;
  scenarios?: string;
  agents?: string;
  rootSeed: string;
  workers: string;
  out: string;
  json?: boolean;
}

/** The `--agents` list: agents of the experiment, including dqn and hybrid (the ratio needs both). */
function agentsFlag(text: string | undefined): HlAgent[] | undefined {
  const names = commaList('--agents', text);
  if (!names) return undefined;
  const known = new Set<string>(HL_AGENTS);
  const ok = names.every((n) => known.has(n)) && names.includes('dqn') && names.includes('hybrid');
  if (!ok) throw new InputError({ file: '--agents', expected: `comma-separated agents of ${HL_AGENTS.join(', ')}, including dqn and hybrid`, found: JSON.stringify(text) });
  return names as HlAgent[];
}

/** Registers the `experiment` command group. */
export function register(program: Command): void {
  const cmd = program.command('experiment').description('experiments that test claims from the literature');
  cmd
    .command('hl-speedup')
    .description('real interactions to reach 90% of the random-to-oracle gap (learning curve, and greedy policy at checkpoints): dqn vs hybrid (and q-learning, bandit); writes OUT/hl-speedup.{json,md,svg} and OUT/hl-speedup-greedy.svg')
    .option('--seeds <n>', 'seeds per scenario', '10')
    .option('--suite <name>', 'default | testing', 'default')
    .option('--scenarios <ids>', 'only these scenario ids of the suite (comma-separated)')
    .option('--agents <names>', `only these agents (comma-separated; default: ${HL_AGENTS.join(',')}; dqn and hybrid required)`)
    .option('--root-seed <n>', 'root seed every job seed derives from', '0')
    .option('--workers <n>', 'worker threads', String(availableParallelism()))
    .option('--out <dir>', 'output directory (its results.jsonl is resumed)', './results/hl-speedup')
    .option('--json', 'print the report as JSON instead of Markdown')
    .action(async (flags: HlFlags) => {
      if (flags.suite !== 'default' && flags.suite !== 'testing') {
        throw new InputError({ file: '--suite', expected: 'default | testing', found: JSON.stringify(flags.suite) });
      }
      const scenarios = commaList('--scenarios', flags.scenarios);
      const agents = agentsFlag(flags.agents);
      const report = await runHlSpeedup({
        suite: flags.suite,
        ...(scenarios ? { scenarios } : {}),
        ...(agents ? { agents } : {}),
        seeds: parseNumber('--seeds', flags.seeds, RULES.seeds),
        rootSeed: parseNumber('--root-seed', flags.rootSeed, RULES.seed),
        workers: parseNumber('--workers', flags.workers, RULES.workers),
        outDir: resolve(flags.out),
        progress: createProgress(),
      });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : toMarkdown(report));
    });
}
