/**
 * `npm run bench`: runs the benchmarks and prints their figures (`--json` for JSON), each part
 * with the machine's load average before and after it (figures from a busy machine are not
 * comparable; the JSON records them as `loadAverage` per part).
 *
 * The figures: the simulator's throughput (`env.bench.ts`), a fork's snapshot and restore (`fork.bench.ts`), the references' cost (`references.bench.ts`), the DQN's network cost per
 * implementation (`dqn.bench.ts`), the sandbox's time and harness CPU per decision
 * (`sandbox.bench.ts`), and the runner's (`runner.bench.ts`): the 2-worker ratio, the testing
 * suite's wall time with its checkpoint-evaluation time and reuse, and the main command's wall
 * time (estimated). `--only env,fork,references,dqn,sandbox,runner` runs a
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

// The dqn part runs last: after it (tfjs loaded in this process) the runner part measured the
// testing suite at 161.6 s and 307 s CPU instead of 45.8 s and 88 s run alone (2026-12-07).
const PARTS = ['env', 'fork', 'references', 'runner', 'sandbox', 'dqn'] as const;
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? (process.argv[onlyArg + 1] ?? '').split(',') : [...PARTS];
const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length) {
  process.stderr.write(`--only: expected a comma-separated subset of ${PARTS.join(', ')}; found ${unknown.join(', ')}\n`);
  process.exit(2);
}
const json = process.argv.includes('--json');
const report: Record<string, unknown> = {};
const print = (text: string): void => {
  if (!json) process.stdout.write(`${text}\n`);
};
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

/** Runs one part and prints its figures with the load average (1, 5, 15 min) before and after it, as they are recorded. */
async function part<T extends object>(name: (typeof PARTS)[number], run: () => Promise<T>, format: (r: T) => string): Promise<void> {
  if (!only.includes(name)) return;
  const before = loadavg();
  const r = await run();
  const after = loadavg();
  report[name] = Array.isArray(r) ? { figures: r, loadAverage: { before, after } } : { ...r, loadAverage: { before, after } };
  print(`${format(r)}\n  load average before ${before.map((x) => x.toFixed(2)).join(' ')}, after ${load()}`);
}

print(`load average at the start: ${load()} (1, 5, 15 min; figures at different loads are not comparable)`);
await part('env', benchEnv, formatEnvBench);
await part('fork', benchFork, formatForkBench);
await part('references', benchReferences, formatReferencesBench);
await part('runner', () => benchRunner(), formatRunnerBench);
await part('sandbox', () => benchSandbox(), (r) => `sandbox (goal: p50 <= 50 us per decision in the sandbox, <= 100 us for another language, on an idle machine)\n${formatSandboxBench(r)}`);
await part('dqn', benchDqn, formatDqnBench);
if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
// The sandbox benchmark's child processes and the tfjs backends keep handles open.
process.exit(0);
