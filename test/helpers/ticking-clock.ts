/**
 * A deterministic clock for tests of measured durations: while `f` runs, `performance.now()` (the
 * global one, which `node:perf_hooks` exports too) returns 1, 2, 3, ... (ms), one tick per call. A
 * duration measured around some work is then > 0 exactly when the work was timed, however fast
 * the machine, and 0 when it was not: no wall-clock dependence.
 */
export async function withTickingClock<T>(f: () => T | Promise<T>): Promise<T> {
  const real = Object.getOwnPropertyDescriptor(performance, 'now');
  let t = 0;
  Object.defineProperty(performance, 'now', { value: () => ++t, configurable: true, writable: true });
  try {
    return await f();
  } finally {
    if (real) Object.defineProperty(performance, 'now', real);
    else delete (performance as { now?: unknown }).now;
  }
}
