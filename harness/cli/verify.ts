/** `orchbench verify DIR`: re-run recorded jobs and check their hashes (see harness/report/verify.ts). */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { RULES } from '../bounds.ts';
import { InputError } from '../errors.ts';
import { experimentSpecs, formatSearchCase, formatSearchHeader, formatSearchVerdict, isExperimentSpec, verifySearchRecord } from '../experiment/verify.ts';
import { runJob as runExperimentJob } from '../experiment/job.ts';
import { readResultLines } from '../report/results.ts';
import { currentLines, formatVerify, verifyResults } from '../report/verify.ts';
import { requireBubblewrap } from '../submission/isolation.ts';
import { runJob } from '../runner/job.ts';
import { MANIFEST_FILE, readManifest } from '../runner/merge.ts';
import { readSecretFile, type RunSecret, secretInPlace } from '../runner/sealed.ts';
import type { JobResult, JobSpec } from '../runner/types.ts';
import { lineScale } from '../reference/scale.ts';
import { resolveScenarioFile } from '../scenario/load.ts';
import type { Selected } from '../scenario/select.ts';
import { useCatalogs } from '../traces/catalog.ts';
import { DEFAULT_LIMITS } from '../submission/process-agent.ts';
import { type ScenarioFlags, selectedScenarios, withScenarioOptions } from './select.ts';
import { numberOption } from './options.ts';

/** `name=path` pairs into a map. */
function agentPaths(pairs: readonly string[]): Map<string, string> {
  return new Map(pairs.map((p) => {
    const i = p.indexOf('=');
    if (i <= 0) throw new InputError({ file: '--agent-path', expected: 'NAME=PATH (a submission and its folder)', found: JSON.stringify(p) });
    return [p.slice(0, i), p.slice(i + 1)] as const;
  }));
}

/**
 * The spec that reproduces a result: the paths its line records (`provenance`), unless
 * `--agent-path` names another folder for the submission or `--scenarios` names a file for its
 * scenario id; a scenario file that is not there (a line from another machine, or written before
 * lines recorded paths) is found by id among the shipped suites. A submission always re-runs
 * isolated, whatever its line says it ran in.
 */
function specResolver(paths: ReadonlyMap<string, string>, scenarioFiles: ReadonlyMap<string, string>): (r: JobResult) => JobSpec {
  return (r) => {
    const agentPath = paths.get(r.agent) ?? r.provenance?.agentPath;
    if (r.agentKind === 'submission' && !agentPath) {
      throw new InputError({ file: '--agent-path', expected: `the folder of submission "${r.agent}" (--agent-path ${r.agent}=DIR)`, found: 'not given, and not recorded in the result line' });
    }
    // Submissions re-run isolated, and only a folder (with its manifest) can be: never import a module file here.
    if (r.agentKind === 'submission' && !(existsSync(agentPath!) && statSync(agentPath!).isDirectory())) {
      throw new InputError({ file: agentPath!, expected: `the folder of submission "${r.agent}" (verify re-runs submissions isolated; a bare module file can run only trusted)`, found: existsSync(agentPath!) ? 'a file' : 'no such folder' });
    }
    const recorded = r.provenance?.scenarioFile;
    return {
      agent: r.agent,
      agentKind: r.agentKind,
      ...(agentPath ? { agentPath } : {}),
      ...(r.agentKind === 'submission' ? { sandbox: true } : {}),
      scenario: r.scenario,
      scenarioFile: scenarioFiles.get(r.scenario) ?? (recorded !== undefined && existsSync(recorded) ? recorded : resolveScenarioFile(r.scenario)),
      variant: r.variant,
      seed: r.seed,
      ...(r.sealed !== undefined ? { sealed: r.sealed } : {}),
      // Re-run on the scale the line is on (no reference cache: verify recomputes every reference).
      scale: lineScale(r),
    };
  };
}

/**
 * The secret of the sealed lines (all of one run): the given file, else `DIR/secret.json` when
 * present, checked against the lines' commitment; undefined without sealed lines or a file.
 * @throws InputError for a missing, unreadable or mismatching file, or lines of several sealed runs.
 */
function sealedSecret(dir: string, results: readonly JobResult[], given: string | undefined): RunSecret | undefined {
  const commitments = [...new Set(results.flatMap((r) => (r.sealed !== undefined ? [r.sealed] : [])))];
  if (commitments.length > 1) throw new InputError({ file: join(dir, 'results.jsonl'), expected: 'sealed lines of one run (one commitment)', found: `${commitments.length} commitments: ${commitments.join(', ')}` });
  const file = given ?? secretInPlace(dir);
  if (file === null) return undefined;
  if (commitments.length === 0) {
    if (given !== undefined) throw new InputError({ file: given, expected: 'a secret for sealed result lines', found: `no sealed line in ${join(dir, 'results.jsonl')}` });
    return undefined;
  }
  return readSecretFile(file, commitments[0]!);
}

/**
 * The time limit a re-run gets: the given or recorded run limit, else the CPU-time limit the line's
 * sandbox recorded (the submission's own job limit, rounded up to whole seconds), else none.
 */
export function jobLimit(runLimitS: number | undefined, line: JobResult | undefined): { jobTimeoutS?: number } {
  const s = runLimitS ?? line?.provenance?.isolation?.limits.cpuS;
  return s !== undefined ? { jobTimeoutS: s } : {};
}

