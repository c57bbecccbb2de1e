import type { Clock } from '@breakwater/core';
import { backgroundTimer } from '../timers.ts';

/** A call waiting for its deadline. */
export interface Expirable {
  /** Monotonic ms at which the call times out. */
  readonly deadline: number;
  /** True once the call settled: the queue drops it. */
  readonly done: boolean;
  /** The deadline passed before the call settled. */
  expire(): void;
}

/** Settled calls dropped from the front before the array is compacted. */
const compactAfter = 1024;

/**
 * The deadlines of one breaker's calls, on one timer. Every call of a breaker has the same
 * `timeout`, so deadlines arrive in order and a FIFO holds them sorted: the timer is armed for
 * the oldest pending deadline, and when it fires, every expired call expires and the timer is
 * armed for the next. A call that settles is only flagged (`done`) and dropped when it reaches
 * the front.
 *
 * opossum arms a `setTimeout` per call and clears it when the call settles; with its default
 * 10 s timeout, that is most of what a call costs (setTimeout + clearTimeout ≈ 265 ns of a
 * ≈ 370 ns call, measured for the core). Here a steady stream of calls costs one timer wakeup per
 * `timeout`. A deadline is never early: the timer is re-armed when it fires before the oldest
 * pending deadline. The timer is unref'd: a call whose action holds nothing open (a promise
 * nobody resolves) does not keep the process alive, where opossum's timer would until it fires.
 */
export class DeadlineQueue {
  readonly #clock: Clock;
  readonly #calls: Expirable[] = [];
  #head = 0;
  /** The deadline the timer is armed for, or `Infinity` when it is not armed. */
  #armedFor = Infinity;
  /** Expiring calls: their listeners and fallbacks may fire new calls, which must not arm. */
  #firing = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Adds a call; `now` is the monotonic time it started. */
  // hot path: once per call with a timeout.
  add(call: Expirable, now: number): void {
    this.#calls.push(call);
    if (this.#armedFor === Infinity && !this.#firing) this.#arm(call.deadline - now, call.deadline);
  }

  /** Drops the settled calls at the front, so a steady stream keeps the queue short. */
  // hot path: once per settled call with a timeout.
  settled(): void {
    const calls = this.#calls;
    let head = this.#head;
    while (head < calls.length && calls[head]!.done) head++;
    if (head === calls.length) {
      calls.length = 0;
      head = 0;
    } else if (head >= compactAfter) {
      calls.splice(0, head);
      head = 0;
    }
    this.#head = head;
  }

  #arm(ms: number, deadline: number): void {
    this.#armedFor = deadline;
    backgroundTimer(this.#clock, () => this.#fire(), Math.max(0, ms));
  }

  #fire(): void {
    this.#armedFor = Infinity;
    const now = this.#clock.monotonic();
    const calls = this.#calls;
    this.#firing = true;
    try {
      while (this.#head < calls.length) {
        const call = calls[this.#head]!;
        if (!call.done && call.deadline > now) break;
        this.#head++;
        if (!call.done) call.expire();
      }
    } finally {
      this.#firing = false;
    }
    this.settled();
    const next = calls[this.#head];
    if (next !== undefined) this.#arm(next.deadline - this.#clock.monotonic(), next.deadline);
  }
}
