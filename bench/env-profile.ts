/**
 * A plain simulator loop to profile (`node --cpu-prof --import tsx bench/env-profile.ts [mode] [decisions]`):
 * the all-factors scenario (`env.bench.ts`), resetting with a new seed whenever a phase ends.
 * Modes: `step` (the first edge action, as the env benchmark), `rotate` (every legal action in
 * turn), `whatif` (rotate, with a what-if of every legal action before each decision). Prints
 * decisions per second of wall and of CPU time.
 */
import { OrchestrationEnv } from '../harness/env/env.ts';
import { loadScenario } from '../harness/scenario/load.ts';
import { ALL_FACTORS_SCENARIO } from './env.bench.ts';

const MODES = ['step', 'rotate', 'whatif'];
const mode = process.argv[2] ?? 'step';
const n = Number(process.argv[3] ?? 2e6);
if (!MODES.includes(mode) || !(n >= 1)) {
  process.stderr.write(`usage: bench/env-profile.ts [${MODES.join('|')}] [decisions >= 1]; found ${process.argv.slice(2).join(' ')}\n`);
  process.exit(2);
}
const s = await loadScenario(ALL_FACTORS_SCENARIO);
const env = new OrchestrationEnv(s);
const mask = env.reset(0, 'learn').actionMask;
const legal = [...mask.keys()].filter((a) => mask[a] === 1);
const edge = s.actions.find((a) => a.tier === 'edge')!.index;
let seed = 1;
let sink = 0;
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
for (let i = 0; i < n; ) {
  env.reset(seed++, 'learn');
  for (let done = false; !done && i < n; i++) {
    if (mode === 'whatif') for (let k = 0; k < legal.length; k++) sink += env.whatIf(legal[k]!).reward;
    done = env.step(mode === 'step' ? edge : legal[i % legal.length]!).done;
  }
}
const c = process.cpuUsage(c0);
const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
const cpuS = (c.user + c.system) / 1e6;
process.stdout.write(`${mode}: ${n} decisions, ${(n / wallS / 1e6).toFixed(3)} M/s wall, ${(n / cpuS / 1e6).toFixed(3)} M/s CPU${sink === 1 ? ' ' : ''}\n`);
