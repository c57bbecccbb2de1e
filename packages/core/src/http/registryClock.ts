import type { Clock } from '../Clock.ts';
import type { BreakerRegistry } from '../registry/BreakerRegistry.ts';
import { defaultRegistry } from '../registry/defaultRegistry.ts';

/**
 * The clock of `registry`, or, without one, the clock of the process-wide `defaultRegistry()`
 * of each moment: an adapter given no registry reads the default one at each request, so its
 * retries wait on the clock its breakers run on, even when a test installs a registry with a
 * `ManualClock` after the adapter was created. Not part of the public API.
 */
export function registryClock(registry: BreakerRegistry | undefined): Clock {
  return registry === undefined ? defaultRegistryClock : registry.options.clock;
}

/** A timer and the clock that set it, so it is cleared there if the default registry changed. */
interface Timer {
  readonly clock: Clock;
  readonly handle: unknown;
}

const current = (): Clock => defaultRegistry().options.clock;

const defaultRegistryClock: Clock = Object.freeze({
  now: () => current().now(),
  monotonic: () => current().monotonic(),
  random: () => current().random(),
  setTimeout(fn: () => void, ms: number): Timer {
    const clock = current();
    return { clock, handle: clock.setTimeout(fn, ms) };
  },
  clearTimeout(timer: unknown): void {
    if (timer === undefined) return;
    const { clock, handle } = timer as Timer;
    clock.clearTimeout(handle);
  },
});
