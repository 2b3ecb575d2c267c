/** `orchbench scenario check|list|calibrate`: validate scenario files, summarise suites, calibrate thresholds. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError, formatIssue, type InputIssue } from '../errors.ts';
import { writeFileAtomic } from '../io/safe-file.ts';
import { latestByJob, readJournal } from '../runner/journal.ts';
import { acceptance, acceptanceMarkdown } from '../experiment/acceptance.ts';
import { formatScenarioReferences, scenarioReferences } from '../reference/value.ts';
import { CALIBRATION_SEEDS, calibrateScenario } from '../experiment/calibrate.ts';
import { checkScenario, exampleFiles, loadScenario, SHIPPED_SUITES, SUITE_FOLDERS, suiteFiles } from '../scenario/load.ts';
import { VARIANTS } from '../scenario/select.ts';
import { useCatalogs } from '../traces/catalog.ts';
import { type ScenarioFlags, selectedScenarios, withCatalogOption, withScenarioOptions } from './select.ts';
import { PACKAGE_ROOT } from '../version.ts';

/**
 * A scenario file's `$schema` (an editor hint, not checked by the loader) that names a missing
 * file, as in a copy of a shipped folder: the warning gives the path that works from its folder.
 */
export function schemaRefWarnings(file: string): string[] {
  let ref: unknown;
  try {
    ref = (JSON.parse(readFileSync(file, 'utf8')) as { $schema?: unknown }).$schema;
  } catch {
    return []; // unreadable or not JSON: checkScenario reports it
  }
  if (typeof ref !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(ref) || existsSync(resolve(dirname(file), ref))) return [];
  const schema = relative(dirname(resolve(file)), join(PACKAGE_ROOT, 'scenarios', 'schema', 'scenario.schema.json'));
  return [`$schema ${JSON.stringify(ref)} names no file from ${dirname(file)}; the scenario schema is "${schema}" from there (an editor hint only: the scenario is valid either way)`];
}

/** Registers the `scenario` command group. */
/** A comma-separated list of non-negative integer seeds from option `flag`. */
function parseSeeds(flag: string, text: string): number[] {
  const parts = text.split(',').map((x) => x.trim());
  const seeds = parts.map(Number);
  // Number('') is 0: an empty entry ("1,,2", "") must not become seed 0.
  if (parts.some((x) => !/^\d+$/.test(x)) || seeds.some((x) => !Number.isSafeInteger(x))) {
    throw new InputError({ file: flag, expected: 'a comma-separated list of non-negative integers', found: JSON.stringify(text) });
  }
  return seeds;
}

