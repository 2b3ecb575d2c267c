/** `orchbench verify DIR`: re-run recorded jobs and check their hashes (see harness/report/verify.ts). */
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { readResultLines } from '../report/results.ts';
import { formatVerify, verifyResults } from '../report/verify.ts';
import { runJob } from '../runner/job.ts';
import type { JobResult, JobSpec } from '../runner/types.ts';
import { resolveScenarioFile } from '../scenario/load.ts';

/** Parses a non-negative integer option. */
function intOption(name: string, min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InputError({ file: name, expected: `integer >= ${min}`, found: JSON.stringify(v) });
    return n;
  };
}

/** `name=file` pairs into a map. */
function agentPaths(pairs: readonly string[]): Map<string, string> {
  return new Map(pairs.map((p) => {
    const i = p.indexOf('=');
    if (i <= 0) throw new InputError({ file: '--agent-path', expected: 'NAME=FILE (a submission and its agent module)', found: JSON.stringify(p) });
    return [p.slice(0, i), p.slice(i + 1)] as const;
  }));
}

/**
 * The spec that reproduces a result. Result lines do not record file paths, so the scenario is
 * found by id among the shipped suites and a submission's module must be named with --agent-path.
 */
function specResolver(paths: ReadonlyMap<string, string>): (r: JobResult) => JobSpec {
  return (r) => {
    const agentPath = paths.get(r.agent);
    if (r.agentKind === 'submission' && !agentPath) {
      throw new InputError({ file: '--agent-path', expected: `the module of submission "${r.agent}" (--agent-path ${r.agent}=FILE)`, found: 'not given' });
    }
    return {
      agent: r.agent,
      agentKind: r.agentKind,
      ...(agentPath ? { agentPath } : {}),
      scenario: r.scenario,
      scenarioFile: resolveScenarioFile(r.scenario),
      variant: r.variant,
      seed: r.seed,
    };
  };
}

/** Registers `verify`. */
export function register(program: Command): void {
  program
    .command('verify')
    .description('check DIR/results.jsonl: every line against its own resultHash, then re-run jobs (all, or a seeded sample) and compare hashes; exit 1 on any mismatch')
    .argument('<dir>', 'run directory holding results.jsonl')
    .option('--sample <k>', 're-run a seeded sample of K jobs instead of all', intOption('--sample', 0))
    .option('--seed <s>', 'seed of the sample', intOption('--seed', 0), 0)
    .option('--no-rerun', 'only the cheap check (no job is re-run)')
    .option('--agent-path <name=file...>', 'module file of a submission agent (repeatable)', [])
    .option('--json', 'print the report as JSON')
    .action(async (dir: string, opts: { sample?: number; seed: number; rerun: boolean; agentPath: string[]; json?: boolean }) => {
      const lines = readResultLines(join(dir, 'results.jsonl'));
      const report = await verifyResults(lines, {
        ...(opts.sample !== undefined ? { sample: opts.sample } : {}),
        seed: opts.seed,
        noRerun: !opts.rerun,
        runJob,
        specOf: specResolver(agentPaths(opts.agentPath)),
      });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerify(report));
      if (!report.ok) process.exitCode = 1;
    });
}
