import {
  BreakerOpenError,
  type BreakerRequestOptions,
  BreakwaterError,
  type HttpBreakerOptions,
  type Outcome,
  responseOutcome,
} from '@breakwater/core';
import {
  bufferedBody,
  type HttpCall,
  HttpGuard,
  type ResponseOutcome,
} from '@breakwater/core/adapter';
import type {
  AfterResponseHook,
  BeforeErrorHook,
  BeforeRedirectHook,
  BeforeRequestHook,
  BeforeRetryHook,
  RequestError,
  Response,
} from 'got';

/**
 * What `breakerHooks()` reads from got's `context` option: type a request's context with it
 * (`context: { breakwater: { bypass: true } } satisfies BreakwaterContext`), since got types
 * `context` as `Record<string, unknown>`.
 */
export interface BreakwaterContext {
  /** Per-request options: `bypass`, `key`, `timeoutMs`, `idempotent`, `context`. */
  breakwater?: BreakerRequestOptions | undefined;
  /** The rest of got's `context`, yours. */
  [key: string]: unknown;
}

/**
 * The options `breakerHooks()` returns, for `got.extend()`: got hooks only, so the instance
 * keeps every other option and all of got's types.
 */
export interface BreakerHooks {
  hooks: {
    beforeRequest: BeforeRequestHook[];
    beforeRedirect: BeforeRedirectHook[];
    afterResponse: AfterResponseHook[];
    beforeRetry: BeforeRetryHook[];
    beforeError: BeforeErrorHook[];
  };
}

/**
 * Got hooks that put every request of a got instance through circuit breakers, one per origin
 * (or per `key`): `got.extend(breakerHooks(options))`. Each attempt (got's retries and redirect
 * hops included) is one breaker call; a request to an open breaker rejects with the core's
 * `BreakerOpenError` itself before anything is sent, which also ends got's retries. Responses
 * and errors are classified by the core and reach the caller unchanged; a caller's abort
 * releases the permit. `got.stream()` is not guarded.
 *
 * @param options - see `HttpBreakerOptions`; validated here, once. `timeoutMs` becomes got's
 * `timeout.request` for requests that set none; `retry` does not apply (got retries itself).
 * @throws BreakwaterConfigError when an option is invalid
 * @example
 * ```ts
 * const client = got.extend(breakerHooks({ timeoutMs: 5_000 }));
 * const time = await client('https://api.kraken.com/0/public/Time').json();
 * await client(url, { context: { breakwater: { bypass: true } } satisfies BreakwaterContext });
 * ```
 */
export function breakerHooks(options?: HttpBreakerOptions): BreakerHooks {
  const guard = new HttpGuard(options);
  // got makes a new `Options` object per attempt and redirect hop, and hands that same object
  // to every hook of the attempt (`response.request.options`, `error.options`).
  const attempts = new WeakMap<object, Attempt>();

  const settleError = (error: RequestError): void => {
    attempts.get(error.options)?.settle({ kind: 'error', error });
  };

  return {
    hooks: {
      beforeRequest: [
        (request) => {
          const url = request.url;
          if (request.isStream || !(url instanceof URL)) return;
          const context = request.context as BreakwaterContext;
          const call = guard.acquire(
            { url, method: request.method, headers: request.headers },
            context.breakwater,
            request.signal,
          );
          // got wraps this in a RequestError with our code, which is not in its
          // `retry.errorCodes`: nothing is sent and got does not retry. beforeError unwraps it.
          if (call instanceof BreakerOpenError) throw call;
          if (call.permit === undefined) return;
          attempts.set(request, new Attempt(guard, call));
          if (call.timeoutMs !== undefined && request.timeout.request === undefined) {
            // got's setter replaces the whole object outside a merge: keep the caller's other
            // phases (`connect`, `response`, …), which a bare `{ request }` would drop.
            request.timeout = { ...request.timeout, request: call.timeoutMs };
          }
          // Any other return value would become the response.
          return undefined;
        },
      ],
      beforeRedirect: [
        (_next, response) => {
          // The hop that answered with the redirect; the next hop acquires its own permit.
          attempts
            .get(response.request.options)
            ?.settle(responseOutcome(response.statusCode, response.headers));
        },
      ],
      afterResponse: [
        (response) => {
          const attempt = attempts.get(response.request.options);
          if (attempt !== undefined) attempt.settle(outcomeOf(guard, attempt.call, response));
          return response;
        },
      ],
      // Runs after got's backoff, before the next attempt's beforeRequest; a response got
      // retries was already settled by afterResponse, and settling twice does nothing.
      beforeRetry: [settleError],
      beforeError: [
        (error) => {
          settleError(error);
          // got wraps what a hook throws; the caller gets our error itself.
          const cause = error.cause;
          return cause instanceof BreakwaterError ? cause : error;
        },
      ],
    },
  };
}

/**
 * One attempt admitted by the guard, kept by its got `Options`. It listens to the caller's
 * signal because got's hooks never see a caller's abort: the signal's reason then releases the
 * permit (an abort) or counts as a timeout (`AbortSignal.timeout()`).
 */
class Attempt {
  readonly call: HttpCall;
  readonly #guard: HttpGuard;

  constructor(guard: HttpGuard, call: HttpCall) {
    this.call = call;
    this.#guard = guard;
    // The attempt itself is the listener (`handleEvent`): no closure per request.
    call.signal?.addEventListener('abort', this, { once: true });
  }

  handleEvent(): void {
    this.settle({ kind: 'error', error: this.call.signal?.reason });
  }

  settle(outcome: Outcome): void {
    this.call.signal?.removeEventListener('abort', this);
    this.#guard.settle(this.call, outcome);
  }
}

/**
 * The outcome of a response, with its body when a body rule applies: got has buffered it
 * (`rawBody`) before afterResponse runs, so it is only decoded, or taken as got parsed it.
 */
function outcomeOf(guard: HttpGuard, call: HttpCall, response: Response): ResponseOutcome {
  const { statusCode, headers } = response;
  const rule = guard.bodyRule(call, statusCode, headers);
  if (rule === undefined || (response.rawBody?.byteLength ?? 0) > rule.maxBytes) {
    return responseOutcome(statusCode, headers);
  }
  const body = bufferedBody(response.body, headers['content-type'], rule.maxBytes);
  return responseOutcome(statusCode, headers, body);
}
