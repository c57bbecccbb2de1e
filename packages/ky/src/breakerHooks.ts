import { BreakerOpenError } from '@breakwater/core';
import {
  fetchRequestInfo,
  fetchSignal,
  type HookBreakerOptions,
  type HookRequestOptions,
  type HttpCall,
  HttpGuard,
  readResponseBody,
} from '@breakwater/core/adapter';
import type { InitHook, Options } from 'ky';

/** The field of ky's `context` option that carries per-request Breakwater options. */
export interface BreakwaterContext {
  /** Per-request options: `bypass`, `key`, `timeoutMs`, `idempotent`, `context`. */
  breakwater?: HookRequestOptions;
}

/**
 * ky's `Options` with `context.breakwater` typed. ky types `context` as
 * `Record<string, unknown>` and its option types cannot be augmented, so annotate (or
 * `satisfies`) per-request options with this type to have them checked.
 * @example `api.get(url, { context: { breakwater: { bypass: true } } } satisfies BreakerKyOptions)`
 */
export type BreakerKyOptions = Options & { context?: Record<string, unknown> & BreakwaterContext };

/** What `breakerHooks()` returns: ky options holding one `init` hook, for `extend` or `create`. */
export interface BreakerHooks {
  readonly hooks: { readonly init: InitHook[] };
}

/** ky's `fetch` option. */
type KyFetch = NonNullable<Options['fetch']>;

/** ky's default fetch, read at each call as ky reads it (tests and polyfills replace it). */
const globalFetch: KyFetch = (input, init) => globalThis.fetch(input, init);

/**
 * Hooks that put ky behind circuit breakers, one per origin (or per `key`): use them as
 * `ky.extend(breakerHooks(options))` or `ky.create(breakerHooks(options))`. Each attempt ky
 * makes (the first and every retry) is one breaker call; an attempt to an open breaker rejects
 * with `BreakerOpenError` before anything is sent, which also ends ky's retries. Responses and
 * errors are classified by the core (5xx, 429 with Retry-After, network errors and timeouts
 * count; 4xx and auth errors do not); a caller's abort releases the permit. Responses, ky's
 * errors and the caller's abort reason reach the caller unchanged.
 *
 * Per-request options go in `context.breakwater` (see {@link BreakerKyOptions}). When the
 * request sets no ky `timeout`, each attempt runs under the deadline `timeoutMs` gives it (the
 * request's, else the adapter's) and rejects with the core's `TimeoutError`; a ky `timeout`
 * you set wins. Retries are ky's own `retry` option: a Breakwater `retry` is rejected.
 *
 * @param options - see `HookBreakerOptions`; validated here, once
 * @throws BreakwaterConfigError when an option is invalid, or for `retry`
 * @example
 * ```ts
 * import ky from 'ky';
 * const api = ky.extend(breakerHooks({ timeoutMs: 5_000 }));
 * const time = await api.get('https://api.kraken.com/0/public/Time').json();
 * await api.get(url, { context: { breakwater: { bypass: true } } });
 * ```
 */
export function breakerHooks(options?: HookBreakerOptions): BreakerHooks {
  const guard = new HttpGuard(options, { clientRetry: "ky's own `retry` option" });
  // ky's `init` hook runs once per request, on a copy of its options, before the request is
  // built: the one place where a hook can still replace the request's `fetch`. The URL, and so
  // the breaker, is known only in that fetch.
  const init: InitHook = (kyOptions) => {
    kyOptions.fetch = guardedFetch(
      guard,
      kyOptions.fetch ?? globalFetch,
      (kyOptions.context as BreakwaterContext | undefined)?.breakwater,
      kyOptions.signal ?? undefined,
      kyOptions.timeout === undefined,
    );
  };
  return { hooks: { init: [init] } };
}

/**
 * The `fetch` of one ky request: ky calls it once per attempt, so each call is one breaker
 * call, settled with that attempt's response or error whatever ky's hooks then do. With
 * `withDeadline`, an attempt whose call has a `timeoutMs` runs under the guard's deadline.
 */
function guardedFetch(
  guard: HttpGuard,
  send: KyFetch,
  perRequest: HookRequestOptions | undefined,
  callerSignal: AbortSignal | undefined,
  withDeadline: boolean,
): KyFetch {
  return (input, init) => {
    const request = fetchRequestInfo(input, init);
    if (request === undefined) return send(input, init);
    // ky's request signal: the caller's, joined with ky's own timeout when it has one.
    const kySignal = fetchSignal(input, init);
    let call: HttpCall | BreakerOpenError;
    try {
      // ky aborts the request's signal itself only when its `timeout` runs out: the core reads
      // an abort of it, while the caller's signal has not aborted, as a timeout.
      call = guard.acquire(request, perRequest, callerSignal, kySignal);
    } catch (error) {
      // Never throw synchronously: ky's timeout wrapper would leave its timer running.
      return Promise.reject(error);
    }
    if (call instanceof BreakerOpenError) return Promise.reject(call);
    if (call.permit === undefined) return send(input, init);
    const admitted = call;
    const timeoutMs = withDeadline ? admitted.timeoutMs : Infinity;
    // hot path: no deadline (the common case), so no closure for `sendAttempt()`.
    const pending =
      timeoutMs === undefined || timeoutMs === Infinity
        ? sendNow(send, input, init)
        : guard.sendAttempt(
            admitted,
            (signal) =>
              signal === kySignal ? send(input, init) : send(input, { ...init, signal }),
            kySignal,
            timeoutMs,
          );
    // A body is read (from a clone) only for body rules: no reader otherwise.
    const readsBodies = guard.options.bodyRules.length > 0;
    return pending.then(
      (response) => {
        const settled = guard.settleResponse(
          admitted,
          response.status,
          response.headers,
          // A clone's body: ky buffers the caller's branch while it is read (see the README).
          readsBodies ? (maxBytes) => readResponseBody(response, maxBytes) : undefined,
        );
        // The permit is settled before ky sees the response, and so before its next attempt.
        return settled instanceof Promise ? settled.then(() => response) : response;
      },
      (error: unknown) => {
        guard.settle(admitted, { kind: 'error', error });
        throw error;
      },
    );
  };
}

/** Calls `send` as `sendAttempt()` would without a deadline: a throw becomes the rejection. */
function sendNow(
  send: KyFetch,
  input: Parameters<KyFetch>[0],
  init: Parameters<KyFetch>[1],
): Promise<Response> {
  try {
    return Promise.resolve(send(input, init));
  } catch (error) {
    return Promise.reject(error);
  }
}
