/**
 * `npm run bench`: runs the benchmarks and prints their figures (`--json` for JSON), with the
 * machine's load average before and after (figures from a busy machine are not comparable).
 *
 * The five figures: the main command's wall time (estimated), the testing suite's wall
 * time and the 2-worker ratio (`runner.bench.ts`), the sandbox overhead per decision
 * (`sandbox.bench.ts`), and the DQN's network cost per implementation (`dqn.bench.ts`); the
 * simulator's throughput (`env.bench.ts`) comes first. `--only env,fork,references,dqn,sandbox,runner` runs a
 * subset. Several minutes in all (the runner part runs the testing suite and one full-budget job
 * per agent).
 *
 * The tsx loader costs ~5-10% in the hot loop. For compiled-JavaScript figures:
 *   npx tsc -p . --noEmit false --outDir /tmp/orchbench-js --rewriteRelativeImportExtensions
 *   cp package.json /tmp/orchbench-js/ && ln -s "$PWD/node_modules" "$PWD/scenarios" /tmp/orchbench-js/
 *   node /tmp/orchbench-js/bench/run.js
 */
import { loadavg } from 'node:os';
import { benchDqn, formatDqnBench } from './dqn.bench.ts';
import { benchEnv, formatEnvBench } from './env.bench.ts';
import { benchFork, formatForkBench } from './fork.bench.ts';
import { benchReferences, formatReferencesBench } from './references.bench.ts';
import { benchRunner, formatRunnerBench } from './runner.bench.ts';
import { benchSandbox, formatSandboxBench } from './sandbox.bench.ts';

const PARTS = ['env', 'fork', 'references', 'dqn', 'sandbox', 'runner'] as const;
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? (process.argv[onlyArg + 1] ?? '').split(',') : [...PARTS];
const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length) {
  process.stderr.write(`--only: expected a comma-separated subset of ${PARTS.join(', ')}; found ${unknown.join(', ')}\n`);
  process.exit(2);
}
const json = process.argv.includes('--json');
const report: Record<string, unknown> = { loadAverageBefore: loadavg() };
const print = (text: string): void => {
  if (!json) process.stdout.write(`${text}\n`);
};
print(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
if (only.includes('env')) {
  const r = await benchEnv();
  report.env = r;
  print(formatEnvBench(r));
}
if (only.includes('fork')) {
  const r = await benchFork();
  report.fork = r;
  print(formatForkBench(r));
}
if (only.includes('references')) {
  const r = await benchReferences();
  report.references = r;
  print(formatReferencesBench(r));
}
if (only.includes('dqn')) {
  const r = await benchDqn();
  report.dqn = r;
  print(formatDqnBench(r));
}
if (only.includes('sandbox')) {
  const r = await benchSandbox();
  report.sandbox = r;
  print(`sandbox (goal: overhead <= 50 us per decision in the sandbox, <= 100 us for another language)\n${formatSandboxBench(r)}`);
}
if (only.includes('runner')) {
  const r = await benchRunner();
  report.runner = r;
  print(formatRunnerBench(r));
}
report.loadAverageAfter = loadavg();
print(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
// The sandbox benchmark's child processes and the tfjs backends keep handles open.
process.exit(0);
