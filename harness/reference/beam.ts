/**
 * The beam-search planner (part of the `planning-v2` scale's 1): when a phase starts it searches
 * the phase's decision sequence on a private copy of the simulator, on the true future (arrivals,
 * compute draws and traces do not depend on actions, so every path sees exactly what will happen),
 * then plays the sequence it found. It knows the future; no agent can.
 *
 * It starts from the best myopic variant's sequence and improves it one user at a time (one pass,
 * users in index order): for user u, the other users' decisions stay as planned and a beam search
 * chooses u's. The beam keeps `width` partial sequences, each at u's next pending request. It
 * extends each by every legal action of u, ranks them by their total reward so far plus the
 * action's own (device energy at the myopic variant's battery price, as the rollout planner charges
 * it: the battery's cost beyond the phase), and steps the best of them (at most 2 x width)
 * through the others' planned decisions to u's next request, keeping the best `width` that reach
 * different coarse states of u there (radio tail in whole seconds, resident models, device
 * backlog, battery charge in 2% steps, whether it is charging, the edge's requests present and in
 * flight). The diversity rule is what lets it find plans whose cost comes first and whose gain
 * later (an offload that opens a radio tail the rest of a session shares): without it,
 * near-identical paths fill the beam. Searching one user at a time is what keeps that rule
 * meaningful with several users (a beam over the joint sequence, keyed on whoever decides next,
 * found a third of the single-user value on 4-user designs: docs/scenario-design.md).
 *
 * Why a second planner: the rollout planner (`planning.ts`) looks `H` decisions ahead with a myopic
 * continuation and misses gains that take a whole session to pay off. Neither is optimal: the
 * `planning-v2` reference value is the best of the myopic variants, the rollout planner and this
 * search, per phase in hindsight (`scale.ts`), so a value of planning measured with it is a lower
 * bound of what planning is worth.
 */
import type { Agent } from '../agent.ts';
import { OrchestrationEnv, type EnvSnapshot } from '../env/env.ts';
import { createClairvoyant, fixedPrices, UNPRICED, type ClairvoyantPrices } from './myopic.ts';

/** How wide the beam-search planner searches. */
export interface BeamOptions {
  /** Partial sequences kept per decision of the user being planned (>= 1). */
  width: number;
}

/**
 * The `planning-v2` scale's beam width: on four designs of the v4 study (seed 201,
 * docs/scenario-design.md) width 32 changed the value of planning by at most 0.015 against 16.
 */
export const BEAM_DEFAULTS: BeamOptions = { width: 16 };

/** One partial sequence: u's action at decision `index`, its parent, its priced total, its state (while kept). */
interface Node {
  parent: Node | null;
  index: number;
  action: number;
  total: number;
  snap: EnvSnapshot | null;
}

/** The coarse state of the pending request's user (the diversity rule above). */
function stateKey(sim: OrchestrationEnv): string {
  const o = sim.currentObservation;
  const u = o.user;
  return `${Math.round(u.radioTailMs / 1000)}|${u.resident.join('')}|${u.deviceBacklog}|${Math.round(u.batterySoc * 50)}|${u.charging ? 1 : 0}|${o.load.edgeInSystem}|${o.inFlight.edge}`;
}

/**
 * The beam-search planner on `env` (privileged): at the first decision of a phase (and whenever
 * its plan runs out) it plans the rest of the phase, up to `decisions` decisions, from the current
 * state, and then plays the plan. `prices` are a myopic variant's: its start sequence, and its
 * battery price for device energy.
 */
