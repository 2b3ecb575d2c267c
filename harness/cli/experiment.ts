/** `orchbench experiment hl-speedup`: the Hybrid Learner vs DQN sample-efficiency experiment. */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { runHlSpeedup, toMarkdown } from '../experiment/hl-speedup.ts';
import { createProgress } from '../runner/progress.ts';
import { numberFlag } from './run.ts';

interface HlFlags {
  seeds: string;
  suite: string;
  rootSeed: string;
  workers: string;
  out: string;
  json?: boolean;
}

const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n >= 1;

/** Registers the `experiment` command group. */
export function register(program: Command): void {
  const cmd = program.command('experiment').description('experiments that test claims from the literature');
  cmd
    .command('hl-speedup')
    .description('real interactions to reach 90% of the random-to-oracle gap: dqn vs hybrid (and q-learning, bandit); writes OUT/hl-speedup.{json,md,svg}')
    .option('--seeds <n>', 'seeds per scenario', '10')
    .option('--suite <name>', 'default | testing', 'default')
    .option('--root-seed <n>', 'root seed every job seed derives from', '0')
    .option('--workers <n>', 'worker threads', String(availableParallelism()))
    .option('--out <dir>', 'output directory (its results.jsonl is resumed)', './results/hl-speedup')
    .option('--json', 'print the report as JSON instead of Markdown')
    .action(async (flags: HlFlags) => {
      if (flags.suite !== 'default' && flags.suite !== 'testing') {
        throw new InputError({ file: '--suite', expected: 'default | testing', found: JSON.stringify(flags.suite) });
      }
      const report = await runHlSpeedup({
        suite: flags.suite,
        seeds: numberFlag('--seeds', flags.seeds, 'integer >= 1', isPositiveInt),
        rootSeed: numberFlag('--root-seed', flags.rootSeed, 'integer', Number.isInteger),
        workers: numberFlag('--workers', flags.workers, 'integer >= 1 (threads)', isPositiveInt),
        outDir: resolve(flags.out),
        progress: createProgress(),
      });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : toMarkdown(report));
    });
}
