/** `orchbench scenario check|list`: validate scenario files and summarise suites. */
import type { Command } from 'commander';
import { InputError, formatIssue, type InputIssue } from '../errors.ts';
import { checkScenario, exampleFiles, loadScenario, suiteFiles } from '../scenario/load.ts';
import { useCatalogs } from '../traces/catalog.ts';
import { type ScenarioFlags, selectedScenarios, withCatalogOption, withScenarioOptions } from './select.ts';

/** Registers the `scenario` command group. */
export function register(program: Command): void {
  const cmd = program.command('scenario').description('validate and summarise scenarios');

  withCatalogOption(cmd
    .command('check')
    .description('validate scenario files (schema and references, trace and profile files and their sha256); exit 1 if any is invalid')
    .argument('[files...]', 'scenario JSON files (default: every shipped scenario, examples included)'))
    .option('--json', 'print the errors as JSON')
    .action((files: string[], opts: { json?: boolean; catalog: string[] }) => {
      useCatalogs(opts.catalog);
      const list = files.length ? files : [...(['default', 'recorded', 'tuning', 'legacy'] as const).flatMap((s) => suiteFiles(s)), ...exampleFiles()];
      const results = list.map((file) => ({ file, issues: checkScenario(file) }));
      const bad = results.filter((r) => r.issues.length);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ valid: bad.length === 0, files: results }, null, 2)}\n`);
      } else {
        for (const r of results) {
          process.stdout.write(r.issues.length ? `INVALID ${r.file}\n${r.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}\n` : `ok      ${r.file}\n`);
        }
        process.stdout.write(`${results.length - bad.length} valid, ${bad.length} invalid\n`);
      }
      if (bad.length) process.exitCode = 1;
    });

  withScenarioOptions(cmd
    .command('list')
    .description('load and summarise the scenarios of a suite, or the scenarios named (ids of any suite, or files)'))
    .option('--json', 'machine-readable output')
    .action(async (opts: ScenarioFlags & { json?: boolean }) => {
      const selected = selectedScenarios(opts);
      const rows = [];
      const failures: InputIssue[] = [];
      for (const { file, variant } of selected.scenarios) {
        try {
          const s = await loadScenario(file, { variant });
          rows.push({
            id: s.id,
            variant: s.variant,
            users: s.spec.users.count,
            access: s.access.map((a) => a.id).join('+'),
            accuracy: s.spec.users.accuracyRequirement.distribution,
            actions: s.actions.length,
            learningDecisions: s.spec.budgets.learningDecisions,
            evaluationDecisions: s.spec.budgets.evaluationDecisions,
            hash: s.hash.slice(0, 12),
          });
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          failures.push(...e.issues);
        }
      }
      if (opts.json) process.stdout.write(`${JSON.stringify({ suite: selected.suite, scenarios: rows, errors: failures }, null, 2)}\n`);
      else {
        console.table(rows);
        for (const i of failures) process.stderr.write(`${formatIssue(i)}\n`);
      }
      if (failures.length) process.exitCode = 1;
    });
}
