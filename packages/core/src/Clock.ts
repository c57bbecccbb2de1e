/**
 * Everything time-related in Breakwater goes through a `Clock`, so tests can drive time with
 * {@link ManualClock} and fleets can seed their jitter.
 */
export interface Clock {
  /** Wall-clock time in epoch milliseconds; used for state that other processes read. */
  now(): number;
  /** Monotonic milliseconds with sub-millisecond precision; used only to measure durations. */
  monotonic(): number;
  /** Schedules `fn` after `ms` milliseconds and returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer from {@link Clock.setTimeout}; an unknown or fired handle is ignored. */
  clearTimeout(handle: unknown): void;
  /** A number in [0, 1); the only source of randomness (jitter, sampling). */
  random(): number;
}

/**
 * The longest delay a platform timer holds (2^31 - 1 ms, 24.8 days); longer ones fire at once in
 * Node and browsers. The system clock treats a longer delay as "never".
 */
export const maxTimerMs = 2_147_483_647;

/**
 * The platform clock: `Date.now`, `performance.now`, the global timers and `Math.random`.
 * A delay over {@link maxTimerMs} (or infinite) schedules nothing: it would never come.
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn: () => void, ms: number) => (ms > maxTimerMs ? undefined : setTimeout(fn, ms)),
  clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
});

/**
 * Schedules `fn(arg)` on `clock`. With the system clock this is the platform's
 * `setTimeout(fn, ms, arg)`, which saves the closure a call with a deadline would otherwise
 * allocate (measured on the closed path with a timeout); other clocks get a closure.
 * @internal
 */
export function setTimeoutWith<A>(clock: Clock, fn: (arg: A) => void, ms: number, arg: A): unknown {
  if (clock === systemClock) return ms > maxTimerMs ? undefined : setTimeout(fn, ms, arg);
  return clock.setTimeout(() => fn(arg), ms);
}
