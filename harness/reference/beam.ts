/**
 * The beam-search planner (part of the `planning-v2` scale's 1): when a phase starts it searches
 * the whole phase's decision sequence on a private copy of the simulator, on the true future
 * (arrivals, compute draws and traces do not depend on actions, so every path sees exactly what
 * will happen), then plays the sequence it found. It knows the future; no agent can.
 *
 * The search keeps `width` partial sequences. At each decision it extends every kept sequence by
 * every legal action, scores each by its total reward so far (device energy at the myopic
 * variant's battery price, as the rollout planner does: the battery's cost beyond the phase), and
 * keeps the best `width` whose next decisions start from different coarse states (the next
 * request's user, that user's radio tail in whole seconds, its resident models, device backlog,
 * battery charge in 2% steps, whether it is charging, and the edge's requests present and in
 * flight). The diversity rule is what lets it find plans whose cost comes first and whose gain
 * comes later (an offload that opens a radio tail the next requests of a session share): without
 * it, near-identical paths fill the beam and it does worse than the myopic reference (measured
 * on a design of the v4 study: docs/scenario-design.md).
 *
 * Why a second planner: the rollout planner (`planning.ts`) looks `H` decisions ahead with a myopic
 * continuation and misses gains that take a whole session to pay off; on the study's
 * sessions designs this search found 3-10x its value of planning. Neither is optimal: the
 * `planning-v2` reference value is the best of the myopic variants, the rollout planner and this
 * search, per phase in hindsight (`scale.ts`), so a value of planning measured with it is still a
 * lower bound.
 */
import type { Agent } from '../agent.ts';
import { OrchestrationEnv, type EnvSnapshot } from '../env/env.ts';
import type { ClairvoyantPrices } from './myopic.ts';
import { fixedPrices, UNPRICED } from './planning.ts';

/** How wide the beam-search planner searches. */
export interface BeamOptions {
  /** Partial sequences kept per decision (>= 1). */
  width: number;
}

/**
 * The `planning-v2` scale's beam width: on the v4 design study (docs/scenario-design.md) width 32
 * and 64 gave values of planning within 0.01 of each other on every design; 16 lost up to 0.03.
 */
export const BEAM_DEFAULTS: BeamOptions = { width: 32 };

/** One partial sequence: its last action, its parent, its priced total, its state (while kept). */
interface Node {
  parent: Node | null;
  action: number;
  total: number;
  snap: EnvSnapshot | null;
}

/** The coarse state the next decision starts from (the diversity rule above). */
function stateKey(sim: OrchestrationEnv): string {
  const o = sim.currentObservation;
  const u = o.user;
  return `${o.userId}|${Math.round(u.radioTailMs / 1000)}|${u.resident.join('')}|${u.deviceBacklog}|${Math.round(u.batterySoc * 50)}|${u.charging ? 1 : 0}|${o.load.edgeInSystem}|${o.inFlight.edge}`;
}

/**
 * The beam-search planner on `env` (privileged): at the first decision of a phase (and whenever
 * its plan runs out) it searches the rest of the phase, up to `decisions` decisions, from the
 * current state, and then plays the plan. With `prices` (a myopic variant's), device energy is
 * charged at that variant's battery price.
 */
export function createBeamPlanner(env: OrchestrationEnv, opts: BeamOptions = BEAM_DEFAULTS, prices: ClairvoyantPrices = UNPRICED, decisions = Infinity): Agent {
  if (!(Number.isInteger(opts.width) && opts.width >= 1)) throw new Error(`beam planner: width must be an integer >= 1 (got ${opts.width})`);
  const sim = new OrchestrationEnv(env.scenario);
  const battery = env.batteryReadout;
  const pricePerMj = battery ? fixedPrices(prices).energyPriceScale! * battery.shadowPricePerMj : 0;
  const n = env.spec.actions.length;
  let plan: Int32Array = new Int32Array(0);
  let planStart = 0;

  const search = (steps: number): Int32Array => {
    let beam: Node[] = [{ parent: null, action: -1, total: 0, snap: env.snapshot() }];
    const children: Node[] = [];
    const seen = new Set<string>();
    let depth = 0;
    for (; depth < steps; depth++) {
      children.length = 0;
      // Each child scored by what-if (the step's own timeline, no state change): one restore per node.
      for (const node of beam) {
        sim.restore(node.snap!);
        const mask = sim.currentObservation.actionMask;
        for (let a = 0; a < n; a++) {
          if (mask[a] === 0) continue;
          const w = sim.whatIf(a);
          children.push({ parent: node, action: a, total: node.total + w.reward - pricePerMj * w.deviceEnergyMj, snap: null });
        }
      }
      // Best first; the sort is stable, so equal totals keep parent and action order.
      children.sort((x, y) => y.total - x.total);
      seen.clear();
      const next: Node[] = [];
      let done = false;
      // At most 4 x width children are stepped to find width different states.
      for (let i = 0; i < children.length && i < 4 * opts.width && next.length < opts.width; i++) {
        const c = children[i]!;
        sim.restore(c.parent!.snap!);
        done = sim.step(c.action).done;
        const key = stateKey(sim);
        if (seen.has(key)) continue;
        seen.add(key);
        c.snap = sim.snapshot();
        next.push(c);
      }
      // Only the kept nodes' states are needed from here on.
      for (const node of beam) node.snap = null;
      beam = next;
      if (done) {
        depth++;
        break;
      }
    }
    const out = new Int32Array(depth);
    let x: Node | null = beam[0]!;
    for (let i = depth - 1; i >= 0; i--, x = x!.parent) out[i] = x!.action;
    return out;
  };

  return {
    name: 'beam-planner',
    act(): number {
      const i = env.decisionCount;
      if (i === 0 || i < planStart || i >= planStart + plan.length) {
        planStart = i;
        // Past the planned segment (an evaluation longer than asked for): plan the rest of the phase.
        plan = search((i < decisions ? Math.min(decisions, env.phaseBudget) : env.phaseBudget) - i);
      }
      return plan[i - planStart]!;
    },
  };
}
