/**
 * The leaderboard's plots as vega-lite specs (data inlined, so users can reuse them) and their
 * static SVG renderings (vega's headless renderer: no canvas, no browser, no external assets).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Aggregate, Cell, PlotEntry } from './types.ts';

type Spec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Colours of the competing agents, in display order: 20 colours chosen to stay distinct from each
 * other (Kelly's colours of maximum contrast, without the greys, white and black, which are the
 * references'), so up to 20 agents never share one.
 */
export const AGENT_PALETTE: readonly string[] = [
  '#0067a5', '#f38400', '#008856', '#be0032', '#875692', '#f3c300', '#a1caf1', '#882d17', '#8db600', '#e68fac',
  '#604e97', '#c2b280', '#2b3d26', '#f99379', '#dcd300', '#b3446c', '#654522', '#e25822', '#f6a600', '#00a3a3',
];

/** The references' colours (grey, drawn dashed): random (0) and the clairvoyant reference (1). */
export const REFERENCE_PALETTE: readonly string[] = ['#9a9a9a', '#4d4d4d'];

/** Point shapes, cycled over the agents, so that two agents differ in shape as well as colour. */
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-left', 'triangle-right'];

/** Which agents compete and which are references, in display order (both lists). */
export interface PlotAgents {
  competitors: readonly string[];
  references: readonly string[];
}

/** Every agent's colour: competitors from {@link AGENT_PALETTE} in order, references grey. */
export function agentColours(a: PlotAgents): Map<string, string> {
  const out = new Map<string, string>();
  a.competitors.forEach((id, i) => out.set(id, AGENT_PALETTE[i % AGENT_PALETTE.length]!));
  a.references.forEach((id, i) => out.set(id, REFERENCE_PALETTE[i % REFERENCE_PALETTE.length]!));
  return out;
}

/** The same colour for an agent in every plot. */
function agentColor(a: PlotAgents): Spec {
  const colours = agentColours(a);
  const domain = [...a.competitors, ...a.references];
  return { field: 'agent', type: 'nominal', title: 'agent', scale: { domain, range: domain.map((id) => colours.get(id)) } };
}

/** The same shape for an agent in every plot. */
function agentShape(a: PlotAgents): Spec {
  const domain = [...a.competitors, ...a.references];
  return { field: 'agent', type: 'nominal', title: 'agent', scale: { domain, range: domain.map((_, i) => SHAPES[i % SHAPES.length]) } };
}

/** Panels per row of the learning-curve small multiples. */
const CURVE_COLUMNS = 4;
/** The normalised scale drawn (values beyond are drawn at the edge; the axis title says so). */
const CURVE_DOMAIN = [-1, 1.2];

/**
 * Learning curves on one scenario as small multiples: one panel per competing agent (IQM across
 * seeds with its 95% CI band), the references (random = 0 and the myopic clairvoyant) dashed grey in every
 * panel, on one shared scale from -1 to 1.2 (values beyond are drawn at its edge; the page says so).
 */
export function learningCurveSpec(scenario: string, cells: readonly Cell[], agents: PlotAgents): Spec {
  const point = (c: Cell, panel: string) => c.curve.checkpoints.map((x, i) => ({ panel, agent: c.agent, interactions: x, iqm: c.curve.iqm[i], lo: c.curve.lo[i], hi: c.curve.hi[i] }));
  const competitors = agents.competitors.filter((a) => cells.some((c) => c.agent === a));
  const refs = cells.filter((c) => agents.references.includes(c.agent));
  const values = [
    ...competitors.flatMap((a) => point(cells.find((c) => c.agent === a)!, a)),
    ...competitors.flatMap((panel) => refs.flatMap((c) => point(c, panel))),
  ];
  const isRef = `indexof(${JSON.stringify(agents.references)}, datum.agent) >= 0`;
  const x = { field: 'interactions', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'real interactions (log)', axis: { grid: false, tickCount: 4 } };
  const y = { field: 'iqm', type: 'quantitative', scale: { domain: CURVE_DOMAIN, clamp: true }, title: 'normalised reward' };
  return {
    $schema: SCHEMA,
    title: `Learning curves: ${scenario}`,
    data: { values },
    columns: CURVE_COLUMNS,
    facet: { field: 'panel', type: 'nominal', title: null, sort: competitors, header: { labelFontSize: 11, labelLimit: 170 } },
    spec: {
      width: 150,
      height: 90,
      layer: [
        { transform: [{ filter: `!(${isRef})` }], mark: { type: 'area', opacity: 0.25 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: agentColor(agents) } },
        { transform: [{ filter: isRef }], mark: { type: 'line', strokeDash: [4, 3], strokeWidth: 1.2 }, encoding: { x, y, color: agentColor(agents), detail: { field: 'agent' } } },
        { transform: [{ filter: `!(${isRef})` }], mark: { type: 'line', strokeWidth: 1.8 }, encoding: { x, y, color: agentColor(agents) } },
      ],
    },
    // Symbols at full opacity: the bands' 0.25 would make the legend's colours hard to tell apart.
    config: { legend: { orient: 'bottom', columns: 4, labelLimit: 300, symbolOpacity: 1, symbolType: 'square' } },
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

/** Eval mean latency vs device energy per agent (IQM with 95% CIs), the competitors' Pareto front dashed. */
export function paretoSpec(aggs: readonly Aggregate[], agents: PlotAgents): Spec {
  const front = paretoFront(aggs.filter((a) => agents.competitors.includes(a.agent)));
  const values = aggs.map((a) => {
    const l = a.metrics.evalMeanLatencyMs.iqm;
    const e = a.metrics.deviceEnergyMj.iqm;
    return { agent: a.agent, latencyMs: l.point, latLo: l.lo, latHi: l.hi, energyMj: e.point, enLo: e.lo, enHi: e.hi, front: front.has(a.agent) };
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
      { transform: [{ filter: 'datum.front' }], mark: { type: 'line', strokeDash: [4, 3], color: '#888' }, encoding: { x, y, order: { field: 'latencyMs' } } },
      { mark: 'rule', encoding: { x: { ...x, field: 'latLo' }, x2: { field: 'latHi' }, y, color: agentColor(agents) } },
      { mark: 'rule', encoding: { x, y: { ...y, field: 'enLo' }, y2: { field: 'enHi' }, color: agentColor(agents) } },
      { mark: { type: 'point', filled: true, size: 120, opacity: 1, stroke: '#222', strokeWidth: 0.6 }, encoding: { x, y, color: agentColor(agents), shape: agentShape(agents) } },
    ],
    config: { legend: { labelLimit: 300 } },
  };
}

/** Every plot of a leaderboard. */
export function plotSpecs(cells: readonly Cell[], aggs: readonly Aggregate[], agents: PlotAgents, scenarios: readonly string[]): PlotEntry[] {
  // A scenario where every job failed has no curve to draw (its failures are listed instead).
  const curves = scenarios
    .filter((s) => cells.some((c) => c.scenario === s && agents.competitors.includes(c.agent)))
    .map((s): PlotEntry => ({ id: `learning-curves-${s}`, title: `Learning curves: ${s}`, spec: learningCurveSpec(s, cells.filter((c) => c.scenario === s), agents) }));
  const extra: PlotEntry[] = [];
  if (aggs.length) extra.push({ id: 'latency-energy', title: 'Latency vs device energy', spec: paretoSpec(aggs, agents) });
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
