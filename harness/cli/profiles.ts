/** `orchbench profiles convert`: a device profile (with provenance) from a CSV of measured latency samples. */
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { InputError, show } from '../errors.ts';
import { toJsonText } from '../profiles/convert.ts';
import { LATENCY_UNITS, type LatencyUnit, profileFromSamples } from '../profiles/samples.ts';
import type { DeviceProfile } from '../profiles/types.ts';
import { writeAtomic } from '../traces/fetch.ts';
import { cliInvocation } from '../version.ts';

interface ConvertFlags {
  id: string;
  kind: DeviceProfile['kind'];
  out: string;
  measuredOn: string;
  method: string;
  description?: string;
  citation?: string;
  modelColumn: string;
  latencyColumn: string;
  latencyUnit: LatencyUnit;
  powerColumn?: string;
  idlePowerW?: string;
}

/** The command as one line a shell reads back the same (single-quoting what needs it). */
const shellLine = (args: readonly string[]): string => args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');

/** Registers the `profiles` command group. */
export function register(program: Command): void {
  const cmd = program.command('profiles').description('device profiles: measured inference latency per model, with provenance');
  cmd
    .command('convert')
    .description('turn a CSV of measured latency samples (one row per call: model, latency, optionally board power) into a profile JSON a scenario can name ({"file": PATH})')
    .argument('<csv>', 'the samples')
    .requiredOption('--id <id>', 'profile id (lowercase letters, digits, dashes)')
    .addOption(new Option('--kind <kind>', 'the tier it profiles').choices(['device', 'edge', 'cloud']).makeOptionMandatory())
    .requiredOption('--out <file>', 'profile JSON to write')
    .requiredOption('--measured-on <text>', 'machine and date of the measurement (provenance)')
    .requiredOption('--method <text>', 'how the samples were taken: framework, input, batch, warm-up (provenance)')
    .option('--description <text>', 'one line about the machine')
    .option('--citation <text>', 'where the figures are published, if anywhere')
    .option('--model-column <name>', 'column holding the model id', 'model')
    .option('--latency-column <name>', 'column holding the latency of one call', 'latency_ms')
    .addOption(new Option('--latency-unit <unit>', 'unit of the latency column').choices(Object.keys(LATENCY_UNITS)).default('ms'))
    .option('--power-column <name>', 'column holding the board power during the call (W)')
    .option('--idle-power-w <w>', 'idle board power (W): energy per inference is then net of it')
    .action(async (csv: string, f: ConvertFlags) => {
      const idle = f.idlePowerW === undefined ? undefined : Number(f.idlePowerW);
      if (idle !== undefined && (f.idlePowerW!.trim() === '' || !(idle >= 0))) throw new InputError({ file: '--idle-power-w', expected: 'a number >= 0 (W)', found: show(f.idlePowerW) });
      const bytes = await readFile(csv).catch((e: NodeJS.ErrnoException) => {
        throw new InputError({ file: csv, expected: 'a readable CSV file of latency samples', found: e.code ?? String(e) });
      });
      const profile = profileFromSamples(bytes, csv, {
        id: f.id, kind: f.kind, measuredOn: f.measuredOn, method: f.method, conversion: shellLine(cliInvocation()),
        modelColumn: f.modelColumn, latencyColumn: f.latencyColumn, latencyUnit: f.latencyUnit,
        ...(f.description !== undefined ? { description: f.description } : {}),
        ...(f.citation !== undefined ? { citation: f.citation } : {}),
        ...(f.powerColumn !== undefined ? { powerColumn: f.powerColumn } : {}),
        ...(idle !== undefined ? { idlePowerW: idle } : {}),
      });
      await writeAtomic(f.out, toJsonText({ $schema: 'https://orchbench.dev/schema/profile-v1.json', ...profile }));
      const models = Object.entries(profile.models).map(([m, l]) => `${m} (${l.latencySamplesMs.length} samples, median ${l.medianMs.toFixed(2)} ms)`);
      process.stdout.write(`wrote ${f.out}: ${models.join(', ')}\n`);
    });
}
