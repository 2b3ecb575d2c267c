/** `orchbench merge`: combine shard directories into one results journal and leaderboard. */
import type { Command } from 'commander';
import { pageMeta, runMetaFromManifest, writeLeaderboard } from '../report/leaderboard.ts';
import { RESULTS_FILE } from '../runner/execute.ts';
import { mergeRuns } from '../runner/merge.ts';
import { withRunLock } from '../runner/out-dir.ts';
import { cliInvocation } from '../version.ts';

/** Registers `orchbench merge`. */
export function register(program: Command): void {
  program
    .command('merge')
    .description('merge shard outputs (dedupe by jobHash; conflicting results are an error) and write the leaderboard')
    .argument('<dirs...>', 'run directories (e.g. one per shard)')
    .requiredOption('--out <dir>', 'output directory (must not hold results yet)')
    .option('--strict', 'exit 1, writing nothing, when any planned job has no result (a shard missing or unfinished)')
    .option('--title <text>', 'the leaderboard page\'s title (default: from the suite)')
    .action(async (dirs: string[], flags: { out: string; strict?: boolean; title?: string }) => {
      // The output folder is held like a run's: a merge never writes where a run is writing.
      await withRunLock(flags.out, (text) => process.stderr.write(text), async () => {
        const merged = mergeRuns(dirs, flags.out, cliInvocation(), { strict: flags.strict === true });
        for (const s of merged.skipped) for (const l of s.lines) process.stderr.write(`${s.dir}/${RESULTS_FILE}:${l.line}: skipped: ${l.reason}\n`);
        const missing = merged.manifest.jobsPlanned - merged.results.length;
        if (missing > 0) process.stderr.write(`warning: ${missing} of ${merged.manifest.jobsPlanned} planned jobs have no result (a shard missing or unfinished?); --strict makes this an error\n`);
        await writeLeaderboard(flags.out, merged.results, pageMeta(runMetaFromManifest(merged.manifest, merged.results), flags.title, flags.out));
        process.stdout.write(`${merged.results.length} jobs from ${dirs.length} directories -> ${flags.out}/${RESULTS_FILE}, leaderboard in ${flags.out}/\n`);
      });
    });
}
