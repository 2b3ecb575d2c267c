/**
 * Old and new normalised evaluation rewards of every result line of published results files, without
 * re-running any agent: for each (scenario, variant, seed) the evaluation phase's references are
 * recomputed (the myopic reference must equal the recorded one bit for bit), then each line's
 * evaluation reward is normalised on the `clairvoyant-v3` scale (myopic reference = 1) and on the
 * `planning-v1` scale (planning reference = 1), with the upper bound on the latter scale. Prints
 * per agent and scenario the mean of each, and counts lines above 1 and above the bound.
 *
 *   node --import tsx bench/rescale.ts leaderboard/hl-speedup-v3-testing/results.jsonl leaderboard/testing-v3/results.jsonl
 *
 * `--bound-only` skips the planning reference (the new scale is then the old one) and only checks
 * the lines against the upper bound: fast enough for full-variant folders.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { OrchestrationEnv } from '../harness/env/env.ts';
import { runEpisode } from '../harness/env/episode.ts';
import { upperBound } from '../harness/reference/bound.ts';
import { planningReference } from '../harness/reference/planning.ts';
import { loadScenario } from '../harness/scenario/load.ts';
import { PACKAGE_ROOT } from '../harness/version.ts';

interface Line { agent: string; scenario: string; scenarioHash: string; variant: 'testing' | 'full'; seed: number; provenance: { scenarioFile: string }; metrics: { eval: { meanReward: number }; evalRefs: { randomReward: number; oracleReward: number }; normalisedEvalReward: number } }

const boundOnly = process.argv.includes('--bound-only');
const files = process.argv.slice(2).filter((a) => a !== '--bound-only');
const lines: Line[] = files.flatMap((f) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line)).filter((l) => l.metrics?.evalRefs);
const refs = new Map<string, { myopic: number; planning: number; bound: number }>();
let mismatched = 0;
for (const l of lines) {
  const key = `${l.provenance.scenarioFile}/${l.variant}/${l.seed}`;
  if (refs.has(key)) continue;
  // A file moved since (e.g. v2 scenarios to scenarios/default-v2/) is found by its id.
  const file = path.join(PACKAGE_ROOT, l.provenance.scenarioFile);
  const scenario = await loadScenario(existsSync(file) ? file : l.scenario, { variant: l.variant });
  if (scenario.hash !== l.scenarioHash) throw new Error(`${l.scenario} (${l.variant}): scenario hash ${scenario.hash} is not the recorded ${l.scenarioHash}`);
  const env = new OrchestrationEnv(scenario);
  const measure = (agent: Parameters<typeof runEpisode>[1]) => runEpisode(env, agent, l.seed, { learningDecisions: 0 }).eval.meanReward;
  const p = boundOnly ? { myopic: l.metrics.evalRefs.oracleReward, value: l.metrics.evalRefs.oracleReward } : planningReference(env, measure);
  if (p.myopic !== l.metrics.evalRefs.oracleReward) mismatched++;
  refs.set(key, { myopic: p.myopic, planning: p.value, bound: upperBound(env, l.seed, 'eval', env.spec.evaluationDecisions).meanReward });
}
const rows = new Map<string, { old: number[]; neu: number[]; bound: number[] }>();
let above = { old: 0, neu: 0, bound: 0 };
for (const l of lines) {
  const r = refs.get(`${l.provenance.scenarioFile}/${l.variant}/${l.seed}`)!;
  const random = l.metrics.evalRefs.randomReward;
  const v = l.metrics.eval.meanReward;
  const old = (v - random) / (r.myopic - random);
  const neu = (v - random) / (r.planning - random);
  const bound = (r.bound - random) / (r.planning - random);
  above = { old: above.old + (old > 1 ? 1 : 0), neu: above.neu + (neu > 1 ? 1 : 0), bound: above.bound + (v > r.bound ? 1 : 0) };
  const k = `${l.agent} | ${l.scenario}`;
  const row = rows.get(k) ?? { old: [], neu: [], bound: [] };
  row.old.push(old);
  row.neu.push(neu);
  row.bound.push(bound);
  rows.set(k, row);
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`${lines.length} lines, ${refs.size} (scenario, variant, seed); myopic reference recomputed differently from the recorded one on ${mismatched}`);
console.log('| agent | scenario | seeds | clairvoyant-v3 (old) | planning-v1 (new) | upper bound (new scale) |\n|---|---|---|---|---|---|');
for (const [k, r] of [...rows].sort()) console.log(`| ${k} | ${r.old.length} | ${mean(r.old).toFixed(4)} | ${mean(r.neu).toFixed(4)} | ${mean(r.bound).toFixed(3)} |`);
console.log(`lines above 1: ${above.old} on the old scale, ${above.neu} on the new; above the upper bound: ${above.bound}`);
