/**
 * Model residency on the end device (the scenario's `tiers.device.residency`): each user's device
 * holds at most `slots` model variants in memory. A local request whose model is not resident
 * first loads it (the device profile's `loadMs`: read the weights + build the model, measured with
 * 1 CPU thread and scaled like the profile's latencies; see scenarios/profiles/README.md), which
 * adds to its compute time and, at the device's busy power, to its energy; the model then becomes
 * resident, evicting the least recently used one when the slots are full. Every phase starts with
 * no model resident. Residency changes at decision time: the device runs its requests in decision
 * order (a FIFO queue), so the orchestrator knows what is resident when it decides.
 */

/** The state of a {@link Residency}. */
export interface ResidencyState {
  readonly model: Int32Array;
  readonly lastUse: Float64Array;
  readonly clock: number;
}

/** Per-user least-recently-used sets of resident models. */
export class Residency {
  /** Per user and slot: the resident model index, or -1. */
  private readonly model: Int32Array;
  /** Per user and slot: when it was last used (a decision counter). */
  private readonly lastUse: Float64Array;
  private clock = 0;
  /** Per model index: its load time (ms) on the device (0 when no device action runs it). */
  private readonly modelLoadMs: Float64Array;

  /**
   * @param slots models a device holds at once (>= 1)
   * @param modelOf the model index of each action (same model on every tier = same index)
   * @param loadMsOf the load time (ms) of each device action's model (0 for non-device actions)
   */
  constructor(users: number, readonly slots: number, private readonly modelOf: Int32Array, private readonly loadMsOf: Float64Array) {
    this.model = new Int32Array(users * slots);
    this.lastUse = new Float64Array(users * slots);
    this.modelLoadMs = new Float64Array(modelOf.reduce((a, m) => Math.max(a, m + 1), 0));
    for (let a = 0; a < modelOf.length; a++) this.modelLoadMs[modelOf[a]!] = Math.max(this.modelLoadMs[modelOf[a]!]!, loadMsOf[a]!);
  }

  reset(): void {
    this.model.fill(-1);
    this.lastUse.fill(0);
    this.clock = 0;
  }

  /** A copy of every user's resident set and the use clock, for {@link restore}. */
  snapshot(): ResidencyState {
    return { model: this.model.slice(), lastUse: this.lastUse.slice(), clock: this.clock };
  }

  /** Puts the resident sets back to a {@link snapshot}. */
  restore(s: ResidencyState): void {
    this.model.set(s.model);
    this.lastUse.set(s.lastUse);
    this.clock = s.clock;
  }

  /** The load time (ms) device action `action` pays for `user` now: 0 when its model is resident. */
  loadMs(user: number, action: number): number {
    return this.slotOf(user, this.modelOf[action]!) >= 0 ? 0 : this.loadMsOf[action]!;
  }

  /**
   * The load time (ms) of the model that device action `action` would evict for `user` now: 0 when
   * its model is resident or a slot is free (the clairvoyant reference prices evictions with it).
   */
  evictedLoadMs(user: number, action: number): number {
    if (this.loadMsOf[action] === 0 || this.slotOf(user, this.modelOf[action]!) >= 0) return 0;
    const base = user * this.slots;
    let lru = base;
    for (let i = base; i < base + this.slots; i++) {
      if (this.model[i] === -1) return 0;
      if (this.lastUse[i]! < this.lastUse[lru]!) lru = i;
    }
    return this.modelLoadMs[this.model[lru]!]!;
  }

  /** Marks device action `action`'s model resident for `user` (evicting the least recently used). */
  use(user: number, action: number): void {
    const m = this.modelOf[action]!;
    let slot = this.slotOf(user, m);
    if (slot < 0) {
      const base = user * this.slots;
      slot = base;
      for (let i = base; i < base + this.slots; i++) {
        if (this.model[i] === -1) { slot = i; break; }
        if (this.lastUse[i]! < this.lastUse[slot]!) slot = i;
      }
      this.model[slot] = m;
    }
    this.lastUse[slot] = ++this.clock;
  }

  /** Writes, per action, 1 when it is a device action whose model is resident for `user`, else 0. */
  fillResident(user: number, isDevice: Int8Array, out: number[]): void {
    for (let a = 0; a < out.length; a++) out[a] = isDevice[a] === 1 && this.slotOf(user, this.modelOf[a]!) >= 0 ? 1 : 0;
  }

  private slotOf(user: number, m: number): number {
    const base = user * this.slots;
    for (let i = base; i < base + this.slots; i++) if (this.model[i] === m) return i;
    return -1;
  }
}
