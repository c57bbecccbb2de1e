import type { Clock } from '@breakwater/core';

/**
 * A clock that runs `speed` times faster than real time, so the demo's 60-second story plays in
 * `60 / speed` seconds with every duration in it (open periods, Retry-After waits, bans,
 * timeouts) shrunk alike. Breakers, the simulator and the bot all read this one clock, so they
 * agree on what "now" is; at speed 1 it is the system clock's time.
 *
 * Timers are real `setTimeout`s of `ms / speed`.
 */
export class ScaledClock implements Clock {
  readonly speed: number;
  #startWall = Date.now();
  readonly #startMono = performance.now();

  constructor(speed: number) {
    if (!(Number.isFinite(speed) && speed > 0)) {
      throw new RangeError(`speed must be a positive number, got ${String(speed)}`);
    }
    this.speed = speed;
  }

  /** Scaled epoch milliseconds: real time at the start, then `speed` ms per real ms. */
  now(): number {
    return Math.round(this.#startWall + (performance.now() - this.#startMono) * this.speed);
  }

  /**
   * Moves the wall clock (never the monotonic one) so that a minute starts at `monotonicMs`:
   * Binance counts request weight in whole minutes of its clock, and the story wants its minute
   * to end at a known moment. Call it before the story starts: a wall-clock step is harmless to
   * breakers (they time everything on the monotonic clock), not to a story already running.
   */
  alignMinuteAt(monotonicMs: number): void {
    const wallThen = this.#startWall + monotonicMs;
    this.#startWall += Math.ceil(wallThen / 60_000) * 60_000 - wallThen;
  }

  monotonic(): number {
    return (performance.now() - this.#startMono) * this.speed;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    if (!Number.isFinite(ms) || ms / this.speed > 2_147_483_647) return undefined;
    return setTimeout(fn, Math.max(0, ms / this.speed));
  }

  clearTimeout(handle: unknown): void {
    if (handle !== undefined) clearTimeout(handle as ReturnType<typeof setTimeout>);
  }

  random(): number {
    return Math.random();
  }

  /** Resolves after `ms` of scaled time (or at once when `signal` aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => {
        this.clearTimeout(handle);
        resolve();
      };
      const handle = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Real milliseconds for `ms` of scaled time: what clients with their own timers are given. */
  real(ms: number): number {
    return ms / this.speed;
  }
}
