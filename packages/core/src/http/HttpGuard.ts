import type { CircuitBreaker } from '../CircuitBreaker.ts';
import type { Clock } from '../Clock.ts';
import { type AbortState, outcomeOfError } from '../classify/errorTraits.ts';
import { runWithDeadline } from '../deadline.ts';
import { BreakerOpenError } from '../errors/BreakerOpenError.ts';
import {
  type ListenerErrorHandler,
  reportCallbackError,
  rethrowInMicrotask,
} from '../events/Emitter.ts';
import type { CallContext, Outcome, Verdict } from '../Outcome.ts';
import { defaultRegistry } from '../registry/defaultRegistry.ts';
import { rejectDeferred } from '../rejectDeferred.ts';
import { createCallContext } from './createCallContext.ts';
import { deriveKey } from './deriveKey.ts';
import { extraContext } from './extraContext.ts';
import { GuardedRun } from './GuardedRun.ts';
import { GuardedCall, type HttpCall } from './HttpCall.ts';
import { type HttpRetry, type HttpRetryOptions, resolveHttpRetry } from './HttpRetry.ts';
import { isIdempotentMethod } from './isIdempotent.ts';
import { type BodyReader, readResponseOutcome } from './readResponseOutcome.ts';
import { resolveBreakerRequestOptions } from './resolveBreakerRequestOptions.ts';
import {
  type HttpBreakerOptions,
  type HttpGuardOptions,
  type ResolvedHttpBreakerOptions,
  resolveHttpBreakerOptions,
  retryClock,
} from './resolveHttpBreakerOptions.ts';
import { responseOutcome } from './responseOutcome.ts';
import type {
  BreakerRequestOptions,
  HttpHeaders,
  HttpRequestInfo,
  HttpResponseAdapter,
} from './types.ts';

/**
 * The shared core of every HTTP adapter: names the breaker of a request, builds its context,
 * admits or rejects it, and settles it with the client's response or error, calling `onResponse`
 * and reading bodies for body rules. An adapter is only the glue between its client's extension
 * point and these methods:
 *
 * - hook clients (axios around its adapter, got, undici's interceptor): `acquire()` in the
 *   request hook (throw the `BreakerOpenError` it returns: nothing is sent), `settleResponse()`
 *   with the response, `settle()` with an error, `release()` when the caller aborts;
 * - clients that call a fetch per attempt (ky): the same, with `sendAttempt()` to send the
 *   attempt under the call's deadline;
 * - clients wrapped whole (fetch): `execute()`, which adds the `retry` and `timeoutMs` options.
 *
 * Aborts follow the core's one rule (`abortMeaning`): a caller's abort releases the permit and
 * counts as nothing; `AbortSignal.timeout()`, a client's timeout, or the abort of a client's own
 * deadline signal is a `timeout` failure.
 *
 * @throws BreakwaterConfigError from the constructor when an option is invalid
 * @example
 * ```ts
 * const guard = new HttpGuard({ timeoutMs: 5_000 });
 * const call = guard.acquire({ url: new URL(config.url), method: config.method, headers });
 * if (isBreakerOpenError(call)) throw call; // nothing was sent
 * try {
 *   const res = await send(config);
 *   guard.settleResponse(call, res.status, res.headers);
 * } catch (error) {
 *   guard.settle(call, { kind: 'error', error });
 *   throw error;
 * }
 * ```
 */
export class HttpGuard {
  readonly #options: ResolvedHttpBreakerOptions;
  /** Per-request retries, by the options object they were built from. */
  readonly #retries = new WeakMap<HttpRetryOptions, HttpRetry>();
  /** The clock of per-request retries that name none: the breakers'. */
  readonly #retryClock: Clock;
  /** The client's own retry, when it has one: `retry` is then rejected. */
  readonly #clientRetry: string | undefined;
  /**
   * The handler of the breaker whose outcome the adapter's rules are classifying: rules run
   * synchronously in `settle()`, so what one throws reaches that breaker's `onListenerError`.
   */
  #ruleErrorHandler: ListenerErrorHandler = rethrowInMicrotask;
  /**
   * The context of the last request whose context depended only on its key, method and
   * idempotency flag: a client's next request to the same origin with the same method reuses
   * it (contexts are read-only), instead of building one per request.
   */
  #lastContext: CallContext | undefined = undefined;
  #lastKey = '';
  #lastMethod = '';
  #lastIdempotent: boolean | undefined = undefined;

