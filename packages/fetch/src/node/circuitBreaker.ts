import type { Duplex } from 'node:stream';
import { BreakerOpenError } from '@breakwater/core';
import {
  bufferedBody,
  fetchRequestInfo,
  type HookBreakerOptions,
  type HookRequestOptions,
  type HttpCall,
  HttpGuard,
  type HttpRequestInfo,
  readHeader,
} from '@breakwater/core/adapter';
import type { Dispatcher } from 'undici';

/**
 * The per-request field the interceptor reads from undici's dispatch options. `undici.request()`,
 * `stream()`, `pipeline()` and `dispatcher.request()` pass their options through to interceptors;
 * `fetch` builds its own dispatch options, so it cannot carry one.
 *
 * @example
 * ```ts
 * const options: Dispatcher.RequestOptions & BreakwaterDispatchOptions = {
 *   origin, path: '/health', method: 'GET', breakwater: { bypass: true },
 * };
 * await dispatcher.request(options);
 * ```
 */
export interface BreakwaterDispatchOptions {
  /** Per-request options: `bypass`, `key`, `timeoutMs`, `idempotent`, `context`. */
  breakwater?: HookRequestOptions;
}

/**
 * An undici interceptor, composed like undici's own `interceptors.retry()`
 * (`new Agent().compose(circuitBreaker(options))`), that puts every request its dispatcher sends
 * through a circuit breaker, one per origin (or per `key`). Installed on the global dispatcher, it guards every `fetch` in
 * the process, SDKs' included. A request to an open breaker is never sent: the handler gets the
 * core's `BreakerOpenError` through `onResponseError`, so `fetch` rejects with
 * `TypeError('fetch failed')` whose `cause` is that error (`isBreakerOpenError()` finds it), and
 * `undici.request()` rejects with the error itself. Responses are settled when their status and
 * headers arrive, or at their end when a body rule reads the body (a copy of at most `maxBytes`;
 * a compressed body is not read). A caller's abort releases the permit; `timeoutMs` becomes the
 * request's `headersTimeout` unless it sets one. Responses and errors reach the caller unchanged.
 *
 * @param options - see `HookBreakerOptions`; validated here, once. There is no `retry`:
 * compose undici's `interceptors.retry()` outside the breaker, each of its attempts one breaker
 * call.
 * @throws BreakwaterConfigError when an option is invalid, or for `retry`
 * @example
 * ```ts
 * import { Agent, getGlobalDispatcher, interceptors, setGlobalDispatcher } from 'undici';
 * import { circuitBreaker } from '@breakwater/fetch/node';
 *
 * setGlobalDispatcher(new Agent().compose(circuitBreaker({ timeoutMs: 5_000 })));
 * await fetch('https://api.kraken.com/0/public/Time'); // guarded, and so is every SDK's fetch
 *
 * // With undici's retry outside the breaker: each attempt is one breaker call.
 * const agent = new Agent().compose(circuitBreaker(), interceptors.retry({ maxRetries: 2 }));
 * ```
 */
export function circuitBreaker(
  options?: HookBreakerOptions,
): Dispatcher.DispatcherComposeInterceptor {
  const guard = new HttpGuard(options, {
    clientRetry: "undici's `interceptors.retry()` composed outside the breaker",
  });
  return (dispatch) =>
    function breakwaterDispatch(opts, handler) {
      // A legacy (undici 7) handler: undici rejects it with a clear error; wrapping it would hang.
      if (typeof handler.onRequestStart !== 'function') return dispatch(opts, handler);
      const request = requestInfo(opts);
      if (request === undefined) return dispatch(opts, handler);
      let call: HttpCall | BreakerOpenError;
      try {
        const { signal } = opts as Dispatcher.RequestOptions;
        const own = signal instanceof AbortSignal ? signal : undefined;
        call = guard.acquire(request, (opts as BreakwaterDispatchOptions).breakwater, own);
      } catch (error) {
        return reject(handler, error);
      }
      if (call instanceof BreakerOpenError) return reject(handler, call);
      if (call.permit === undefined) return dispatch(opts, handler);
      const guarded = new GuardedHandler(guard, call, handler);
      const mapped = call.timeoutMs !== undefined && opts.headersTimeout == null;
      return dispatch(mapped ? { ...opts, headersTimeout: call.timeoutMs } : opts, guarded);
    };
}

/** Response headers as undici hands them to handlers: lower-case names. */
type ResponseHeaders = Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>[2];

