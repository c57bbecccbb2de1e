import { BreakerOpenError } from '../errors/BreakerOpenError.ts';
import type { Outcome } from '../Outcome.ts';
import { rejectDeferred } from '../rejectDeferred.ts';
import type { GuardedCall } from './HttpCall.ts';
import type { HttpGuard } from './HttpGuard.ts';
import { readResponseOutcome } from './readResponseOutcome.ts';
import type { HttpResponseAdapter } from './types.ts';

/** A resolved value with its outcome, handed from the response reader to the settling step. */
interface Answered<R> {
  readonly value: R;
  readonly outcome: Outcome;
}

/**
 * What `HttpGuard.execute()` runs per request: its attempts, each one permit, one request under
 * the deadline and one settled outcome, and what the retry policy needs to read them. They run
 * one after another, so the run holds what they share. Not part of the public API.
 */
export class GuardedRun<R> {
  readonly #guard: HttpGuard;
  readonly #prepared: GuardedCall;
  readonly #send: (signal: AbortSignal | undefined) => Promise<R>;
  readonly #adapter: HttpResponseAdapter<R>;
  /** The last attempt's value: discarded when another attempt replaces it. */
  #previous: R | undefined;

  constructor(
    guard: HttpGuard,
    prepared: GuardedCall,
    send: (signal: AbortSignal | undefined) => Promise<R>,
    adapter: HttpResponseAdapter<R>,
  ) {
    this.#guard = guard;
    this.#prepared = prepared;
    this.#send = send;
    this.#adapter = adapter;
  }

  /** One attempt: one permit, one request, one settled outcome. Bound: the retry calls it. */
  readonly attempt = (signal: AbortSignal | undefined): Promise<R> => {
    const previous = this.#previous;
    if (previous !== undefined) {
      this.#previous = undefined;
      this.#adapter.discard?.(previous);
    }
    const prepared = this.#prepared;
    const breaker = prepared.breaker!;
    const permit = breaker.tryAcquire(prepared.context);
    if (permit instanceof BreakerOpenError) return rejectDeferred(permit);
    const call = prepared.withPermit(permit);
    const pending = this.#guard.sendAttempt(call, this.#sendAndRead, signal);
    const memory = prepared.retry?.memory;
    return pending.then(
      ({ value, outcome }) => {
        const verdict = this.#guard.settle(call, outcome);
        if (memory !== undefined) {
          memory.remember(value, outcome, verdict);
          this.#previous = value;
        }
        return value;
      },
      (error: unknown) => {
        const verdict = this.#guard.settle(call, { kind: 'error', error });
        memory?.remember(error, undefined, verdict);
        throw error;
      },
    );
  };

  /** Sends the attempt and reads its value into an outcome: the deadline covers both. */
  readonly #sendAndRead = (signal: AbortSignal | undefined): Promise<Answered<R>> =>
    this.#send(signal).then((value) => {
      const adapter = this.#adapter;
      const outcome = readResponseOutcome(
        this.#guard.options.bodyRules,
        this.#prepared.request,
        adapter.status(value),
        adapter.headers(value),
        adapter.readBody,
        value,
      );
      if (!(outcome instanceof Promise)) return { value, outcome };
      return outcome.then((read) => ({ value, outcome: read }));
    });
}
