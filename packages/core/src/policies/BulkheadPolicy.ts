import { type Clock, systemClock } from '../Clock.ts';
import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import {
  BulkheadRejectedError,
  type BulkheadRejectionReason,
} from '../errors/BulkheadRejectedError.ts';
import { Emitter, type ListenerErrorHandler } from '../events/Emitter.ts';
import type { CallContext } from '../Outcome.ts';
import {
  expectClock,
  expectFunction,
  expectInteger,
  expectNumber,
  expectObject,
  expectString,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';
import type { Action, ExecuteOptions } from './Policy.ts';
import { PolicyBase } from './PolicyBase.ts';

/** Options for {@link BulkheadPolicy}. */
export interface BulkheadPolicyOptions {
  /** How many calls may run at once (an integer >= 1). */
  maxConcurrent: number;
  /**
   * How many calls may wait for a slot; more are rejected at once. `Infinity` for no bound.
   * @defaultValue `0`
   */
  maxQueue?: number;
  /**
   * How long a call may wait in the queue before it is rejected, in milliseconds.
   * @defaultValue `Infinity`
   */
  queueTimeoutMs?: number;
  /**
   * Names the bulkhead in errors and events.
   * @defaultValue `'default'`
   */
  name?: string;
  /**
   * Source of the queue-timeout timers.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
  /**
   * Receives errors thrown by event listeners.
   * @defaultValue rethrow in a microtask
   */
  onListenerError?: ListenerErrorHandler;
}

/** The validated, frozen form of {@link BulkheadPolicyOptions}. */
export interface ResolvedBulkheadPolicyOptions {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly queueTimeoutMs: number;
  readonly name: string;
  readonly clock: Clock;
  readonly onListenerError: ListenerErrorHandler | undefined;
}

/** {@link ExecuteOptions} plus the call's place in the bulkhead's queue. */
export interface BulkheadExecuteOptions extends ExecuteOptions {
  /**
   * Queued calls with a higher priority get a slot first; equal priorities are first in, first
   * out. Any finite number.
   * @defaultValue `0`
   */
  readonly priority?: number;
}

/** Payload of the `bulkheadRejected` event. */
export interface BulkheadRejectedEvent {
  readonly bulkhead: string;
  readonly reason: BulkheadRejectionReason;
  /** Calls running when the call was rejected. */
  readonly active: number;
  /** Calls queued when the call was rejected (not counting it). */
  readonly queued: number;
  readonly context: CallContext | undefined;
}

/** Events of a {@link BulkheadPolicy}. */
export interface BulkheadPolicyEvents {
  bulkheadRejected: BulkheadRejectedEvent;
}

interface Waiter {
  readonly fn: Action<unknown>;
  readonly signal: AbortSignal | undefined;
  readonly priority: number;
  readonly context: CallContext | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
  timer: unknown;
  onAbort: (() => void) | undefined;
}

const known: KnownKeys<BulkheadPolicyOptions> = {
  maxConcurrent: true,
  maxQueue: true,
  queueTimeoutMs: true,
  name: true,
  clock: true,
  onListenerError: true,
};

/**
 * Validates {@link BulkheadPolicyOptions} once.
 * @throws BreakwaterConfigError on a missing, invalid or unknown option
 */
export function resolveBulkheadPolicyOptions(
  options: BulkheadPolicyOptions,
): ResolvedBulkheadPolicyOptions {
  expectObject('bulkhead options', options);
  rejectUnknownKeys('', options, known);
  return Object.freeze({
    maxConcurrent: expectInteger('maxConcurrent', options.maxConcurrent, 1),
    maxQueue: expectInteger('maxQueue', options.maxQueue ?? 0, 0, Infinity),
    queueTimeoutMs: expectNumber(
      'queueTimeoutMs',
      options.queueTimeoutMs ?? Infinity,
      0,
      Infinity,
      true,
    ),
    name: expectString('name', options.name ?? 'default'),
    clock: options.clock === undefined ? systemClock : expectClock('clock', options.clock),
    onListenerError:
      options.onListenerError === undefined
        ? undefined
        : expectFunction<ListenerErrorHandler>('onListenerError', options.onListenerError),
  });
}

/**
 * Limits how many calls run at once, so one slow dependency cannot take every socket, worker or
 * request budget. Calls beyond `maxConcurrent` wait in a bounded queue (higher `priority` first,
 * first in, first out within a priority) for up to `queueTimeoutMs`; beyond `maxQueue` they are
 * rejected at once with {@link BulkheadRejectedError}. A queued call whose signal aborts leaves
 * the queue and rejects with the signal's reason. A slot is released however the call settles.
 *
 * @example
 * ```ts
 * const orders = bulkhead({ name: 'orders', maxConcurrent: 4, maxQueue: 16 });
 * orders.on('bulkheadRejected', (event) => console.warn(`${event.bulkhead}: ${event.reason}`));
 * await orders.execute((signal) => placeOrder(order, { signal }), { priority: 1 });
 * ```
 */
export class BulkheadPolicy extends PolicyBase<BulkheadPolicyEvents, BulkheadExecuteOptions> {
  readonly #options: ResolvedBulkheadPolicyOptions;
  #active = 0;
  /** Sorted by priority, highest first; FIFO within a priority. */
  readonly #queue: Waiter[] = [];

  /** @throws BreakwaterConfigError on an invalid option */
  constructor(options: BulkheadPolicyOptions) {
    const resolved = resolveBulkheadPolicyOptions(options);
    super(new Emitter(resolved.onListenerError));
    this.#options = resolved;
  }

  /** The bulkhead's name. */
  get name(): string {
    return this.#options.name;
  }

  /** Calls running now. */
  get active(): number {
    return this.#active;
  }

  /** Calls waiting for a slot now. */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Runs `fn` in a free slot, or queues it until one frees.
   * @throws BulkheadRejectedError (as a rejection) when the queue is full or the queue timeout
   *   passes
   * @throws the caller's `signal.reason` (as a rejection) when the signal aborts before a slot
   *   was granted
   * @throws BreakwaterConfigError (as a rejection) when `options.priority` is not finite
   */
  execute<T>(fn: Action<T>, options?: BulkheadExecuteOptions): Promise<T> {
    // hot path: with a free slot, nothing is allocated but the `.then` on the action's promise.
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const priority = options?.priority ?? 0;
    if (!Number.isFinite(priority)) {
      return Promise.reject(new BreakwaterConfigError('priority', 'a finite number', priority));
    }
    if (this.#active < this.#options.maxConcurrent) {
      this.#active++;
      return this.#run(fn, signal) as Promise<T>;
    }
    if (this.#queue.length >= this.#options.maxQueue) {
      return Promise.reject(this.#reject('full', options?.context));
    }
    return new Promise<T>((resolve, reject) => {
      this.#enqueue({
        fn,
        signal,
        priority,
        context: options?.context,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer: undefined,
        onAbort: undefined,
      });
    });
  }

  // hot path: `#released` and `#failed` are bound once, so a call allocates no closure.
  #run(fn: Action<unknown>, signal: AbortSignal | undefined): Promise<unknown> {
    let pending: PromiseLike<unknown>;
    try {
      pending = fn(signal);
    } catch (error) {
      this.#release();
      return Promise.reject(error);
    }
    return Promise.resolve(pending).then(this.#released, this.#failed);
  }

  readonly #released = (value: unknown): unknown => {
    this.#release();
    return value;
  };

  readonly #failed = (error: unknown): never => {
    this.#release();
    throw error;
  };

  #release(): void {
    this.#active--;
    const next = this.#queue.shift();
    if (next === undefined) return;
    this.#detach(next);
    this.#active++;
    this.#run(next.fn, next.signal).then(next.resolve, next.reject);
  }

  #enqueue(waiter: Waiter): void {
    const queue = this.#queue;
    // Binary search for the first waiter with a lower priority: FIFO among equals.
    let low = 0;
    let high = queue.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (queue[mid]!.priority >= waiter.priority) low = mid + 1;
      else high = mid;
    }
    queue.splice(low, 0, waiter);
    const { queueTimeoutMs, clock } = this.#options;
    if (queueTimeoutMs !== Infinity) {
      waiter.timer = clock.setTimeout(() => {
        waiter.timer = undefined;
        this.#leave(waiter);
        waiter.reject(this.#reject('queue_timeout', waiter.context, queueTimeoutMs));
      }, queueTimeoutMs);
    }
    const signal = waiter.signal;
    if (signal !== undefined) {
      waiter.onAbort = () => {
        this.#leave(waiter);
        waiter.reject(signal.reason);
      };
      signal.addEventListener('abort', waiter.onAbort);
    }
  }

  /** Removes a waiter that gives up (timeout or abort) from the queue. */
  #leave(waiter: Waiter): void {
    const index = this.#queue.indexOf(waiter);
    if (index !== -1) this.#queue.splice(index, 1);
    this.#detach(waiter);
  }

  #detach(waiter: Waiter): void {
    if (waiter.timer !== undefined) {
      this.#options.clock.clearTimeout(waiter.timer);
      waiter.timer = undefined;
    }
    if (waiter.onAbort !== undefined) {
      waiter.signal!.removeEventListener('abort', waiter.onAbort);
      waiter.onAbort = undefined;
    }
  }

  #reject(
    reason: BulkheadRejectionReason,
    context: CallContext | undefined,
    waitedMs?: number,
  ): BulkheadRejectedError {
    const { name } = this.#options;
    if (this.emitter.has('bulkheadRejected')) {
      this.emitter.emit('bulkheadRejected', {
        bulkhead: name,
        reason,
        active: this.#active,
        queued: this.#queue.length,
        context,
      });
    }
    return BulkheadRejectedError.fast(name, reason, waitedMs);
  }
}

/**
 * Creates a {@link BulkheadPolicy}.
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const pool = bulkhead({ maxConcurrent: 8, maxQueue: 100, queueTimeoutMs: 5_000 });
 * ```
 */
export function bulkhead(options: BulkheadPolicyOptions): BulkheadPolicy {
  return new BulkheadPolicy(options);
}
