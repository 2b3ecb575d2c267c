/**
 * Which scenarios a command runs, the same way for every command that takes scenarios (`run`,
 * `experiment hl-speedup`, `verify`, `scenario list`, `env log`): a suite, or scenarios named by id
 * (from any shipped suite) or by file path, in a variant.
 *
 * - `suite`: `default` (the current default suite: the folder `DEFAULT_SUITE` in load.ts names),
 *   `recorded`, `tuning`, `default-v3`, `default-v2` and `legacy` (the v3, v2 and v1 default suites,
 *   by version), or `testing` (the default suite in its testing variant, kept as a shorthand). Ignored for the choice of files when `scenarios` is given.
 * - `scenarios`: ids of shipped scenarios of any suite, or paths of scenario files (anything ending
 *   in `.json` or naming an existing file), in the order given.
 * - `variant`: `full` or `testing`; default `testing` for the testing suite, else `full`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { didYouMean } from '../suggest.ts';
import { InputError, type InputIssue, show } from '../errors.ts';
import { SHIPPED_SUITES, SUITE_FOLDERS, suiteFiles, type SuiteName, type Variant } from './load.ts';

/** The suites `--suite` accepts. */
export const SUITES: readonly SuiteName[] = [...SHIPPED_SUITES, 'testing'];
/** The variants `--variant` accepts. */
export const VARIANTS: readonly Variant[] = ['full', 'testing'];

/** What the user asked for (strings as typed, checked here). */
export interface ScenarioSelection {
  suite?: string;
  scenarios?: readonly string[];
  variant?: string;
}

/** One selected scenario: its id (the file's `id`), file and variant. */
export interface SelectedScenario { id: string; file: string; variant: Variant }

/** The selection, checked and resolved. */
export interface Selected {
  /**
   * The label of the selection for manifests and reports: the suite (`custom` when scenarios were
   * named that are not all of the suite given), with the variant when it is not the suite's own
   * (e.g. `recorded (testing variant)`).
   */
  suite: string;
  variant: Variant;
  scenarios: SelectedScenario[];
}

/** The id a scenario file declares (its `id`), else its name without `.json`. */
function declaredId(file: string): string {
  try {
    const id = (JSON.parse(readFileSync(file, 'utf8')) as { id?: unknown }).id;
    if (typeof id === 'string' && id !== '') return id;
  } catch {
    // An unreadable or invalid file is reported, located, when the scenario loads.
  }
  return basename(file, '.json');
}

/** Every shipped scenario id with its file. */
function shippedIds(): Map<string, string> {
  return new Map(SUITE_FOLDERS.flatMap((s) => suiteFiles(s)).map((f) => [basename(f, '.json'), f]));
}

/**
 * Checks and resolves a selection.
 * @throws InputError naming the option (`--suite`, `--variant`, `--scenarios`), what it accepts and what was given
 */
export function selectScenarios(sel: ScenarioSelection): Selected {
  const suite = sel.suite ?? 'default';
  if (!SUITES.includes(suite as SuiteName)) throw new InputError({ file: '--suite', expected: SUITES.join(' | '), found: `${show(suite)}${didYouMean(suite, SUITES)}` });
  if (sel.variant !== undefined && !VARIANTS.includes(sel.variant as Variant)) throw new InputError({ file: '--variant', expected: VARIANTS.join(' | '), found: show(sel.variant) });
  if (suite === 'testing' && sel.variant === 'full') throw new InputError({ file: '--variant', expected: 'testing with --suite testing (the default suite in its testing variant; use --suite default --variant full for the full one)', found: '"full"' });
  const own: Variant = suite === 'testing' ? 'testing' : 'full';
  const variant: Variant = (sel.variant as Variant | undefined) ?? own;
  const suiteOwn = suiteFiles(suite as SuiteName);
  const labelled = (scenarios: SelectedScenario[]): Selected => {
    // Named scenarios are labelled by the suite only when they all belong to it.
    const inSuite = scenarios.every((s) => suiteOwn.includes(s.file)) && (sel.suite !== undefined || !sel.scenarios);
    return { suite: `${inSuite ? suite : 'custom'}${variant === own ? '' : ` (${variant} variant)`}`, variant, scenarios };
  };
  if (!sel.scenarios) return labelled(suiteOwn.map((file) => ({ id: basename(file, '.json'), file, variant })));
  if (sel.scenarios.length === 0) throw new InputError({ file: '--scenarios', expected: 'at least one scenario id or file', found: 'none' });
  const shipped = shippedIds();
  const issues: InputIssue[] = [];
  const scenarios: SelectedScenario[] = [];
  const byId = new Map<string, string>();
  for (const name of sel.scenarios) {
    const isPath = name.endsWith('.json') || existsSync(name);
    const file = isPath ? resolve(name) : shipped.get(name);
    if (file === undefined || (isPath && !existsSync(file))) {
      const hint = isPath ? '' : didYouMean(name, [...shipped.keys()]);
      issues.push({
        file: '--scenarios',
        // With a suggestion, the list of every id (30 and more) is left to `orchbench scenario list`.
        expected: isPath ? 'an existing scenario file' : `a scenario file, or the id of a shipped scenario (${hint ? '`orchbench scenario list --suite S` lists them' : [...shipped.keys()].join(', ')})`,
        found: isPath ? `${show(name)} (no such file: ${file})` : `${show(name)}${hint}`,
      });
      continue;
    }
    const id = isPath ? declaredId(file) : name;
    const other = byId.get(id);
    if (other !== undefined) {
      issues.push({ file: '--scenarios', expected: 'each scenario id once (results are keyed by it)', found: other === file ? `${show(name)} twice` : `id ${show(id)} in both ${other} and ${file}` });
      continue;
    }
    byId.set(id, file);
    scenarios.push({ id, file, variant });
  }
  if (issues.length) throw new InputError(issues);
  return labelled(scenarios);
}