export function createBeamPlanner(env: OrchestrationEnv, opts: BeamOptions = BEAM_DEFAULTS, prices: ClairvoyantPrices = UNPRICED, decisions = Infinity): Agent {
  if (!(Number.isInteger(opts.width) && opts.width >= 1)) throw new Error(`beam planner: width must be an integer >= 1 (got ${opts.width})`);
  const fixed = fixedPrices(prices);
  const sim = new OrchestrationEnv(env.scenario);
  const battery = env.batteryReadout;
  const pricePerMj = battery ? fixed.energyPriceScale! * battery.shadowPricePerMj : 0;
  const n = env.spec.actions.length;
  let plan: Int32Array = new Int32Array(0);
  let planStart = 0;

  /** The priced value of the decision `sim` just stepped. */
  const value = (): number => sim.lastDecision.reward - pricePerMj * sim.lastDecision.outcome.deviceEnergyMj;

  /** The myopic variant's sequence from `start` for up to `steps` decisions, and each decision's user. */
  const myopicPlan = (start: EnvSnapshot, steps: number): { actions: Int32Array; users: Int32Array } => {
    sim.restore(start);
    const myopic = createClairvoyant(sim, fixed);
    const actions: number[] = [];
    const users: number[] = [];
    let done = steps <= 0;
    while (!done) {
      const obs = sim.currentObservation;
      const a = myopic.act(obs);
      users.push(obs.userId);
      actions.push(a);
      done = sim.step(a).done || actions.length >= steps;
    }
    return { actions: Int32Array.from(actions), users: Int32Array.from(users) };
  };

  /** Improves `actions` in place for user `u`'s decisions, the others' held as they are. */
  const improveUser = (start: EnvSnapshot, startIndex: number, actions: Int32Array, users: Int32Array, u: number): void => {
    const end = startIndex + actions.length;
    // Steps the others' planned decisions until u's next request is pending; true when the plan ends first.
    const advance = (node: Node): boolean => {
      for (let i = sim.decisionCount; i < end; i++) {
        if (users[i - startIndex] === u) return false;
        sim.step(actions[i - startIndex]!);
        node.total += value();
      }
      return true;
    };
    sim.restore(start);
    const root: Node = { parent: null, index: -1, action: -1, total: 0, snap: null };
    if (advance(root)) return;
    root.snap = sim.snapshot();
    let beam: Node[] = [root];
    const children: Node[] = [];
    const seen = new Set<string>();
    let finished: Node[] = [];
    while (beam.length > 0) {
      children.length = 0;
      for (const node of beam) {
        sim.restore(node.snap!);
        const mask = sim.currentObservation.actionMask;
        for (let a = 0; a < n; a++) {
          if (mask[a] === 0) continue;
          const w = sim.whatIf(a);
          children.push({ parent: node, index: sim.decisionCount, action: a, total: node.total + w.reward - pricePerMj * w.deviceEnergyMj, snap: null });
        }
      }
      // Best first; the sort is stable, so equal totals keep parent and action order.
      children.sort((x, y) => y.total - x.total);
      seen.clear();
      const next: Node[] = [];
      finished = [];
      for (let i = 0; i < children.length && i < 2 * opts.width && next.length + finished.length < opts.width; i++) {
        const c = children[i]!;
        sim.restore(c.parent!.snap!);
        sim.step(c.action);
        c.total = c.parent!.total + value();
        if (advance(c)) {
          finished.push(c);
          continue;
        }
        const key = stateKey(sim);
        if (seen.has(key)) continue;
        seen.add(key);
        c.snap = sim.snapshot();
        next.push(c);
      }
      // Only the kept nodes' states are needed from here on.
      for (const node of beam) node.snap = null;
      // u's requests are the same on every path, so every kept path ends at the same decision.
      beam = finished.length > 0 ? [] : next;
    }
    let best = finished[0]!;
    for (const f of finished) if (f.total > best.total) best = f;
    for (let x: Node | null = best; x && x.index >= 0; x = x.parent) actions[x.index - startIndex] = x.action;
  };

  const search = (steps: number): Int32Array => {
    const start = env.snapshot();
    const startIndex = env.decisionCount;
    const { actions, users } = myopicPlan(start, steps);
    for (let u = 0; u < env.spec.users; u++) improveUser(start, startIndex, actions, users, u);
    return actions;
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
