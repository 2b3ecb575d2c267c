/** `orchbench bench env`: the simulator's throughput (decisions/s) and memory figures. */
import type { Command } from 'commander';
import { benchEnv, formatEnvBench } from '../../bench/env.bench.ts';
import { parseNumber } from '../bounds.ts';

/** Registers the `bench` command group. */
export function register(program: Command): void {
  const cmd = program.command('bench').description('measure the harness itself');
  cmd
    .command('env')
    .description('decisions/s of the environment with a constant-action agent beside a lookups+heap reference loop, and RSS after a long run')
    .option('--json', 'machine-readable output')
    .option('--time <ms>', 'time budget per benchmark task (ms)', '1500')
    .option('--decisions <n>', 'decisions of the memory run', '2000000')
    .action(async (opts: { json?: boolean; time: string; decisions: string }) => {
      const report = await benchEnv({
        timeMs: parseNumber('--time', opts.time, { unit: 'ms', min: 1, max: 3_600_000 }),
        memoryDecisions: parseNumber('--decisions', opts.decisions, { unit: 'decisions', integer: true, min: 1, max: 1e9 }),
      });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatEnvBench(report)}\n`);
    });
}
