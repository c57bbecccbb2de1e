import type { Clock } from './Clock.ts';
import { BreakwaterConfigError } from './errors/BreakwaterConfigError.ts';
import { seededRandom } from './seededRandom.ts';
import {
  expectFunction,
  expectInteger,
  expectNumber,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
} from './validate.ts';

/** Options for {@link ManualClock}. */
export interface ManualClockOptions {
  /**
   * Epoch milliseconds the clock starts at.
   * @defaultValue `Date.UTC(2026, 0, 1)`
   */
  startMs?: number;
  /**
   * Seed of the deterministic `random()` sequence (an integer from 0 to 2^32 - 1). Give `seed` or
   * `random`, not both.
   * @defaultValue `1`
   */
  seed?: number;
  /** Replaces the seeded sequence: a function returning numbers in [0, 1). */
  random?: () => number;
}

const known: KnownKeys<ManualClockOptions> = { startMs: true, seed: true, random: true };

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * A clock that moves only when told to, for deterministic tests of anything time-based.
 *
 * Timers fire in due order during {@link ManualClock.advance}; `advance` awaits pending
 * microtasks before and after each timer, so promise chains started by one timer settle before
 * the next fires.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const breaker = new CircuitBreaker({ clock, openMs: 1_000 });
 * await clock.advance(1_000);
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #monotonic = 0;
  #timers: Timer[] = [];
  #nextId = 1;
  #random: () => number;

  /** @throws BreakwaterConfigError on an unknown or invalid option */
  constructor(options: ManualClockOptions = {}) {
    expectObject('ManualClock options', options as unknown);
    rejectUnknownKeys('', options, known);
    this.#now = expectNumber('startMs', options.startMs ?? Date.UTC(2026, 0, 1), 0);
    if (options.random !== undefined) {
      if (options.seed !== undefined) {
        throw new BreakwaterConfigError(
          'seed',
          'to be left out when `random` is given',
          options.seed,
        );
      }
      this.#random = expectFunction<() => number>('random', options.random);
    } else {
      this.#random = seededRandom(expectInteger('seed', options.seed ?? 1, 0, 0xffff_ffff));
    }
  }

  now(): number {
    return this.#now;
  }

  monotonic(): number {
    return this.#monotonic;
  }

  random(): number {
    return this.#random();
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer: Timer = { id: this.#nextId++, at: this.#monotonic + Math.max(0, ms), fn };
    // Keep the list sorted by due time, then by creation, so equal deadlines fire in order.
    let index = this.#timers.length;
    while (index > 0 && this.#timers[index - 1]!.at > timer.at) index--;
    this.#timers.splice(index, 0, timer);
    return timer.id;
  }

  /** Cancels a timer from `setTimeout`; an unknown or fired handle is ignored. */
  clearTimeout(handle: unknown): void {
    const index = this.#timers.findIndex((timer) => timer.id === handle);
    if (index !== -1) this.#timers.splice(index, 1);
  }

  /**
   * Milliseconds until the next scheduled timer fires, or `undefined` when none is scheduled:
   * `await clock.advance(clock.nextTimerInMs() ?? 0)` jumps straight to it.
   */
  nextTimerInMs(): number | undefined {
    const next = this.#timers[0];
    return next === undefined ? undefined : Math.max(0, next.at - this.#monotonic);
  }

  /** Number of timers scheduled and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, each at its own
   * time, with pending microtasks flushed around each one.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance expects ms >= 0, received ${ms}`);
    const target = this.#monotonic + ms;
    await flushMicrotasks();
    for (;;) {
      const timer = this.#timers[0];
      if (timer === undefined || timer.at > target) break;
      this.#timers.shift();
      this.#moveTo(timer.at);
      timer.fn();
      await flushMicrotasks();
    }
    this.#moveTo(target);
    await flushMicrotasks();
  }

  /** Moves time forward without firing timers: for pure, synchronous logic. */
  tick(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.tick expects ms >= 0, received ${ms}`);
    this.#moveTo(this.#monotonic + ms);
  }

  /** Sets the wall clock only, as when the system clock jumps; timers are not affected. */
  setNow(epochMs: number): void {
    this.#now = epochMs;
  }

  #moveTo(monotonic: number): void {
    this.#now += monotonic - this.#monotonic;
    this.#monotonic = monotonic;
  }
}

/** Lets promise chains that are ready to run finish before time moves on. */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
