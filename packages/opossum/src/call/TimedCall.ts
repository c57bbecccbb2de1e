import type { Permit } from '@breakwater/core';
import { createError, messages } from '../errors.ts';
import { counter } from '../status/counters.ts';
import { type BreakerParts, elapsed, emit, listened } from './BreakerParts.ts';
import { DeadlineQueue, type Expirable } from './DeadlineQueue.ts';
import { count, fail, resetCoalesce, succeed } from './outcomes.ts';

/**
 * One call with a `timeout`: the caller's promise settles with the action's outcome, or with
 * `ETIMEDOUT` (or the fallback) when the timeout passes first; the action's late outcome is then
 * ignored, as in opossum. A class rather than closures: every call of a breaker with the default
 * 10 s timeout runs one. Its deadline waits in the breaker's {@link DeadlineQueue}.
 */
export class TimedCall<TI extends unknown[], TR> implements Expirable {
  readonly deadline: number;
  readonly #parts: BreakerParts<TI, TR>;
  readonly #permit: Permit;
  readonly #args: TI;
  readonly #start: number;
  readonly #key: string;
  #resolve: ((value: unknown) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #done = false;

  /**
   * Starts the timeout: opossum arms it before it calls the action. `start` is when the call
   * started, or -1 when its latency is not measured (the deadline still needs the time).
   */
  constructor(parts: BreakerParts<TI, TR>, permit: Permit, args: TI, start: number, key: string) {
    this.#parts = parts;
    this.#permit = permit;
    this.#args = args;
    const now = start < 0 ? parts.clock.monotonic() : start;
    this.#start = start;
    this.#key = key;
    this.deadline = now + (parts.options.timeout as number);
    parts.deadlines ??= new DeadlineQueue(parts.clock);
    parts.deadlines.add(this, now);
  }

  get done(): boolean {
    return this.#done;
  }

  /** Waits for the action's promise, or the timeout. */
  wait(action: Promise<TR>): Promise<TR> {
    const promise = new Promise<TR>((resolve, reject) => {
      this.#resolve = resolve as (value: unknown) => void;
      this.#reject = reject;
    });
    action.then(
      (value) => this.#succeed(value, action),
      (error: unknown) => this.#fail(error),
    );
    return promise;
  }

  /** The action threw before returning a promise. */
  failSync(error: unknown): Promise<TR> {
    this.#done = true;
    this.#parts.deadlines!.settled();
    this.#parts.inFlight--;
    const latency = elapsed(this.#parts, this.#start);
    const recovered = fail(this.#parts, this.#permit, error, this.#args, latency, 'unknown');
    return (recovered ?? Promise.reject(error)) as Promise<TR>;
  }

  /** @internal The timeout passed; called by the deadline queue. */
  expire(): void {
    if (this.#done) return;
    this.#done = true;
    const parts = this.#parts;
    parts.inFlight--;
    const latency = elapsed(parts, this.#start);
    const error = createError(messages.timedOut(parts.options.timeout as number), 'ETIMEDOUT');
    count(parts, counter.timeouts, latency);
    if (listened(parts, 'timeout')) {
      emit(parts, 'timeout', error, Math.max(0, latency), this.#args);
    }
    const recovered = fail(parts, this.#permit, error, this.#args, latency, 'timeout');
    if (recovered === undefined) this.#reject!(error);
    else this.#resolve!(recovered);
    resetCoalesce(parts, this.#key, 'timeout');
    parts.abortController?.abort();
  }

  #succeed(value: TR, action: Promise<TR>): void {
    if (this.#done) return;
    this.#done = true;
    const parts = this.#parts;
    parts.deadlines!.settled();
    parts.inFlight--;
    succeed(parts, this.#permit, value, elapsed(parts, this.#start));
    resetCoalesce(parts, this.#key, 'success');
    this.#resolve!(value);
    cacheResult(parts, this.#key, action);
  }

  #fail(error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    const parts = this.#parts;
    parts.deadlines!.settled();
    parts.inFlight--;
    const latency = elapsed(parts, this.#start);
    const recovered = fail(parts, this.#permit, error, this.#args, latency, 'unknown');
    resetCoalesce(parts, this.#key, 'error');
    if (recovered === undefined) this.#reject!(error);
    else this.#resolve!(recovered);
  }
}

/** Caches a successful call's promise (`cache: true`), as opossum does. */
export function cacheResult<TI extends unknown[], TR>(
  parts: BreakerParts<TI, TR>,
  key: string,
  action: Promise<TR>,
): void {
  const cache = parts.cache;
  if (cache === undefined) return;
  const ttl = parts.options.cacheTTL;
  try {
    cache.set(key, action, ttl > 0 ? parts.clock.now() + ttl : 0);
  } catch (error) {
    // The call succeeded; a cache that cannot store it must not turn that into a failure.
    parts.report(error, 'cacheTransport');
  }
}
