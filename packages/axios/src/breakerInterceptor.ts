import { BreakerOpenError } from '@breakwater/core';
import {
  bufferedBody,
  type HookBreakerOptions,
  type HookRequestOptions,
  type HttpCall,
  HttpGuard,
  type HttpHeaders,
  readHeader,
} from '@breakwater/core/adapter';
import axios, {
  type AxiosAdapter,
  type AxiosInterceptorOptions,
  type AxiosPromise,
  type AxiosRequestConfig,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { axiosRequestInfo } from './axiosRequestInfo.ts';

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Breakwater's per-request options (`bypass`, `key`, `timeoutMs`, `idempotent`, `context`),
     * read by the breaker of `@breakwater/axios`. There is no `retry`: axios-retry is the retry
     * of axios.
     */
    breakwater?: HookRequestOptions;
  }
}

/**
 * The breaker's request interceptor: the arguments of axios' own
 * `instance.interceptors.request.use()`, to spread into it:
 * `api.interceptors.request.use(...breakerInterceptor(options))`. {@link useBreaker} installs
 * it; install it yourself only to control its order among other interceptors (see the README).
 *
 * - `onFulfilled` routes the request through the breaker's wrapper of its adapter, which admits
 *   it (or rejects it with `BreakerOpenError`, sending nothing) and settles it with the
 *   adapter's response or error;
 * - `onRejected` is `null`: the wrapper settles every request, so no error needs handling here;
 * - `options` is `{ synchronous: true }`: the interceptor adds no promise tick.
 */
export type BreakerInterceptor = readonly [
  onFulfilled: <C extends AxiosRequestConfig>(config: C) => C,
  onRejected: null,
  options: AxiosInterceptorOptions,
];

/** A function marked by a breaker as its wrapper. */
type Routed = { [mark: symbol]: true | undefined };

/**
 * Creates the request interceptor of a circuit breaker for axios, one breaker per origin (or per
 * `key`). It wraps the request's adapter, so the permit is taken after every other request
 * interceptor and `transformRequest` have run, right before the request is sent, and settled
 * with what the adapter returns: a request to an open breaker rejects with the core's
 * `BreakerOpenError` before anything is sent; responses and errors are classified by the core
 * (5xx, 429 with Retry-After, network errors and timeouts count; 4xx and auth errors do not); a
 * cancellation releases the permit; a request that fails before it is sent takes none. Each
 * attempt, axios-retry's included, is one breaker call. Responses and errors reach the caller
 * unchanged. The adapter's `timeoutMs` becomes the request's `timeout` when the request has none.
 *
 * @param options - see `HookBreakerOptions`; validated here, once
 * @throws BreakwaterConfigError when an option is invalid, or for `retry` (use axios-retry)
 * @example
 * ```ts
 * api.interceptors.request.use(...breakerInterceptor({ timeoutMs: 5_000 }));
 * ```
 */
export function breakerInterceptor(options?: HookBreakerOptions): BreakerInterceptor {
  const guard = new HttpGuard(options, { clientRetry: 'axios-retry' });
  // Marks this breaker's wrappers. A config that still carries one (a request that failed before
  // its wrapper ran, sent again by another interceptor) is not wrapped twice: that would take two
  // permits for one attempt. A mark on the wrapper, not a WeakSet of wrappers: a WeakSet entry
  // per request was about half of the interceptor's cost, in the add and in the GC's ephemeron
  // work.
  const routed = Symbol('breakwater.routed');

  /** The interceptor takes no permit: what runs after it (interceptors, transforms) may throw. */
  function route<C extends AxiosRequestConfig>(config: C): C {
    const adapter = config.adapter;
    if (typeof adapter === 'function' && (adapter as unknown as Routed)[routed] === true) {
      return config;
    }
    const wrapper = ((sent) => send(sent, adapter)) as AxiosAdapter & Routed;
    wrapper[routed] = true;
    config.adapter = wrapper;
    return config;
  }

  /** Admits, sends and settles in one place: nothing between `acquire()` and the settle path. */
  function send(
    config: InternalAxiosRequestConfig,
    adapter: AxiosRequestConfig['adapter'],
  ): AxiosPromise {
    // The caller's adapter again, so `response.config` and `error.config` show it and a request
    // sent again from them (axios-retry) is routed afresh.
    config.adapter = adapter;
    // What `dispatchRequest` does with an adapter that is not a function; throws before admission.
    const transport = axios.getAdapter(adapter ?? axios.defaults.adapter, config);
    const request = axiosRequestInfo(config);
    if (request === undefined) return transport(config);
    const call = guard.acquire(request, config.breakwater, config.signal as AbortSignal);
    if (call instanceof BreakerOpenError) throw call;
    if (call.permit === undefined) return transport(config);
    // Both the http and the fetch adapter read `timeout` when they send.
    if (call.timeoutMs !== undefined && !config.timeout) config.timeout = call.timeoutMs;
    let pending: AxiosPromise;
    try {
      pending = transport(config);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then(
      (response) => {
        settleResponse(call, response);
        return response;
      },
      (error: unknown) => {
        // An `AxiosError` with a response is a status `validateStatus` refused: settled as that
        // response, as a resolved one is. Other errors are the core's to classify, and a
        // `CanceledError` releases the permit.
        const response = axios.isAxiosError(error) ? error.response : undefined;
        if (response === undefined) guard.settle(call, { kind: 'error', error });
        else settleResponse(call, response);
        throw error;
      },
    );
  }

  function settleResponse(call: HttpCall, response: AxiosResponse): void {
    // The adapter has buffered the body (text, or bytes for `arraybuffer`), and axios parses it
    // only after the adapter returns: rules get it, parsed by its Content-Type, when one applies.
    const headers = response.headers as HttpHeaders;
    // No reader (a closure per response) when no body rule could use it.
    guard.settleResponse(
      call,
      response.status,
      headers,
      guard.options.bodyRules.length === 0
        ? undefined
        : (maxBytes) => bufferedBody(response.data, readHeader(headers, 'content-type'), maxBytes),
    );
  }

  return Object.freeze([route, null, Object.freeze({ synchronous: true })] as const);
}
