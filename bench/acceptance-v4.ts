/**
 * The v4 acceptance checks (`harness/experiment/acceptance-v4.ts`) on either variant of the v4
 * default suite or the v4 recorded suite: the pre-registered tests run the testing variants in CI;
 * this runs the full ones (too long for CI) and prints the table and each check's failing scenarios.
 *
 *   node --import tsx bench/acceptance-v4.ts [--suite default-v4|recorded-v4] [--variant full|testing] [--seeds 1,2,3,4,5] [FILE...]
 *
 * With scenario files, it scores those instead of a suite (how the recorded suite's designs were
 * compared on design seeds 201-203: docs/recorded-v4.md).
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { acceptanceV4Checks, acceptanceV4Markdown, acceptanceV4Row } from '../harness/experiment/acceptance-v4.ts';
import { loadScenario } from '../harness/scenario/load.ts';
import { PACKAGE_ROOT } from '../harness/version.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { suite: { type: 'string', default: 'default-v4' }, variant: { type: 'string', default: 'full' }, seeds: { type: 'string', default: '1,2,3,4,5' } } });
if (values.suite !== 'default-v4' && values.suite !== 'recorded-v4') {
  console.error(`--suite: expected default-v4 | recorded-v4; found ${JSON.stringify(values.suite)}`);
  process.exit(2);
}
if (values.variant !== 'full' && values.variant !== 'testing') {
  console.error(`--variant: expected full | testing; found ${JSON.stringify(values.variant)}`);
  process.exit(2);
}
const variant = values.variant;
const seeds = values.seeds!.split(',').map((x) => (/^\d+$/.test(x.trim()) ? Number(x) : NaN));
if (seeds.some(Number.isNaN)) {
  console.error(`--seeds: expected a comma-separated list of non-negative integers; found ${JSON.stringify(values.seeds)}`);
  process.exit(2);
}
const dir = join(PACKAGE_ROOT, 'scenarios', values.suite);
const files = positionals.length > 0 ? positionals : readdirSync(dir).filter((x) => x.endsWith('.json')).sort().map((f) => join(dir, f));
const rows = [];
for (const f of files) {
  const c0 = process.cpuUsage();
  rows.push(await acceptanceV4Row(await loadScenario(f, { variant }), seeds));
  const c = process.cpuUsage(c0);
  console.error(`${basename(f)}: ${((c.user + c.system) / 1e6).toFixed(0)} s CPU`);
}
console.log(`v4 acceptance, ${positionals.length > 0 ? `${files.length} files` : values.suite}, ${variant} variants, seeds ${seeds.join(',')}\n`);
console.log(acceptanceV4Markdown(rows));
console.log(`\n${JSON.stringify(acceptanceV4Checks(rows), null, 1)}`);
