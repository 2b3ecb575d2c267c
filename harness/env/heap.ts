/**
 * Binary min-heaps on typed arrays, allocation-free once sized: the simulator's event queue
 * (arrivals ordered by time, then insertion sequence) and the completion-time heaps that count
 * requests in a shared tier. Hand-written because the hot loop needs typed storage and a
 * replace-top operation, which general-purpose heap packages do not offer without boxing.
 */

/** The state of an {@link EventQueue} (its heap slots in order, and the next insertion number). */
export interface EventQueueState {
  readonly timeMs: Float64Array;
  readonly seq: Float64Array;
  readonly payload: Int32Array;
  readonly nextSeq: number;
}

/** Min-heap of event times with an integer payload; ties broken by insertion order. */
export class EventQueue {
  private timeMs: Float64Array;
  private seq: Float64Array;
  private payload: Int32Array;
  private n = 0;
  private nextSeq = 0;

  constructor(capacity: number) {
    this.timeMs = new Float64Array(Math.max(1, capacity));
    this.seq = new Float64Array(Math.max(1, capacity));
    this.payload = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
    this.nextSeq = 0;
  }

  /** Time of the earliest event (heap must be non-empty). */
  peekTimeMs(): number {
    return this.timeMs[0]!;
  }

  /** Payload of the earliest event (heap must be non-empty). */
  peekPayload(): number {
    return this.payload[0]!;
  }

  push(timeMs: number, payload: number): void {
    if (this.n === this.timeMs.length) this.grow();
    let i = this.n++;
    const s = this.nextSeq++;
    // Sift up: move parents down until the slot fits.
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(timeMs, s, p)) break;
      this.move(p, i);
      i = p;
    }
    this.set(i, timeMs, s, payload);
  }

  /** Removes the earliest event. */
  pop(): void {
    const last = --this.n;
    if (last > 0) this.siftDown(this.timeMs[last]!, this.seq[last]!, this.payload[last]!);
  }

  /** A copy of the queue's state, for {@link restore}. */
  snapshot(): EventQueueState {
    const n = this.n;
    return { timeMs: this.timeMs.slice(0, n), seq: this.seq.slice(0, n), payload: this.payload.slice(0, n), nextSeq: this.nextSeq };
  }

  /** Puts the queue back to a {@link snapshot} (of this queue or one of the same kind). */
  restore(s: EventQueueState): void {
    const n = s.timeMs.length;
    while (this.timeMs.length < n) this.grow();
    this.timeMs.set(s.timeMs);
    this.seq.set(s.seq);
    this.payload.set(s.payload);
    this.n = n;
    this.nextSeq = s.nextSeq;
  }

  /** Replaces the earliest event by a new one (pop + push with a single sift). */
  replaceTop(timeMs: number, payload: number): void {
    this.siftDown(timeMs, this.nextSeq++, payload);
  }

  private siftDown(t: number, s: number, payload: number): void {
    const n = this.n;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.lessAt(c + 1, c)) c++;
      if (!this.afterSlot(t, s, c)) break;
      this.move(c, i);
      i = c;
    }
    this.set(i, t, s, payload);
  }

  /** Is (t, s) strictly before the entry at slot j? */
  private before(t: number, s: number, j: number): boolean {
    const tj = this.timeMs[j]!;
    return t < tj || (t === tj && s < this.seq[j]!);
  }

  /** Is (t, s) after the entry at slot j? */
  private afterSlot(t: number, s: number, j: number): boolean {
    return !this.before(t, s, j);
  }

  private lessAt(a: number, b: number): boolean {
    return this.before(this.timeMs[a]!, this.seq[a]!, b);
  }

  private move(from: number, to: number): void {
    this.timeMs[to] = this.timeMs[from]!;
    this.seq[to] = this.seq[from]!;
    this.payload[to] = this.payload[from]!;
  }

  private set(i: number, t: number, s: number, payload: number): void {
    this.timeMs[i] = t;
    this.seq[i] = s;
    this.payload[i] = payload;
  }

  private grow(): void {
    const cap = this.timeMs.length * 2;
    const t = new Float64Array(cap);
    t.set(this.timeMs);
    const s = new Float64Array(cap);
    s.set(this.seq);
    const p = new Int32Array(cap);
    p.set(this.payload);
    this.timeMs = t;
    this.seq = s;
    this.payload = p;
  }
}

/** Min-heap of completion times (ms): how many requests are still in a tier at a given time. */
export class CompletionHeap {
  private data: Float64Array;
  private n = 0;

  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.n;
  }

  clear(): void {
    this.n = 0;
  }

  push(tMs: number): void {
    if (this.n === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    const d = this.data;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (d[p]! <= tMs) break;
      d[i] = d[p]!;
      i = p;
    }
    d[i] = tMs;
  }

  /** Drops every completion at or before `tMs`; returns how many remain. */
  drainUntil(tMs: number): number {
    const d = this.data;
    while (this.n > 0 && d[0]! <= tMs) {
      const last = d[--this.n]!;
      const n = this.n;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && d[c + 1]! < d[c]!) c++;
        if (d[c]! >= last) break;
        d[i] = d[c]!;
        i = c;
      }
      d[i] = last;
    }
    return this.n;
  }
}