  /**
   * @param options - the adapter's options, from its user: {@link HookBreakerOptions} for an
   * adapter that passes `{ clientRetry }`
   * @param guard - what the adapter tells about its client: `clientRetry` for a client that
   * retries by itself (`retry` is then rejected, naming it)
   */
  constructor(options: HttpBreakerOptions = {}, guard: HttpGuardOptions = {}) {
    this.#clientRetry = guard.clientRetry;
    this.#options = resolveHttpBreakerOptions(options, guard, (error, index) =>
      reportCallbackError(this.#ruleErrorHandler, error, `classify[${index}]`),
    );
    this.#retryClock = retryClock(this.#options.breaker, this.#options.registry);
  }

  /** The validated options. */
  get options(): ResolvedHttpBreakerOptions {
    return this.#options;
  }

  /** The breaker named `key`, created in the registry with the adapter's `breaker` options. */
  breakerFor(key: string): CircuitBreaker {
    return (this.#options.registry ?? defaultRegistry()).get(key, this.#options.breaker);
  }

  /**
   * Admits a request: a {@link HttpCall} holding its permit (or none when `bypass` is set), or
   * the {@link BreakerOpenError} to throw before anything is sent.
   * @param options - the request's per-request options, checked here
   * @param signal - the caller's signal, so that its abort releases the permit
   * @param deadline - a signal the client aborts only when its own deadline passes (ky's
   * per-request signal): its abort is a `timeout` failure, unless the caller's signal aborted
   * @throws BreakwaterConfigError when a per-request option is invalid or `key` returns no key
   */
  acquire(
    request: HttpRequestInfo,
    options?: BreakerRequestOptions,
    signal?: AbortSignal,
    deadline?: AbortState,
  ): HttpCall | BreakerOpenError {
    const call = this.#prepare(request, options, signal, deadline, false);
    if (call.breaker === undefined) return call;
    const permit = call.breaker.tryAcquire(call.context);
    if (permit instanceof BreakerOpenError) return permit;
    call.permit = permit;
    return call;
  }

  /**
   * Records the response of `call` (its status and headers, in any client's shape): the one
   * entry an adapter calls with a response. When a body rule applies (see `BodyRule`), it first
   * calls `readBody(maxBytes)` for the body, which returns it as rules see it (parsed JSON or
   * text: `bufferedBody()` for a body the client buffered, `readResponseBody()` for a Fetch
   * `Response`), or a promise of it; otherwise no body is read. Then it settles as `settle()`
   * does. A call that is bypassed or already settled reads nothing.
   * @param readBody - how this client's body is read; omit it for a response without one (a
   * redirect hop, an upgrade). Called at most once; what it throws or rejects with leaves the
   * body out
   * @returns the breaker's verdict (or `undefined` when nothing was recorded), or a promise of
   * it when the body arrives later; the promise never rejects
   * @example
   * ```ts
   * guard.settleResponse(call, res.status, res.headers, (maxBytes) =>
   *   bufferedBody(res.data, readHeader(res.headers, 'content-type'), maxBytes),
   * );
   * ```
   */
  settleResponse(
    call: HttpCall,
    status: number,
    headers: HttpHeaders | null | undefined,
    readBody?: (maxBytes: number) => unknown,
  ): Verdict | undefined | Promise<Verdict | undefined> {
    const permit = call.permit;
    if (permit === undefined || permit.settled) return undefined;
    const outcome =
      readBody === undefined
        ? responseOutcome(status, headers)
        : readResponseOutcome(
            this.#options.bodyRules,
            call.request,
            status,
            headers,
            readWith,
            readBody,
          );
    if (!(outcome instanceof Promise)) return this.settle(call, outcome);
    return outcome.then((read) => this.settle(call, read));
  }

  /**
   * Sends one attempt of an admitted `call` under its deadline: `send` gets the signal to
   * honour, `signal` joined with the deadline's, and the attempt rejects with the core's
   * `TimeoutError` once `timeoutMs` passes on the breaker's clock (`signal` still aborts the
   * request after that). Without a deadline `send` gets `signal` itself. Never throws: what
   * `send` throws is the rejection. For clients that call a fetch per attempt (ky's `fetch`
   * option); `execute()` does this itself.
   * @param timeoutMs - the deadline instead of the call's; `Infinity` for none (a client whose own
   * timeout applies)
   * @example
   * ```ts
   * const pending = guard.sendAttempt(call, (signal) => fetch(request, { signal }), request.signal);
   * ```
   */
  sendAttempt<R>(
    call: HttpCall,
    send: (signal: AbortSignal | undefined) => PromiseLike<R>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined = call.timeoutMs,
  ): Promise<R> {
    const clock = call.breaker?.options.clock;
    if (clock === undefined || timeoutMs === undefined || timeoutMs === Infinity) {
      try {
        return Promise.resolve(send(signal));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return runWithDeadline((deadline) => send(joined(deadline, signal)), timeoutMs, clock, signal);
  }

  /**
   * Records the outcome of `call`: calls `onResponse`, then settles the permit, which classifies
   * the outcome. An error is read by the one abort rule first (`outcomeOfError`): a caller's
   * abort releases the permit, a timeout is classified as one. Settling a call twice, or a
   * bypassed call, does nothing.
   * @param signal - the abort state to read instead of the call's signal, for a client that
   * reports it elsewhere (undici's dispatch controller)
   * @returns the breaker's verdict, or `undefined` when nothing was recorded
   */
  settle(
    call: HttpCall,
    outcome: Outcome,
    signal: AbortState | undefined = call.signal,
  ): Verdict | undefined {
    const permit = call.permit;
    if (permit === undefined || permit.settled) return undefined;
    let read: Outcome | undefined = outcome;
    if (outcome.kind === 'error') {
      read = outcomeOfError(outcome.error, signal, call.deadline);
      if (read === undefined) {
        permit.release();
        return undefined;
      }
    }
    const handler = call.breaker!.options.onListenerError;
    const onResponse = this.#options.onResponse;
    if (onResponse !== undefined) {
      try {
        onResponse(read, call.context);
      } catch (error) {
        reportCallbackError(handler, error, 'onResponse');
      }
    }
    const rules = this.#options.rules;
    if (rules !== undefined) {
      this.#ruleErrorHandler = handler;
      const verdict = rules(read, call.context, call.breaker!.options.clock.now());
      if (verdict !== undefined) return permit.settle(verdict);
    }
    return permit.settle(read);
  }

  /** Gives the permit of `call` back without recording anything (the caller aborted). */
  release(call: HttpCall): void {
    call.permit?.release();
  }

  /**
   * Runs a whole request through the breaker: `send` is called once per attempt with the signal
   * to honour (the caller's, joined with the deadline when `timeoutMs` applies), and its resolved
   * value is read through `adapter` into an outcome. Adds the `retry` option (idempotent,
   * replayable requests only; each attempt is one breaker call, and an open breaker ends the
   * retries) and the deadline. A rejected request rejects with `BreakerOpenError` before `send`
   * is called; client errors are rethrown unchanged.
   *
   * @param signal - the caller's signal
   * @param deadline - a signal the client aborts only when its own deadline passes (ccxt's
   * timer): its abort is a `timeout` failure
   * @example
   * ```ts
   * guard.execute(request, init?.breakwater, (signal) => fetch(url, { ...init, signal }),
   *   fetchResponseAdapter, init?.signal ?? undefined);
   * ```
   */
  execute<R>(
    request: HttpRequestInfo,
    options: BreakerRequestOptions | undefined,
    send: (signal: AbortSignal | undefined) => Promise<R>,
    adapter: HttpResponseAdapter<NoInfer<R>>,
    signal: AbortSignal | undefined,
    deadline?: AbortState,
  ): Promise<R> {
    let call: GuardedCall;
    try {
      call = this.#prepare(request, options, signal, deadline, true);
      if (call.breaker === undefined) return send(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    if (call.retry === undefined && call.timeoutMs === undefined) {
      return this.#once(call, send, adapter);
    }
    const run = new GuardedRun(this, call, send, adapter);
    if (call.retry === undefined) return run.attempt(signal);
    return call.retry.policy.execute(run.attempt, { signal, context: call.context });
  }

  /** One attempt without deadline or retry: the common case, so it allocates the least. */
  #once<R>(
    call: GuardedCall,
    send: (signal: AbortSignal | undefined) => Promise<R>,
    adapter: HttpResponseAdapter<R>,
  ): Promise<R> {
    const permit = call.breaker!.tryAcquire(call.context);
    if (permit instanceof BreakerOpenError) return rejectDeferred(permit);
    call.permit = permit;
    let pending: Promise<R>;
    try {
      pending = send(call.signal);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then(
      (value) => {
        const outcome = readResponseOutcome(
          this.#options.bodyRules,
          call.request,
          adapter.status(value),
          adapter.headers(value),
          adapter.readBody,
          value,
        );
        if (!(outcome instanceof Promise)) {
          this.settle(call, outcome);
          return value;
        }
        return outcome.then((read) => {
          this.settle(call, read);
          return value;
        });
      },
      (error: unknown) => {
        this.settle(call, { kind: 'error', error });
        throw error;
      },
    );
  }

  #prepare(
    request: HttpRequestInfo,
    input: BreakerRequestOptions | undefined,
    signal: AbortSignal | undefined,
    deadline: AbortState | undefined,
    withRetry: boolean,
  ): GuardedCall {
    const o = this.#options;
    const options =
      input === undefined ? undefined : resolveBreakerRequestOptions(input, this.#clientRetry);
    if (options?.bypass === true) {
      const context = createCallContext(request, '', options.idempotent, options.context);
      return new GuardedCall(request, context, undefined, undefined, undefined, signal, deadline);
    }
    const own = options?.retry;
    // A per-request retry is built (and so checked) before any breaker is made, and even when
    // this request cannot use it.
    const retryPlan = own === undefined ? o.retry : own === false ? undefined : this.#retryFor(own);
    const key = options?.key ?? deriveKey(request, o.key);
    const breaker = this.breakerFor(key);
    const configured = typeof o.idempotent === 'function' ? o.idempotent(request) : o.idempotent;
    const idempotent = options?.idempotent ?? configured;
    const extra = extraContext(o.context, request, options?.context);
    const context =
      extra === undefined
        ? this.#plainContext(request, key, idempotent)
        : createCallContext(request, key, idempotent, extra);
    const timeoutMs = options?.timeoutMs ?? o.timeoutMs;
    const retries = withRetry && request.replayable !== false ? retryPlan : undefined;
    const timeout = timeoutMs === Infinity ? undefined : timeoutMs;
    return new GuardedCall(request, context, breaker, timeout, retries, signal, deadline);
  }

  // hot path: a request with no extra context fields, to the origin and with the method of the
  // one before it.
  #plainContext(
    request: HttpRequestInfo,
    key: string,
    idempotent: boolean | undefined,
  ): CallContext {
    const method = request.method;
    if (
      key === this.#lastKey &&
      method === this.#lastMethod &&
      idempotent === this.#lastIdempotent
    ) {
      return this.#lastContext!;
    }
    const context = createCallContext(request, key, idempotent);
    // A POST's idempotency depends on its headers (`Idempotency-Key`): not reused.
    if (idempotent !== undefined || isIdempotentMethod(method)) {
      this.#lastContext = context;
      this.#lastKey = key;
      this.#lastMethod = method;
      this.#lastIdempotent = idempotent;
    }
    return context;
  }

  /** The retry of per-request options: built once per options object. */
  #retryFor(options: HttpRetryOptions): HttpRetry {
    let built = this.#retries.get(options);
    if (built === undefined) {
      built = resolveHttpRetry('breakwater.retry', options, this.#retryClock);
      this.#retries.set(options, built);
    }
    return built;
  }
}

/** Calls an adapter's one-argument body reader: one function for every `settleResponse()`. */
const readWith: BodyReader<(maxBytes: number) => unknown> = (readBody, maxBytes) =>
  readBody(maxBytes);

/** The deadline's signal, joined with the caller's so it still aborts once the deadline is over. */
function joined(deadline: AbortSignal, caller: AbortSignal | undefined): AbortSignal {
  return caller === undefined ? deadline : AbortSignal.any([deadline, caller]);
}
