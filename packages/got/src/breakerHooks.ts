import { BreakerOpenError, BreakwaterError, type Outcome } from '@breakwater/core';
import {
  bufferedBody,
  type HookBreakerOptions,
  type HookRequestOptions,
  type HttpCall,
  HttpGuard,
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
  breakwater?: HookRequestOptions | undefined;
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
 * @param options - see `HookBreakerOptions`; validated here, once. `timeoutMs` becomes got's
 * `timeout.request` for requests that set none. There is no `retry`: got retries itself.
 * @throws BreakwaterConfigError when an option is invalid, or for `retry`
 * @example
 * ```ts
 * const client = got.extend(breakerHooks({ timeoutMs: 5_000 }));
 * const time = await client('https://api.kraken.com/0/public/Time').json();
 * await client(url, { context: { breakwater: { bypass: true } } satisfies BreakwaterContext });
 * ```
 */
export function breakerHooks(options?: HookBreakerOptions): BreakerHooks {
  const guard = new HttpGuard(options, { clientRetry: "got's own `retry` option" });
  // got makes a new `Options` object per attempt and redirect hop, and hands that same object
  // to every hook of the attempt (`response.request.options`, `error.options`): the attempt is
  // kept on it under a symbol of this breaker's own. Not a WeakMap: an entry per request (and
  // the GC's ephemeron work for it) was most of the hooks' own cost.
  const attemptKey = Symbol('breakwater.attempt');
  const attempts = {
    get: (options: object): Attempt | undefined => (options as Carrier)[attemptKey],
    set: (options: object, attempt: Attempt) => {
      (options as Carrier)[attemptKey] = attempt;
    },
  };

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
          const { statusCode, headers } = response;
          attempts.get(response.request.options)?.settleResponse(statusCode, headers);
        },
      ],
      afterResponse: [
        (response) => {
          const attempt = attempts.get(response.request.options);
          // got has buffered the body (`rawBody`) before afterResponse runs: a body rule only
          // decodes it, or takes it as got parsed it.
          attempt?.settleResponse(
            response.statusCode,
            response.headers,
            // No reader (a closure per response) when no body rule could use it.
            guard.options.bodyRules.length === 0
              ? undefined
              : (maxBytes) => gotBody(response, maxBytes),
          );
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

/** A got `Options` object carrying an attempt. */
type Carrier = { [key: symbol]: Attempt | undefined };

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

  /** Settles with a response; `readBody` reads its body when a body rule applies. */
  settleResponse(
    status: number,
    headers: Response['headers'],
    readBody?: (maxBytes: number) => unknown,
  ): void {
    this.call.signal?.removeEventListener('abort', this);
    this.#guard.settleResponse(this.call, status, headers, readBody);
  }
}

/** A body got buffered, as rules see it; `undefined` when its raw bytes exceed `maxBytes`. */
function gotBody(response: Response, maxBytes: number): unknown {
  if ((response.rawBody?.byteLength ?? 0) > maxBytes) return undefined;
  return bufferedBody(response.body, response.headers['content-type'], maxBytes);
}
