import type { Duplex } from 'node:stream';
import {
  BreakerOpenError,
  type BreakerRequestOptions,
  type HttpBreakerOptions,
  responseOutcome,
} from '@breakwater/core';
import {
  bufferedBody,
  type HttpCall,
  HttpGuard,
  type HttpRequestInfo,
  readHeader,
} from '@breakwater/core/adapter';
import type { Dispatcher } from 'undici';

/**
 * Options of {@link breakerInterceptor}: the core's `HttpBreakerOptions` without `retry`, which
 * only applies where Breakwater runs the whole request. Compose undici's `interceptors.retry()`
 * outside the breaker instead: each of its attempts is then one breaker call.
 */
export type BreakerInterceptorOptions = Omit<HttpBreakerOptions, 'retry'>;

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
  breakwater?: BreakerRequestOptions;
}

/**
 * An undici interceptor that puts every request its dispatcher sends through a circuit breaker,
 * one per origin (or per `key`). Installed on the global dispatcher, it guards every `fetch` in
 * the process, SDKs' included. A request to an open breaker is never sent: the handler gets the
 * core's `BreakerOpenError` through `onResponseError`, so `fetch` rejects with
 * `TypeError('fetch failed')` whose `cause` is that error (`isBreakerOpenError()` finds it), and
 * `undici.request()` rejects with the error itself. Responses are settled when their status and
 * headers arrive, or at their end when a body rule reads the body (a copy of at most `maxBytes`;
 * a compressed body is not read). A caller's abort releases the permit; `timeoutMs` becomes the
 * request's `headersTimeout` unless it sets one. Responses and errors reach the caller unchanged.
 *
 * @param options - see `HttpBreakerOptions`; validated here, once
 * @throws BreakwaterConfigError when an option is invalid
 * @example
 * ```ts
 * import { Agent, getGlobalDispatcher, interceptors, setGlobalDispatcher } from 'undici';
 * import { breakerInterceptor } from '@breakwater/fetch/node';
 *
 * setGlobalDispatcher(new Agent().compose(breakerInterceptor({ timeoutMs: 5_000 })));
 * await fetch('https://api.kraken.com/0/public/Time'); // guarded, and so is every SDK's fetch
 *
 * // With undici's retry outside the breaker: each attempt is one breaker call.
 * const agent = new Agent().compose(breakerInterceptor(), interceptors.retry({ maxRetries: 2 }));
 * ```
 */
export function breakerInterceptor(
  options?: BreakerInterceptorOptions,
): Dispatcher.DispatcherComposeInterceptor {
  const guard = new HttpGuard(options);
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
  try {
    const url = new URL((typeof origin === 'string' ? origin : origin.origin) + path);
    return { url, method, headers: opts.headers as HttpRequestInfo['headers'] };
  } catch {
    return undefined;
  }
}

/** Forwards every callback to the caller's handler, settling the request's permit on the way. */
class GuardedHandler implements Dispatcher.DispatchHandler {
  readonly #guard: HttpGuard;
  readonly #call: HttpCall;
  readonly #handler: Dispatcher.DispatchHandler;
  /** The body read for a body rule: its status, headers, chunks, size and cap. */
  #status = 0;
  #headers: ResponseHeaders = {};
  #chunks: Buffer[] | undefined = undefined;
  #bytes = 0;
  #maxBytes = 0;

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
    this.#guard.settle(this.#call, responseOutcome(statusCode, headers));
    this.#handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: ResponseHeaders,
    statusMessage?: string,
  ): void {
    // 1xx interim responses (103 Early Hints) come before the final one.
    if (statusCode >= 200) this.#started(statusCode, headers);
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#chunks !== undefined) {
      this.#chunks.push(Buffer.from(chunk));
      this.#bytes += chunk.byteLength;
      // Longer than the rule reads: settled now, without the body, as a fetch clone would be.
      if (this.#bytes > this.#maxBytes) this.#settleBuffered();
    }
    this.#handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: ResponseHeaders): void {
    if (this.#chunks !== undefined) this.#settleBuffered();
    this.#handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController | null, error: Error): void {
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

  /** Settles on the status and headers, or starts buffering a copy of the body for a body rule. */
  #started(status: number, headers: ResponseHeaders): void {
    const rule = this.#guard.bodyRule(this.#call, status, headers);
    // The bytes a dispatcher sees are still compressed: only an identity body can be read.
    const encoding = rule === undefined ? null : readHeader(headers, 'content-encoding');
    if (rule === undefined || (encoding ?? 'identity') !== 'identity') {
      this.#guard.settle(this.#call, responseOutcome(status, headers));
      return;
    }
    this.#status = status;
    this.#headers = headers;
    this.#chunks = [];
    this.#maxBytes = rule.maxBytes;
  }

  /** Settles with the buffered body; `bufferedBody` leaves out one longer than `maxBytes`. */
  #settleBuffered(): void {
    const bytes = Buffer.concat(this.#chunks!, this.#bytes);
    this.#chunks = undefined;
    const body = bufferedBody(bytes, readHeader(this.#headers, 'content-type'), this.#maxBytes);
    this.#guard.settle(this.#call, responseOutcome(this.#status, this.#headers, body));
  }
}
