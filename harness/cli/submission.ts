/**
 * `orchbench submission init DIR` and `orchbench submission check DIR`: scaffold a submission and
 * check it against the agent API (see `harness/submission/`).
 */
import type { Command } from 'commander';
import { RULES } from '../bounds.ts';
import { InputError } from '../errors.ts';
import { requireBubblewrap } from '../submission/isolation.ts';
import { checkSubmission, formatCheckReport } from '../submission/check.ts';
import { initSubmission, TEMPLATES } from '../submission/init.ts';
import { numberOption } from './options.ts';

/** Registers the `submission` command group. */
export function register(program: Command): void {
  const group = program.command('submission').description('scaffold and check algorithm submissions');
  group
    .command('init')
    .argument('<dir>', 'folder to create')
    .option('--name <name>', 'agent name (default: the folder name)')
    .option('--language <language>', `the template's language: ${Object.keys(TEMPLATES).join(', ')}`, 'ts')
    .description('create a working submission from the template of a language (passes `submission check` as is, wherever the folder is)')
    .action((dir: string, flags: { name?: string; language: string }) => {
      const m = initSubmission(dir, flags.name, flags.language);
      process.stdout.write(`created submission "${m.name}" (${m.language}) in ${dir}: edit ${m.entry ?? m.command!.at(-1)} (the algorithm) and submission.json, then run \`orchbench submission check ${dir}\`\n`);
    });
  group
    .command('check')
    .argument('<dir>', 'submission folder')
    .option('--json', 'print the report as JSON')
    .option('--sandbox', 'run the agent isolated, exactly as `orchbench run` does (the default)')
    .option('--trusted', 'run the agent without isolation (in this process, or an external program as a plain process)')
    .option('--scenario <id>', 'scenario id or file to run (testing variant)')
    .option('--seed <n>', 'seed', numberOption('--seed', RULES.seed), 1)
    .option('--decision-limit-ms <ms>', 'per-decision time limit for out-of-process agents (ms)', numberOption('--decision-limit-ms', RULES.decisionMs))
    .option('--heap-mb <mb>', 'heap limit of the sandboxed process (MB)', numberOption('--heap-mb', RULES.jobMemoryMb))
    .description('validate the manifest, run the agent on a testing scenario and check it respects the API; exit 1 on failure')
    .action(async (dir: string, flags: { json?: boolean; sandbox?: boolean; trusted?: boolean; scenario?: string; seed: number; decisionLimitMs?: number; heapMb?: number }) => {
      if (flags.sandbox && flags.trusted) throw new InputError({ file: '--trusted', expected: 'either --sandbox or --trusted', found: 'both' });
      if (!flags.trusted) requireBubblewrap();
      const report = await checkSubmission(dir, {
        sandbox: !flags.trusted,
        seed: flags.seed,
        ...(flags.scenario ? { scenario: flags.scenario } : {}),
        limits: { ...(flags.decisionLimitMs ? { decisionMs: flags.decisionLimitMs } : {}), ...(flags.heapMb ? { heapMb: flags.heapMb } : {}) },
      });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCheckReport(report)}\n`);
      process.exitCode = report.ok ? 0 : 1;
    });
}
