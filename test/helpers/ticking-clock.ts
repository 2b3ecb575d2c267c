/**
 * Deterministic clocks for tests of measured durations. While `f` runs, `performance.now()` (the
 * global one, which `node:perf_hooks` exports too) of this thread returns what `now` gives;
 * worker threads keep their own clock.
 */
export async function withClock<T>(now: () => number, f: () => T | Promise<T>): Promise<T> {
  const real = Object.getOwnPropertyDescriptor(performance, 'now');
  Object.defineProperty(performance, 'now', { value: now, configurable: true, writable: true });
  try {
    return await f();
  } finally {
    if (real) Object.defineProperty(performance, 'now', real);
    else delete (performance as { now?: unknown }).now;
  }
}

/**
 * While `f` runs, `performance.now()` returns 1, 2, 3, ... (ms), one tick per call. A duration
 * measured around some work is then > 0 exactly when the work was timed, however fast the
 * machine, and 0 when it was not: no wall-clock dependence.
 */
export async function withTickingClock<T>(f: () => T | Promise<T>): Promise<T> {
  let t = 0;
  return withClock(() => ++t, f);
}

/** While `f` runs, `performance.now()` stands still: every duration this thread measures is 0. */
export async function withFrozenClock<T>(f: () => T | Promise<T>): Promise<T> {
  return withClock(() => 0, f);
}
