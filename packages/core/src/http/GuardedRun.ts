import type { ClassifierRule } from '../classify/rules.ts';
import { BreakerOpenError } from '../errors/BreakerOpenError.ts';
import type { Outcome, Verdict } from '../Outcome.ts';
import { rejectDeferred } from '../rejectDeferred.ts';
import type { GuardedCall } from './HttpCall.ts';
import type { HttpGuard } from './HttpGuard.ts';
import { readResponseOutcome } from './readResponseOutcome.ts';
import type { HttpResponseAdapter } from './types.ts';

/**
 * What `HttpGuard.execute()` runs per request: its attempts, each one permit, one request under
 * the deadline and one settled outcome, and what the retry policy needs to read them. Not part
 * of the public API.
 */

/**
 * The breaker's verdict on each attempt's outcome, and the outcome of each resolved value, kept
 * weakly for the retry policy: its classifier then agrees with the breaker (whose rules may come
 * from the registry), and a body read for rules is not read again.
 */
export class AttemptMemory {
  readonly #verdicts = new WeakMap<object, Verdict>();
  readonly #outcomes = new WeakMap<object, Outcome>();

  readonly verdictRule: ClassifierRule = (outcome) => {
    const key = outcome.kind === 'response' ? outcome : outcome.error;
    return typeof key === 'object' && key !== null ? this.#verdicts.get(key) : undefined;
  };

  readonly classifyResult = (value: unknown): Outcome | undefined =>
    typeof value === 'object' && value !== null ? this.#outcomes.get(value) : undefined;

  remember(key: unknown, outcome: Outcome | undefined, verdict: Verdict | undefined): void {
    if (typeof key !== 'object' || key === null) return;
    if (outcome !== undefined) this.#outcomes.set(key, outcome);
    if (verdict !== undefined) this.#verdicts.set(outcome ?? key, verdict);
  }
}

/** A resolved value with its outcome, handed from the response reader to the settling step. */
interface Answered<R> {
  readonly value: R;
  readonly outcome: Outcome;
}

/** One `execute()`: its attempts run one after another, so the run holds what they share. */
export class GuardedRun<R> {
  readonly #guard: HttpGuard;
  readonly #prepared: GuardedCall;
  readonly #send: (signal: AbortSignal | undefined) => Promise<R>;
  readonly #adapter: HttpResponseAdapter<R>;
  readonly #memory: AttemptMemory;
  /** The last attempt's value: discarded when another attempt replaces it. */
  #previous: R | undefined;

  constructor(
    guard: HttpGuard,
    prepared: GuardedCall,
    send: (signal: AbortSignal | undefined) => Promise<R>,
    adapter: HttpResponseAdapter<R>,
    memory: AttemptMemory,
  ) {
    this.#guard = guard;
    this.#prepared = prepared;
    this.#send = send;
    this.#adapter = adapter;
    this.#memory = memory;
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
    const retrying = prepared.retry !== undefined;
    return pending.then(
      ({ value, outcome }) => {
        const verdict = this.#guard.settle(call, outcome);
        if (retrying) {
          this.#memory.remember(value, outcome, verdict);
          this.#previous = value;
        }
        return value;
      },
      (error: unknown) => {
        const verdict = this.#guard.settle(call, { kind: 'error', error });
        if (retrying) this.#memory.remember(error, undefined, verdict);
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
        this.#prepared.request.url,
        adapter.status(value),
        adapter.headers(value),
        adapter.readBody,
        value,
      );
      if (!(outcome instanceof Promise)) return { value, outcome };
      return outcome.then((read) => ({ value, outcome: read }));
    });
}
