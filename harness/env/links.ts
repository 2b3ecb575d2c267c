/**
 * The links of one phase: each user's access link (uplink, downlink, RTT replays of its trace
 * from a seeded offset) and the edge-cloud WAN, built from the scenario's trace sources.
 * - Recorded traces: learning replays the first (1 - evaluationFraction) of the trace, evaluation
 *   the rest (the whole trace when the fraction is 0).
 * - Generated traces: a fresh trace per phase from the phase's own stream.
 * - Fixed links are constant.
 * `wrap` loops a segment; `truncate` holds its last rate past the end (the environment ends the
 * phase at the first arrival past a user's segment end), and offsets are then drawn from the
 * first half of the segment. User u replays `access[u % access.length]`.
 */
import { deriveRng, StreamCache, type Rng, type Seed } from '../rng.ts';
import type { CompiledScenario, TraceSource } from '../scenario/compiled.ts';
import { generateTrace } from '../traces/generator.ts';
import type { NetworkTrace } from '../traces/types.ts';
import { LinkReplay, LinkTimeline } from './timeline.ts';

export type Phase = 'learn' | 'eval';

/** The replays of one link (both directions and RTT) for one phase. */
export interface LinkReplays { up: LinkReplay; down: LinkReplay; rtt: LinkReplay }

/** The state of a {@link PhaseLinks}: the replays are immutable once built, so they are shared. */
export interface PhaseLinksState {
  readonly access: LinkReplays[];
  readonly wan: LinkReplays | null;
  readonly wanOffsetMs: number;
  readonly offsetMs: Float64Array;
}

export class PhaseLinks {
  /** One replay set per distinct access trace. */
  access: LinkReplays[] = [];
  wan: LinkReplays | null = null;
  wanOffsetMs = 0;
  /** Per user: replay position of simulated time 0. */
  readonly offsetMs: Float64Array;
  /** Generated traces of the last reset, keyed by `seed/phase/source`, so repeated resets reuse them. */
  private generatedCache = new Map<string, NetworkTrace>();
  /** Timelines built from a trace, so resets do not rebuild the cumulative arrays. */
  private timelineCache = new WeakMap<NetworkTrace, { up: LinkTimeline; down: LinkTimeline; rtt: LinkTimeline | null }>();

  /** `streams` derives the offsets' streams (the environment shares its cache). */
  constructor(private readonly scenario: CompiledScenario, private readonly streams: StreamCache = new StreamCache()) {
    this.offsetMs = new Float64Array(scenario.spec.users.count);
  }

  /** Builds the phase's replays and draws every offset from `(seed, scenario, phase)` streams. */
  reset(seed: Seed, phase: Phase): void {
    const s = this.scenario.spec;
    const id = this.scenario.id;
    const wrap = s.replay.atEnd === 'wrap';
    this.access = this.scenario.access.map((src, k) => this.replays(src, seed, phase, `access${k}`, s.links.access.rttMs, wrap));
    this.wan = this.replays(this.scenario.wan, seed, phase, 'wan', s.links.wan.rttMs, wrap);
    this.wanOffsetMs = this.drawOffset(this.wan.up, this.streams.derive(seed, id, phase, 'offset', 'wan'));
    for (let u = 0; u < this.offsetMs.length; u++) this.offsetMs[u] = this.drawOffset(this.of(u).up, this.streams.derive(seed, id, phase, 'offset', u));
  }

  /** The phase's replays (shared: they never change within a phase) and a copy of the offsets. */
  snapshot(): PhaseLinksState {
    return { access: this.access, wan: this.wan, wanOffsetMs: this.wanOffsetMs, offsetMs: this.offsetMs.slice() };
  }

  /** Puts the replays and offsets of a {@link snapshot} back. */
  restore(s: PhaseLinksState): void {
    this.access = s.access;
    this.wan = s.wan;
    this.wanOffsetMs = s.wanOffsetMs;
    this.offsetMs.set(s.offsetMs);
  }

  /** User u's access link. */
  of(u: number): LinkReplays {
    return this.access[u % this.access.length]!;
  }

  /** Seeded offsets: uniform over the segment (wrap) or its first half (truncate). */
  private drawOffset(replay: LinkReplay, rng: Rng): number {
    if (this.scenario.spec.replay.startOffset === 'zero') return 0;
    return rng.float() * replay.segLengthMs * (replay.wrap ? 1 : 0.5);
  }

  private replays(src: TraceSource, seed: Seed, phase: Phase, label: string, baseRttMs: number, wrap: boolean): LinkReplays {
    const linear = this.scenario.spec.replay.interpolation === 'linear';
    const whole = (tl: LinkTimeline) => new LinkReplay(tl, 0, tl.lengthMs, wrap);
    if (src.kind === 'fixed') {
      return {
        up: whole(LinkTimeline.constant(src.uplinkMbps)),
        down: whole(LinkTimeline.constant(src.downlinkMbps)),
        rtt: whole(LinkTimeline.constant(baseRttMs)),
      };
    }
    let trace: NetworkTrace;
    let from = 0;
    let to: number;
    if (src.kind === 'recorded') {
      trace = src.trace;
      const cut = trace.durationMs * (1 - this.scenario.spec.replay.evaluationFraction);
      to = trace.durationMs;
      if (cut > 0 && cut < trace.durationMs) {
        if (phase === 'learn') to = cut;
        else from = cut;
      }
    } else {
      const key = `${seed}/${phase}/${label}`;
      let g = this.generatedCache.get(key);
      if (!g) {
        g = generateTrace(src.params, src.durationS * 1000, deriveRng(seed, this.scenario.id, phase, 'trace', label));
        if (this.generatedCache.size >= 2 * (this.scenario.access.length + 1)) this.generatedCache.clear();
        this.generatedCache.set(key, g);
      }
      trace = g;
      to = trace.durationMs;
    }
    let tl = this.timelineCache.get(trace);
    if (!tl) {
      tl = {
        up: LinkTimeline.fromTrace(trace, 'up', linear),
        down: LinkTimeline.fromTrace(trace, 'down', linear),
        rtt: trace.rttMs ? new LinkTimeline(trace.tMs, trace.rttMs, trace.durationMs, false) : null,
      };
      this.timelineCache.set(trace, tl);
    }
    return {
      up: new LinkReplay(tl.up, from, to, wrap),
      down: new LinkReplay(tl.down, from, to, wrap),
      rtt: tl.rtt ? new LinkReplay(tl.rtt, from, to, wrap) : whole(LinkTimeline.constant(baseRttMs)),
    };
  }
}
