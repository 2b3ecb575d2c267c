/** `orchbench gate`: fail CI when a candidate leaderboard regresses beyond the intervals (see harness/report/gate.ts). */
import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { formatGate, gate } from '../report/gate.ts';
import { readLeaderboard } from '../report/leaderboard.ts';
import { DEFAULT_GATE_METRICS, METRICS, isMetricId, type MetricId } from '../report/metrics.ts';

/** Parses `--metrics a,b`. */
function parseMetrics(text: string): MetricId[] {
  const ids = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = ids.filter((s) => !isMetricId(s));
  if (bad.length || ids.length === 0) {
    throw new InputError({ file: '--metrics', expected: `comma-separated metric ids from: ${METRICS.map((m) => m.id).join(', ')}`, found: JSON.stringify(text) });
  }
  return ids as MetricId[];
}

/** Registers `gate`. */
export function register(program: Command): void {
  program
    .command('gate')
    .description('compare two leaderboards; exit 1 when the candidate is worse than the baseline beyond the confidence intervals on any gated metric')
    .requiredOption('--baseline <file>', 'baseline leaderboard.json')
    .requiredOption('--candidate <file>', 'candidate leaderboard.json')
    .option('--metrics <ids>', 'comma-separated metrics to gate', parseMetrics, [...DEFAULT_GATE_METRICS])
    .option('--json', 'print the result as JSON')
    .action((opts: { baseline: string; candidate: string; metrics: MetricId[]; json?: boolean }) => {
      const result = gate(readLeaderboard(opts.baseline), readLeaderboard(opts.candidate), opts.metrics);
      process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatGate(result));
      if (!result.pass) process.exitCode = 1;
    });
}
