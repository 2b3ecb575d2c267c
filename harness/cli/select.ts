/**
 * The scenario-selection options every command that takes scenarios shares (`run`, `experiment
 * hl-speedup`, `verify`, `scenario list`, `env log`): `--suite`, `--scenarios` (ids of any suite or
 * scenario files), `--variant` and `--catalog` (the user's trace catalogs). The rules are in
 * `harness/scenario/select.ts`.
 */
import type { Command } from 'commander';
import { DEFAULT_SUITE } from '../scenario/load.ts';
import { type ScenarioSelection, type Selected, selectScenarios, SUITES, VARIANTS } from '../scenario/select.ts';
import { useCatalogs } from '../traces/catalog.ts';

/** The flags {@link withScenarioOptions} adds, as commander parses them. */
export interface ScenarioFlags {
  suite?: string;
  scenarios?: string;
  variant?: string;
  catalog: string[];
}

/** Collects a repeatable option's values. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds `--catalog FILE` (repeatable): trace catalogs of the user's own, beside the shipped one. */
export function withCatalogOption(cmd: Command): Command {
  return cmd.option('--catalog <file>', 'a trace catalog of your own (repeatable; schema scenarios/schema/catalog.schema.json; also $ORCHBENCH_TRACE_CATALOG, a :-separated list)', collect, []);
}

/** Adds `--suite`, `--scenarios`, `--variant` and `--catalog` to a command. */
export function withScenarioOptions(cmd: Command): Command {
  return withCatalogOption(cmd
    .option('--suite <name>', `${SUITES.join(' | ')} (default: default, the suite in scenarios/${DEFAULT_SUITE}/; testing = the default suite in its testing variant)`)
    .option('--scenarios <list>', 'comma-separated scenario ids (of any suite) or scenario files, instead of a whole suite')
    .option('--variant <name>', `${VARIANTS.join(' | ')} (default: testing for --suite testing, else full)`));
}

/** The selection the flags ask for, with the user's catalogs put in use (for this process and its workers). */
export function scenarioSelection(flags: ScenarioFlags): ScenarioSelection {
  useCatalogs(flags.catalog);
  const scenarios = flags.scenarios?.split(',').map((x) => x.trim()).filter(Boolean);
  return {
    ...(flags.suite !== undefined ? { suite: flags.suite } : {}),
    ...(scenarios !== undefined ? { scenarios } : {}),
    ...(flags.variant !== undefined ? { variant: flags.variant } : {}),
  };
}

/** {@link scenarioSelection}, resolved to files. @throws InputError for a bad suite, variant, id or file */
export function selectedScenarios(flags: ScenarioFlags): Selected {
  return selectScenarios(scenarioSelection(flags));
}
