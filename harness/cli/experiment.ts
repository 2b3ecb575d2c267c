/** `orchbench experiment hl-speedup` and `orchbench experiment tune`: the Hybrid Learner experiment and its hyperparameter searches. */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseNumber, RULES } from '../bounds.ts';
import { InputError } from '../errors.ts';
import { DEFAULT_CONTROLS, DEFAULT_PAIR, runHlSpeedup, toMarkdown, V4_PAIR } from '../experiment/hl-speedup.ts';
import { ABLATIONS_OF, hybridAblationLearners } from '../experiment/ablations.ts';
import { readVariants } from '../experiment/learners.ts';
import { DEFAULT_SEARCH_AGENTS, runSearches, SEARCH_SPACES, searchSummary } from '../experiment/tune.ts';
import { readTunedConfigs } from '../experiment/tuned.ts';
import { TUNING_SUITES } from '../scenario/load.ts';
import { withRunLock } from '../runner/out-dir.ts';
import { refuseRootSeedWhenSealed } from '../runner/sealed.ts';
import { createProgress } from '../runner/progress.ts';
import { type ScenarioFlags, scenarioSelection, withScenarioOptions } from './select.ts';
import { commaList } from './options.ts';

interface HlFlags extends ScenarioFlags {
  seeds: string;
  agents?: string;
  subject?: string;
  reference?: string;
  tuned?: string;
  variants?: string;
  ablation?: string;
  puritySeeds: string;
  rootSeed?: string;
  sealed?: boolean;
  workers: string;
  out: string;
  json?: boolean;
}

interface TuneFlags {
  agents?: string;
  budget: string;
  seeds: string;
  variant: string;
  suite: string;
  workers: string;
  out: string;
  space?: string;
}

const note = (text: string): void => {
  process.stderr.write(text);
};

/** Configurations per agent of a search. */
const BUDGET_RULE = { unit: 'configurations per agent', integer: true, min: 1, max: 100_000 } as const;

