/**
 * `npm run bench`: runs the benchmarks and prints their figures (`--json` for JSON).
 *
 * The tsx loader costs ~5-10% in the hot loop. For compiled-JavaScript figures:
 *   npx tsc -p . --noEmit false --outDir /tmp/orchbench-js --rewriteRelativeImportExtensions
 *   cp package.json /tmp/orchbench-js/ && ln -s "$PWD/node_modules" "$PWD/scenarios" /tmp/orchbench-js/
 *   node /tmp/orchbench-js/bench/run.js
 */
import { benchEnv, formatEnvBench } from './env.bench.ts';

const report = await benchEnv();
process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatEnvBench(report)}\n`);
