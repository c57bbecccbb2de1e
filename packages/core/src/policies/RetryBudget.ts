import { type Clock, systemClock } from '../Clock.ts';
import {
  expectNumber,
  expectObject,
  expectRate,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';

/** Options for {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /**
   * Retries allowed per call made, over the window: `0.1` lets retries add at most 10 % to the
   * load a dependency sees.
   * @defaultValue `0.1`
   */
  retryRate?: number;
  /**
   * Retries allowed per second whatever the traffic, so a process that makes few calls can still
   * retry them.
   * @defaultValue `10`
   */
  minRetriesPerSecond?: number;
  /**
   * How far back calls and retries are counted.
   * @defaultValue `10000`
   */
  windowMs?: number;
  /**
   * Where time comes from.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
}

const known: KnownKeys<RetryBudgetOptions> = {
  retryRate: true,
  minRetriesPerSecond: true,
  windowMs: true,
  clock: true,
};

/** The window is split in this many buckets: memory is fixed and expiry is O(1) per call. */
const bucketCount = 10;

/**
 * Caps retries to a share of recent calls, like Finagle's and gRPC's retry budgets: every call
 * deposits `retryRate` of a retry, every retry withdraws one, and a reserve of
 * `minRetriesPerSecond` lets quiet processes retry too. When a dependency fails every call, each
 * caller then retries about `retryRate` of them instead of all, so a fleet of clients cannot
 * multiply an outage's load by `maxAttempts`.
 *
 * One budget is meant to be shared by every retry policy that calls the same dependency. Calls
 * and retries are counted in ten buckets over `windowMs`, allocated once.
 *
 * @see https://twitter.github.io/finagle/guide/Clients.html#retries
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const budget = new RetryBudget({ retryRate: 0.2 });
 * const orders = retry({ budget, maxAttempts: 4 });
 * const quotes = retry({ budget });
 * ```
 */
export class RetryBudget {
  readonly #clock: Clock;
  readonly #retryRate: number;
  readonly #reserve: number;
  readonly #bucketMs: number;
  readonly #calls = new Float64Array(bucketCount);
  readonly #retries = new Float64Array(bucketCount);
  #callSum = 0;
  #retrySum = 0;
  /** Absolute index (time / bucketMs) of the newest bucket. */
  #head = -Infinity;

  constructor(options: RetryBudgetOptions = {}) {
    // Checked through a copy typed unknown: the assertion would narrow `options` itself.
    const input: unknown = options;
    expectObject('RetryBudget options', input);
    rejectUnknownKeys('', input, known);
    this.#retryRate = expectRate('retryRate', options.retryRate ?? 0.1, true);
    const perSecond = expectNumber('minRetriesPerSecond', options.minRetriesPerSecond ?? 10, 0);
    const windowMs = expectNumber('windowMs', options.windowMs ?? 10_000, 10);
    this.#reserve = (perSecond * windowMs) / 1000;
    this.#bucketMs = windowMs / bucketCount;
    this.#clock = options.clock ?? systemClock;
  }

  /** Records a call (a first attempt). The retry policy calls this once per `execute()`. */
  deposit(): void {
    const index = this.#advance();
    this.#calls[index]! += 1;
    this.#callSum += 1;
  }

  /**
   * Takes one retry from the budget if there is one.
   * @returns `true` when the retry may go ahead, `false` when the budget is exhausted
   */
  tryWithdraw(): boolean {
    const index = this.#advance();
    if (this.#available() < 1) return false;
    this.#retries[index]! += 1;
    this.#retrySum += 1;
    return true;
  }

  /** Whole retries the budget allows right now. */
  get balance(): number {
    this.#advance();
    return Math.max(0, Math.floor(this.#available()));
  }

  #available(): number {
    // The epsilon keeps 10 calls × 0.1 worth exactly one retry despite binary fractions.
    return this.#reserve + this.#callSum * this.#retryRate - this.#retrySum + 1e-9;
  }

  /** Expires buckets older than the window and returns the ring index of the current one. */
  #advance(): number {
    const now = Math.floor(this.#clock.monotonic() / this.#bucketMs);
    if (now > this.#head) {
      const expired = Math.min(bucketCount, now - this.#head);
      for (let i = 1; i <= expired; i++) {
        const index = ring(now - expired + i);
        this.#callSum -= this.#calls[index]!;
        this.#retrySum -= this.#retries[index]!;
        this.#calls[index] = 0;
        this.#retries[index] = 0;
      }
      this.#head = now;
    }
    return ring(this.#head);
  }
}

function ring(absolute: number): number {
  return ((absolute % bucketCount) + bucketCount) % bucketCount;
}