/** Registers `verify`. */
export function register(program: Command): void {
  withScenarioOptions(program
    .command('verify')
    .description(
      'check DIR/results.jsonl: every line against its own resultHash, then re-run jobs (all, or a seeded sample) and compare hashes; exit 1 on any mismatch. ' +
        '--suite/--scenarios/--variant keep only the lines of those scenarios (a file given for an id is the one re-run). ' +
        'Lines of an experiment folder (hl-speedup or tune --out) re-run as the experiment ran them, rebuilt from its hl-speedup.json or search-<agent>.json and accepted only if they give the line\'s job hash. ' +
        "Given a search record (search-<agent>.json, no journal): re-run its trial cases (trial config x tuning scenario x tuning seed; all, or --sample) with the record's variant and measure, " +
        "compare each case's greedyLogAuc and interactions with the record (ok / DIFFERS with both values) and check its scores and best trial follow from its cases; " +
        "a record whose agentCodeHash or harnessVersion is not today's is named up front (results may then legitimately differ)",
    )
    .argument('<dir>', 'run directory holding results.jsonl, or a search record file (search-<agent>.json)'))
    .option('--sample <k>', 're-run a seeded sample of K jobs (of a search record: K cases) instead of all', numberOption('--sample', RULES.count))
    .option('--seed <s>', 'seed of the sample', numberOption('--seed', RULES.seed), 0)
    .option('--no-rerun', 'only the cheap check, no job is re-run (of a search record: that its scores and best trial follow from its cases)')
    .option('--agent-path <name=dir...>', "a submission's folder, instead of the one its result lines record (repeatable)", [])
    .option('--decision-ms <ms>', 'per-decision time limit of a sandboxed or external submission (ms)', numberOption('--decision-ms', RULES.decisionMs), DEFAULT_LIMITS.decisionMs)
    .option('--job-timeout-s <s>', "per-job time limit of the re-runs (s; default: the run's, from DIR/run.json, else the CPU limit a sandboxed line records)", numberOption('--job-timeout-s', RULES.jobTimeoutS))
    .option('--secret <file>', "a sealed run's revealed secret file (default: DIR/secret.json when present); without one, sealed lines are seal-checked only")
    .option('--json', 'print the report as JSON')
    .action(async (dir: string, opts: ScenarioFlags & { sample?: number; seed: number; rerun: boolean; agentPath: string[]; decisionMs: number; jobTimeoutS?: number; secret?: string; json?: boolean }) => {
      const selecting = opts.suite !== undefined || opts.scenarios !== undefined || opts.variant !== undefined;
      // Without a selection every line is verified (the user's catalogs still apply to the re-runs).
      if (!selecting) useCatalogs(opts.catalog);
      if (existsSync(dir) && statSync(dir).isFile()) {
        if (selecting) throw new InputError({ file: '--suite/--scenarios/--variant', expected: 'no scenario selection with a search record (its cases name their scenarios and variant)', found: 'given' });
        const record = await verifySearchRecord(dir, {
          ...(opts.sample !== undefined ? { sample: opts.sample } : {}),
          seed: opts.seed,
          noRerun: !opts.rerun,
          runJob: runExperimentJob,
          ...(opts.json ? {} : { onStart: (h) => process.stdout.write(formatSearchHeader(h)), onCase: (c) => process.stdout.write(`${formatSearchCase(c)}\n`) }),
        });
        process.stdout.write(opts.json ? `${JSON.stringify(record, null, 2)}\n` : formatSearchVerdict(record));
        if (!record.ok) process.exitCode = 1;
        return;
      }
      const selected: Selected | undefined = selecting ? selectedScenarios(opts) : undefined;
      const files = new Map((selected?.scenarios ?? []).map((s) => [s.id, s.file]));
      const { current: all, superseded } = currentLines(readResultLines(join(dir, 'results.jsonl')));
      if (superseded > 0) process.stderr.write(`note: ${superseded} line(s) superseded by a later line of the same job (a failed job retried with --resume) are not checked; the leaderboard does not use them either\n`);
      const lines = selected ? all.filter(({ result: r }) => files.has(r.scenario) && r.variant === selected.variant) : all;
      if (selected && lines.length === 0) {
        throw new InputError({ file: join(dir, 'results.jsonl'), expected: `result lines of the selected scenarios (${[...files.keys()].join(', ')}, ${selected.variant} variant)`, found: `none of ${all.length} lines` });
      }
      // Submissions re-run isolated, always: refuse before any job where that is impossible.
      if (opts.rerun && lines.some((l) => l.result.agentKind === 'submission')) requireBubblewrap('verify');
      const plainSpec = specResolver(agentPaths(opts.agentPath), files);
      // An experiment's folder (hl-speedup.json or search-*.json beside the journal): its lines re-run as experiment jobs.
      const experiment = experimentSpecs(dir, lines.map((l) => l.result), plainSpec);
      const secret = sealedSecret(dir, lines.map((l) => l.result), opts.secret);
      const runLimitS = opts.jobTimeoutS ?? (existsSync(join(dir, MANIFEST_FILE)) ? readManifest(dir).jobTimeoutS : undefined);
      const report = await verifyResults(lines, {
        ...(opts.sample !== undefined ? { sample: opts.sample } : {}),
        seed: opts.seed,
        noRerun: !opts.rerun,
        runJob: (spec, recorded) => (isExperimentSpec(spec) ? runExperimentJob(spec, secret ? { secret } : {}) : runJob(spec, { limits: { decisionMs: opts.decisionMs }, ...jobLimit(runLimitS, recorded), ...(secret ? { secret } : {}) })),
        specOf: experiment ?? plainSpec,
        cannotReRun: (r) => (r.sealed !== undefined && !secret ? `sealed (commitment ${r.sealed}): not re-run, no secret (pass --secret FILE once the run's secret is revealed)` : null),
      });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerify(report));
      if (!report.ok) process.exitCode = 1;
    });
}