export function register(program: Command): void {
  const cmd = program.command('scenario').description('validate and summarise scenarios');

  withCatalogOption(cmd
    .command('check')
    .description('validate scenario files (schema and references, trace and profile files and their sha256); exit 1 if any is invalid')
    .argument('[files...]', 'scenario JSON files (default: every shipped scenario, examples included)'))
    .option('--json', 'print the errors as JSON')
    .action((files: string[], opts: { json?: boolean; catalog: string[] }) => {
      useCatalogs(opts.catalog);
      const list = files.length ? files : [...SUITE_FOLDERS.flatMap((s) => suiteFiles(s)), ...exampleFiles()];
      const results = list.map((file) => ({ file, issues: checkScenario(file), warnings: schemaRefWarnings(file) }));
      const bad = results.filter((r) => r.issues.length);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ valid: bad.length === 0, files: results }, null, 2)}\n`);
      } else {
        for (const r of results) {
          process.stdout.write(r.issues.length ? `INVALID ${r.file}\n${r.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}\n` : `ok      ${r.file}\n`);
          for (const w of r.warnings) process.stdout.write(`  warning: ${w}\n`);
        }
        process.stdout.write(`${results.length - bad.length} valid, ${bad.length} invalid\n`);
      }
      if (bad.length) process.exitCode = 1;
    });

  withScenarioOptions(cmd
    .command('list')
    .description('load and summarise the scenarios of a suite, or the scenarios named (ids of any suite, or files)'))
    .option('--json', 'machine-readable output')
    .option('--planning', "add each scenario's value of planning (runs the references on its evaluation phase: ~1 CPU s per testing scenario, more for full ones)")
    .option('--planning-seeds <list>', 'seeds of the value of planning', '1')
    .action(async (opts: ScenarioFlags & { json?: boolean; planning?: boolean; planningSeeds: string }) => {
      const selected = selectedScenarios(opts);
      const planningSeeds = parseSeeds('--planning-seeds', opts.planningSeeds);
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
            ...(opts.planning ? { valueOfPlanning: Number(scenarioReferences(s, planningSeeds).valueOfPlanning.toFixed(4)) } : {}),
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

  withScenarioOptions(cmd
    .command('calibrate')
    .description("score the non-learning policies on scenarios and derive each one's sample-efficiency threshold (rule v4: the best non-learning policy's normalised score rounded up to 0.01, raised above every non-learning policy's learning-curve end level on a majority of the seeds); run it before any learner runs on the scenario"))
    .option('--seeds <list>', 'comma-separated job seeds', CALIBRATION_SEEDS.join(','))
    .option('--write', "write the threshold into the scenario file (sampleEfficiency, or testing.sampleEfficiency for the testing variant)")
    .option('--overwrite', 'with --write: replace a threshold the file already has (a registered scenario changes its hash)')
    .option('--json', 'machine-readable output')
    .action(async (opts: ScenarioFlags & { seeds: string; write?: boolean; overwrite?: boolean; json?: boolean }) => {
      const seeds = parseSeeds('--seeds', opts.seeds);
      const out = [];
      const selected = selectedScenarios(opts).scenarios;
      // Refused before any scoring: a threshold already in a file is never replaced by accident.
      if (opts.write && !opts.overwrite) {
        const set = selected.filter(({ file, variant }) => {
          let spec: { testing?: { sampleEfficiency?: unknown }; sampleEfficiency?: unknown };
          try {
            spec = JSON.parse(readFileSync(file, 'utf8')) as typeof spec;
          } catch {
            return false; // loading it below reports what is wrong with the file
          }
          return (variant === 'testing' ? spec.testing?.sampleEfficiency : spec.sampleEfficiency) !== undefined;
        });
        if (set.length) {
          throw new InputError({ file: set[0]!.file, pointer: set[0]!.variant === 'testing' ? '/testing/sampleEfficiency' : '/sampleEfficiency', expected: 'no threshold yet (--write does not replace one; add --overwrite to replace it, which changes the scenario hash)', found: `a threshold in ${set.length} of the selected files` });
        }
      }
      for (const { file, variant } of selected) {
        const scenario = await loadScenario(file, { variant });
        const cal = await calibrateScenario(scenario, seeds);
        const references = scenarioReferences(scenario, seeds);
        out.push({ file, ...cal, references });
        if (!opts.json) {
          process.stdout.write(`${cal.scenarioId} (${variant}): ${Object.entries(cal.scores).map(([n, v]) => `${n} ${v.toFixed(3)}`).join(', ')}\n  threshold ${cal.sampleEfficiency.thresholdFraction} (${cal.best})${cal.sampleEfficiency.thresholdFraction >= 0.9 ? '  note: at or above the 0.9 headroom line' : ''}\n` +
            `  control, seeds whose learning curve reaches it: ${Object.entries(cal.control).map(([n, k]) => `${n} ${k}/${seeds.length}`).join(', ')}${cal.controlMajority.length ? `  warning: ${cal.controlMajority.join(', ')} reach it on a majority of seeds without learning` : ''}\n` +
            `  ${formatScenarioReferences(references)}\n`);
        }
        if (opts.write) {
          const spec = JSON.parse(readFileSync(file, 'utf8')) as { testing: Record<string, unknown>; sampleEfficiency?: unknown };
          if (variant === 'testing') spec.testing.sampleEfficiency = cal.sampleEfficiency;
          else spec.sampleEfficiency = cal.sampleEfficiency;
          writeFileAtomic(file, `${JSON.stringify(spec, null, 2)}\n`, { what: 'the scenario file to update' });
        }
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    });

  cmd
    .command('acceptance')
    .description("the acceptance table and checks of a default suite (harness/experiment/acceptance.ts) from a run's results: one row per scenario, mean normalised score per baseline")
    .argument('<results>', 'a results.jsonl (e.g. the main command\'s OUT/results.jsonl)')
    .option('--variant <name>', 'full | testing: the lines of that variant (needed when the file has both)')
    .option('--suite <name>', `only the scenarios of a shipped suite (${SHIPPED_SUITES.join(', ')})`)
    .option('--json', 'machine-readable output')
    .action((file: string, opts: { variant?: string; suite?: string; json?: boolean }) => {
      const suite = opts.suite;
      if (suite !== undefined && !(SHIPPED_SUITES as readonly string[]).includes(suite)) throw new InputError({ file: '--suite', expected: SHIPPED_SUITES.join(' | '), found: JSON.stringify(suite) });
      if (opts.variant !== undefined && !(VARIANTS as readonly string[]).includes(opts.variant)) throw new InputError({ file: '--variant', expected: VARIANTS.join(' | '), found: JSON.stringify(opts.variant) });
      if (!existsSync(file)) throw new InputError({ file, expected: 'a results.jsonl written by orchbench run', found: 'no such file' });
      const ids = suite === undefined ? null : new Set(suiteFiles(suite as (typeof SHIPPED_SUITES)[number]).map((f) => basename(f, '.json')));
      const journal = readJournal(file);
      for (const s of journal.skipped) process.stderr.write(`${file}:${s.line}: skipped: ${s.reason}\n`);
      // One line per job (a resumed or merged run may hold a job twice).
      const ok = latestByJob(journal.results).filter((r) => r.status === 'ok' && r.metrics !== undefined && (ids === null || ids.has(r.scenario)));
      const variants = [...new Set(ok.map((r) => r.variant))];
      const variant = opts.variant ?? (variants.length === 1 ? variants[0] : undefined);
      if (variant === undefined || !variants.includes(variant as 'full' | 'testing')) {
        throw new InputError({ file, expected: opts.variant === undefined ? 'result lines of one variant, or --variant full|testing' : `result lines of the ${opts.variant} variant`, found: variants.length ? `lines of the variants ${variants.join(', ')}` : 'no complete ok result lines' });
      }
      const rep = acceptance(ok.filter((r) => r.variant === variant).map((r) => ({ scenario: r.scenario, agent: r.agent, normalisedEvalReward: r.metrics!.normalisedEvalReward, interactionsToThreshold: r.metrics!.interactionsToThreshold })));
      process.stdout.write(opts.json ? `${JSON.stringify({ variant, ...rep }, null, 2)}\n` : `${variant} variant\n\n${acceptanceMarkdown(rep)}`);
    });
}
