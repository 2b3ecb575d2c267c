/**
 * The leaderboard's plots as vega-lite specs (data inlined, so users can reuse them) and their
 * static SVG renderings (vega's headless renderer: no canvas, no browser, no external assets).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Aggregate, Cell, PlotEntry } from './types.ts';

type Spec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The same colour for an agent in every plot. */
function agentColor(agents: readonly string[]): Spec {
  return { field: 'agent', type: 'nominal', title: 'agent', scale: { domain: [...agents] } };
}

/** Learning curves of every agent on one scenario: IQM across seeds with its 95% CI band. */
export function learningCurveSpec(scenario: string, cells: readonly Cell[], agents: readonly string[]): Spec {
  const values = cells.flatMap((c) => c.curve.checkpoints.map((x, i) => ({ agent: c.agent, interactions: x, iqm: c.curve.iqm[i], lo: c.curve.lo[i], hi: c.curve.hi[i] })));
  const x = { field: 'interactions', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'real interactions (log scale)' };
  return {
    $schema: SCHEMA,
    title: `Learning curves: ${scenario}`,
    width: 420,
    height: 240,
    data: { values },
    encoding: { x, color: agentColor(agents) },
    layer: [
      { mark: { type: 'area', opacity: 0.2 }, encoding: { y: { field: 'lo', type: 'quantitative', title: 'normalised reward (IQM, 95% CI)' }, y2: { field: 'hi' } } },
      { mark: { type: 'line', point: true }, encoding: { y: { field: 'iqm', type: 'quantitative' } } },
    ],
  };
}

/** Names of the aggregates on the latency-energy Pareto front (lower is better on both). */
export function paretoFront(aggs: readonly Aggregate[]): Set<string> {
  const lat = (a: Aggregate): number => a.metrics.evalMeanLatencyMs.iqm.point;
  const en = (a: Aggregate): number => a.metrics.deviceEnergyMj.iqm.point;
  const dominated = (a: Aggregate): boolean =>
    aggs.some((b) => lat(b) <= lat(a) && en(b) <= en(a) && (lat(b) < lat(a) || en(b) < en(a)));
  return new Set(aggs.filter((a) => !dominated(a)).map((a) => a.agent));
}

/** Eval mean latency vs device energy per agent (IQM with 95% CIs), Pareto front marked. */
export function paretoSpec(aggs: readonly Aggregate[], agents: readonly string[]): Spec {
  const front = paretoFront(aggs);
  const values = aggs.map((a) => {
    const l = a.metrics.evalMeanLatencyMs.iqm;
    const e = a.metrics.deviceEnergyMj.iqm;
    return { agent: a.agent, latencyMs: l.point, latLo: l.lo, latHi: l.hi, energyMj: e.point, enLo: e.lo, enHi: e.hi, front: front.has(a.agent) ? 'Pareto front' : 'dominated' };
  });
  const x = { field: 'latencyMs', type: 'quantitative', title: 'eval mean latency (ms, IQM)', scale: { zero: false } };
  const y = { field: 'energyMj', type: 'quantitative', title: 'device energy (mJ per request, IQM)', scale: { zero: false } };
  return {
    $schema: SCHEMA,
    title: 'Latency vs device energy (all scenarios)',
    width: 420,
    height: 280,
    data: { values },
    layer: [
      { transform: [{ filter: "datum.front === 'Pareto front'" }], mark: { type: 'line', strokeDash: [4, 3], color: '#888' }, encoding: { x, y, order: { field: 'latencyMs' } } },
      { mark: 'rule', encoding: { x: { ...x, field: 'latLo' }, x2: { field: 'latHi' }, y, color: agentColor(agents) } },
      { mark: 'rule', encoding: { x, y: { ...y, field: 'enLo' }, y2: { field: 'enHi' }, color: agentColor(agents) } },
      { mark: { type: 'point', filled: true, size: 140, stroke: '#222', strokeWidth: 0.6 }, encoding: { x, y, color: agentColor(agents), shape: { field: 'front', type: 'nominal', title: 'latency-energy', scale: { domain: ['Pareto front', 'dominated'], range: ['diamond', 'circle'] } } } },
    ],
  };
}

/** Normalised AUC per scenario and agent (IQM across seeds, 95% CI). */
export function perScenarioSpec(cells: readonly Cell[], agents: readonly string[]): Spec {
  const values = cells.map((c) => ({ agent: c.agent, scenario: c.scenario, ...c.metrics.normalisedAuc.iqm }));
  const y = { field: 'scenario', type: 'nominal', title: null };
  const x = { field: 'lo', type: 'quantitative', title: 'normalised AUC (IQM, 95% CI)' };
  return {
    $schema: SCHEMA,
    title: 'Normalised AUC per scenario',
    width: 420,
    data: { values },
    encoding: { y, yOffset: { field: 'agent', type: 'nominal', scale: { domain: [...agents] } }, color: agentColor(agents) },
    layer: [
      { mark: 'rule', encoding: { x, x2: { field: 'hi' } } },
      { mark: { type: 'point', filled: true }, encoding: { x: { ...x, field: 'point' } } },
    ],
  };
}

/** Every plot of a leaderboard. */
export function plotSpecs(cells: readonly Cell[], aggs: readonly Aggregate[], agents: readonly string[], scenarios: readonly string[]): PlotEntry[] {
  // A scenario where every job failed has no curve to draw (its failures are listed instead).
  const curves = scenarios
    .filter((s) => cells.some((c) => c.scenario === s))
    .map((s): PlotEntry => ({ id: `learning-curves-${s}`, title: `Learning curves: ${s}`, spec: learningCurveSpec(s, cells.filter((c) => c.scenario === s), agents) }));
  const extra: PlotEntry[] = [];
  if (aggs.length) extra.push({ id: 'latency-energy', title: 'Latency vs device energy', spec: paretoSpec(aggs, agents) });
  if (cells.length) extra.push({ id: 'per-scenario-auc', title: 'Normalised AUC per scenario', spec: perScenarioSpec(cells, agents) });
  return [...curves, ...extra];
}

/** Renders a vega-lite spec to a static SVG string (~50-100 ms). */
export async function renderSvg(spec: Spec): Promise<string> {
  // Imported on first use: vega and vega-lite take about 0.7 s of CPU to load, which every command
  // of the CLI (all of which import this module through the leaderboard) would pay otherwise.
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
