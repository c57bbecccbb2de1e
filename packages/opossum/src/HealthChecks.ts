import type { Clock } from '@breakwater/core';
import { backgroundTimer } from './timers.ts';

/**
 * The health checks of one breaker (`healthCheck(fn, interval)`): each runs at once and then every
 * `interval` ms on an unref'd timer, until `shutdown()` (opossum never stops them). A check that
 * rejects, throws, or returns a rejected thenable has failed.
 */
export class HealthChecks {
  readonly #clock: Clock;
  readonly #onFailure: (error: unknown) => void;
  readonly #timers = new Set<unknown>();
  #stopped = false;

  constructor(clock: Clock, onFailure: (error: unknown) => void) {
    this.#clock = clock;
    this.#onFailure = onFailure;
  }

  /** Runs `check` now and every `intervalMs`. */
  start(check: () => unknown, intervalMs: number): void {
    if (this.#stopped) return;
    const run = (): void => {
      let result: unknown;
      try {
        result = check();
      } catch (error) {
        this.#onFailure(error);
        return;
      }
      if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') {
        Promise.resolve(result).then(undefined, (error: unknown) => {
          if (!this.#stopped) this.#onFailure(error);
        });
      }
    };
    const tick = (timer: { handle: unknown }): void => {
      this.#timers.delete(timer.handle);
      if (this.#stopped) return;
      timer.handle = backgroundTimer(this.#clock, () => tick(timer), intervalMs);
      this.#timers.add(timer.handle);
      run();
    };
    const timer = { handle: backgroundTimer(this.#clock, () => tick(timer), intervalMs) };
    this.#timers.add(timer.handle);
    run();
  }

  /** Stops every check. */
  stop(): void {
    this.#stopped = true;
    for (const handle of this.#timers) this.#clock.clearTimeout(handle);
    this.#timers.clear();
  }
}