/** What `onResponseError` gets for a request that was never dispatched (as undici's cache does). */
const notDispatched: Dispatcher.DispatchController = Object.freeze({
  aborted: false,
  paused: false,
  reason: null,
  rawHeaders: null,
  rawTrailers: null,
  abort() {},
  pause() {},
  resume() {},
});

/** Reports `error` the way undici reports a request it could not dispatch: nothing is sent. */
function reject(handler: Dispatcher.DispatchHandler, error: unknown): boolean {
  handler.onResponseError?.(notDispatched, error as Error);
  return true;
}

/** The request as the HTTP glue reads it; `undefined` when its URL does not parse. */
function requestInfo(opts: Dispatcher.DispatchOptions): HttpRequestInfo | undefined {
  const { origin, path, method } = opts;
  if (origin == null) return undefined;
  // The core's reading of a URL: parsed once per origin, not per request.
  return fetchRequestInfo((typeof origin === 'string' ? origin : origin.origin) + path, {
    method,
    headers: opts.headers as HttpRequestInfo['headers'],
  });
}

/** Forwards every callback to the caller's handler, settling the request's permit on the way. */
class GuardedHandler implements Dispatcher.DispatchHandler {
  readonly #guard: HttpGuard;
  readonly #call: HttpCall;
  readonly #handler: Dispatcher.DispatchHandler;
  /** The response headers, for a body rule's read. */
  #headers: ResponseHeaders = {};
  /** A copy of the body's chunks while a body rule reads it, its size, cap and reader. */
  #chunks: Buffer[] | undefined = undefined;
  #bytes = 0;
  #maxBytes = 0;
  #deliver: ((body: unknown) => void) | undefined = undefined;

  constructor(guard: HttpGuard, call: HttpCall, handler: Dispatcher.DispatchHandler) {
    this.#guard = guard;
    this.#call = call;
    this.#handler = handler;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: ResponseHeaders,
    socket: Duplex,
  ): void {
    this.#guard.settleResponse(this.#call, statusCode, headers);
    this.#handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: ResponseHeaders,
    statusMessage?: string,
  ): void {
    // 1xx interim responses (103 Early Hints) come before the final one. A response is settled
    // now, or at the end of its body when a body rule reads it.
    if (statusCode >= 200) {
      this.#headers = headers;
      // No reader (a closure per request) when no body rule could use it.
      const reads = this.#guard.options.bodyRules.length > 0;
      this.#guard.settleResponse(
        this.#call,
        statusCode,
        headers,
        reads ? (maxBytes) => this.#readBody(maxBytes) : undefined,
      );
    }
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#chunks !== undefined) {
      this.#chunks.push(Buffer.from(chunk));
      this.#bytes += chunk.byteLength;
      // Longer than the rule reads: settled now, without the body, as a fetch clone would be.
      if (this.#bytes > this.#maxBytes) this.#endBody();
    }
    this.#handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: ResponseHeaders): void {
    if (this.#chunks !== undefined) this.#endBody();
    this.#handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController | null, error: Error): void {
    this.#chunks = undefined;
    // undici reports the caller's abort (fetch's signal, a destroyed body) on its controller.
    this.#guard.settle(this.#call, { kind: 'error', error }, controller ?? undefined);
    this.#handler.onResponseError?.(controller as Dispatcher.DispatchController, error);
  }

  onResponseStarted(): void {
    this.#handler.onResponseStarted?.();
  }

  onRequestSent(): void {
    this.#handler.onRequestSent?.();
  }

  onBodySent(chunk: Buffer): void {
    this.#handler.onBodySent?.(chunk);
  }

  /** For a body rule: starts keeping a copy of the body, delivered at its end. */
  #readBody(maxBytes: number): unknown {
    // The bytes a dispatcher sees are still compressed: only an identity body can be read.
    if ((readHeader(this.#headers, 'content-encoding') ?? 'identity') !== 'identity') {
      return undefined;
    }
    this.#chunks = [];
    this.#maxBytes = maxBytes;
    return new Promise((deliver) => {
      this.#deliver = deliver;
    });
  }

  /** Delivers the copy; `bufferedBody` leaves out one longer than `maxBytes`. */
  #endBody(): void {
    const bytes = Buffer.concat(this.#chunks!, this.#bytes);
    this.#chunks = undefined;
    const contentType = readHeader(this.#headers, 'content-type');
    this.#deliver?.(bufferedBody(bytes, contentType, this.#maxBytes));
  }
}
