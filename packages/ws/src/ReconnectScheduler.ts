import type { Backoff, Clock } from '@breakwater/core';
import { nextDelayMs } from '@breakwater/core/adapter';
import type { ConnectReason } from './GuardEvents.ts';
import { defaultBackoff } from './options/resolveBackoff.ts';

/**
 * When the guard's next connection attempt happens: the one wait it schedules at a time (backoff,
 * open breaker, rate limit) on the injected clock, and the backoff it draws delays from.
 */
export class ReconnectScheduler {
  readonly #clock: Clock;
  readonly #backoff: Backoff;
  readonly #connect: (reason: ConnectReason) => void;
  readonly #report: (error: unknown, source: string) => void;
  #timer: unknown = undefined;
  /** Consecutive failed attempts since a connection last lived `minUptimeMs`. */
  #attempt = 0;
  #lastDelayMs = 0;

  readonly #random = (): number => this.#clock.random();

  /**
   * @param report - where a custom backoff's error or invalid delay goes (the guard's
   * `onListenerError`); the default backoff's delay is used instead
   */
  constructor(
    clock: Clock,
    backoff: Backoff,
    connect: (reason: ConnectReason) => void,
    report: (error: unknown, source: string) => void,
  ) {
    this.#clock = clock;
    this.#backoff = backoff;
    this.#connect = connect;
    this.#report = report;
  }

  /** Consecutive failed attempts so far. */
  get attempt(): number {
    return this.#attempt;
  }

  /** True while an attempt is scheduled. */
  get waiting(): boolean {
    return this.#timer !== undefined;
  }

  /** The next backoff delay; `advance` counts the attempt that failed. */
  delay(advance: boolean): number {
    const delayMs = nextDelayMs(
      this.#backoff,
      this.#attempt,
      this.#lastDelayMs,
      this.#random,
      defaultBackoff,
      'reconnect.backoff',
      this.#report,
    );
    if (advance) {
      this.#lastDelayMs = delayMs;
      this.#attempt++;
    }
    return delayMs;
  }

  /** Connects for `reason` after `delayMs`, in place of any attempt already scheduled. */
  schedule(delayMs: number, reason: ConnectReason): void {
    this.cancel();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#connect(reason);
    }, delayMs);
  }

  /** Drops the scheduled attempt, if any. */
  cancel(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Starts the backoff over: a connection lived `minUptimeMs`, or `reconnect()` resumes. */
  reset(): void {
    this.#attempt = 0;
    this.#lastDelayMs = 0;
  }
}