/** Registers the `experiment` command group. */
export function register(program: Command): void {
  const cmd = program.command('experiment').description('experiments that test claims from the literature');
  withScenarioOptions(cmd
    .command('hl-speedup')
    .description(
      `real interactions until the greedy policy (and the learning curve) reaches 90% of the random-to-clairvoyant gap: the subject (a Hybrid) vs the reference (a DQN), controls and ablation variants, ` +
        'paired ratios with bootstrap CIs, censored runs as lower bounds; writes OUT/hl-speedup.{json,md}, OUT/hl-speedup-greedy.svg and OUT/hl-speedup.svg',
    ))
    .option('--seeds <n>', 'paired seeds per scenario', '10')
    .option('--agents <names>', `control baselines beside the subject and the reference (comma-separated; default ${DEFAULT_CONTROLS.join(',')})`)
    .option('--subject <agent>', `the Hybrid under test (default ${DEFAULT_PAIR.subject}; on v4: ${V4_PAIR.subject})`)
    .option('--reference <agent>', `the DQN it is measured against (default ${DEFAULT_PAIR.reference}; on v4: ${V4_PAIR.reference})`)
    .option('--tuned <dir>', 'run the subject, the reference and the controls with the best configurations of the search records (search-<agent>.json) in DIR (the output of experiment tune)')
    .option('--variants <file>', 'ablation variants: JSON array of { id, agent, config, description, control } (control: true = a control column instead of an ablation row)')
    .option('--ablation <names>', `the subject's built-in ablation variants as learners: all, or comma-separated names of its table (${Object.entries(ABLATIONS_OF).map(([a, t]) => `${a}: ${Object.keys(t).join(', ')}`).join('; ')})`)
    .option('--purity-seeds <n>', 'first seeds whose jobs also run the eval-purity check (a second run without checkpoints)', '1')
    .option('--root-seed <n>', 'root seed every job seed derives from (default 0)')
    .option('--sealed', "key every simulator stream with a secret (OUT/secret.json, mode 0600: the folder's own when it has one, else a fresh 256-bit one); results carry only its commitment. See docs/sealed-runs.md")
    .option('--workers <n>', 'worker threads', String(availableParallelism()))
    .option('--out <dir>', 'output directory (its results.jsonl is resumed)', './results/hl-speedup')
    .option('--json', 'print the report as JSON instead of Markdown')
    .action(async (flags: HlFlags) => {
      refuseRootSeedWhenSealed(flags.sealed, flags.rootSeed !== undefined);
      const controls = commaList('--agents', flags.agents);
      const pair = { subject: flags.subject ?? DEFAULT_PAIR.subject, reference: flags.reference ?? DEFAULT_PAIR.reference };
      // Held like a run's --out: two experiments resuming one journal would interleave its lines.
      const report = await withRunLock(resolve(flags.out), note, () => runHlSpeedup({
        ...scenarioSelection(flags),
        ...(controls ? { controls } : {}),
        pair,
        ...(flags.tuned ? { tuned: readTunedConfigs(flags.tuned) } : {}),
        ...(flags.variants || flags.ablation ? { variants: [...(flags.variants ? readVariants(flags.variants) : []), ...(flags.ablation ? hybridAblationLearners(flags.ablation, pair.subject) : [])] } : {}),
        seeds: parseNumber('--seeds', flags.seeds, RULES.seeds),
        puritySeeds: parseNumber('--purity-seeds', flags.puritySeeds, { ...RULES.seeds, min: 0 }),
        rootSeed: parseNumber('--root-seed', flags.rootSeed ?? '0', RULES.seed),
        ...(flags.sealed ? { sealed: true } : {}),
        workers: parseNumber('--workers', flags.workers, RULES.workers),
        outDir: resolve(flags.out),
        progress: createProgress(),
      }));
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : toMarkdown(report));
    });
  cmd
    .command('tune')
    .description(
      'recorded hyperparameter search on the tuning scenarios only: the same number of configurations (the budget) for every agent, ' +
        'seeded random search over the declared space; writes OUT/search-<agent>.json and OUT/search.md',
    )
    .option('--agents <names>', `agents to search (comma-separated, each with a declared space: ${Object.keys(SEARCH_SPACES).join(', ')}; default per suite: ${Object.entries(DEFAULT_SEARCH_AGENTS).map(([k, v]) => `${k}: ${v.join(',')}`).join('; ')})`)
    .option('--budget <n>', 'configurations per agent (the same for every agent)', '24')
    .option('--seeds <n>', 'tuning seeds per scenario (never the evaluation seeds)', '3')
    .option('--variant <v>', 'full | testing (testing: quick smoke runs)', 'full')
    .option('--suite <name>', `the tuning suite searched on: ${TUNING_SUITES.join(' | ')} (tuning-v4: the v4 searches)`, 'tuning')
    .option('--space <file>', 'search spaces as JSON ({ agent: { field: spec } }) instead of the declared ones')
    .option('--workers <n>', 'worker threads', String(availableParallelism()))
    .option('--out <dir>', 'output directory (its results.jsonl is resumed)', './results/tune')
    .action(async (flags: TuneFlags) => {
      const variant = flags.variant;
      if (variant !== 'full' && variant !== 'testing') {
        throw new InputError({ file: '--variant', expected: 'full | testing', found: JSON.stringify(variant) });
      }
      const suite = TUNING_SUITES.find((x) => x === flags.suite);
      if (suite === undefined) throw new InputError({ file: '--suite', expected: `a tuning suite: ${TUNING_SUITES.join(' | ')}`, found: JSON.stringify(flags.suite) });
      const records = await withRunLock(resolve(flags.out), note, () => runSearches({
        agents: commaList('--agents', flags.agents) ?? DEFAULT_SEARCH_AGENTS[suite],
        budget: parseNumber('--budget', flags.budget, BUDGET_RULE),
        seeds: parseNumber('--seeds', flags.seeds, RULES.seeds),
        variant,
        suite,
        ...(flags.space ? { spaceFile: flags.space } : {}),
        workers: parseNumber('--workers', flags.workers, RULES.workers),
        outDir: resolve(flags.out),
        progress: createProgress(),
      }));
      process.stdout.write(searchSummary(records));
    });
}
