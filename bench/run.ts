/**
 * `npm run bench`: runs the benchmarks and prints their figures (`--json` for JSON).
 * Run it as compiled JavaScript for figures without the tsx loader's overhead (see the README).
 */
import { benchEnv, formatEnvBench } from './env.bench.ts';

const report = await benchEnv();
process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatEnvBench(report)}\n`);
