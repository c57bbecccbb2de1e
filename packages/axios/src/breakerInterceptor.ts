import {
  BreakerOpenError,
  type BreakerRequestOptions,
  bufferedBody,
  type HttpBreakerOptions,
  type HttpCall,
  HttpGuard,
  type HttpHeaders,
  readHeader,
  responseOutcome,
} from '@breakwater/core';
import type {
  AxiosInterceptorOptions,
  AxiosRequestConfig,
  AxiosResponse,
  CancelToken,
} from 'axios';
import { axiosRequestInfo } from './axiosRequestInfo.ts';

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Breakwater's per-request options (`bypass`, `key`, `timeoutMs`, `idempotent`, `context`),
     * read by the interceptors of `@breakwater/axios`. `retry` is not used: axios-retry is the
     * retry of axios.
     */
    breakwater?: BreakerRequestOptions;
  }
}

/**
 * The two halves of the breaker, for `instance.interceptors.request.use()` and
 * `instance.interceptors.response.use()`. {@link useBreaker} installs both; install them yourself
 * only to control their order among other interceptors (see the README).
 */
export interface BreakerInterceptor {
  /**
   * `instance.interceptors.request.use(request.onFulfilled, null, request.options)`: admits the
   * request or throws `BreakerOpenError` before anything is sent.
   */
  readonly request: {
    readonly onFulfilled: <C extends AxiosRequestConfig>(config: C) => C;
    /** `{ synchronous: true }`: the permit is taken without a promise tick. */
    readonly options: AxiosInterceptorOptions;
  };
  /**
   * `instance.interceptors.response.use(response.onFulfilled, response.onRejected)`: settles the
   * request with its response or error, and hands both on unchanged.
   */
  readonly response: {
    readonly onFulfilled: <R extends AxiosResponse>(response: R) => R;
    readonly onRejected: (error: unknown) => never;
  };
}

/**
 * Creates the request and response interceptors of a circuit breaker for axios, one breaker per
 * origin (or per `key`): a request to an open breaker rejects with the core's `BreakerOpenError`
 * before anything is sent; responses and errors are classified by the core (5xx, 429 with
 * Retry-After, network errors and timeouts count; 4xx and auth errors do not); a cancellation
 * releases the permit. Each attempt, axios-retry's included, is one breaker call. Responses and
 * errors reach the caller unchanged. The breaker's `timeoutMs` becomes the request's `timeout`
 * when the request has none.
 *
 * @param options - see `HttpBreakerOptions` (`retry` is not used); validated here, once
 * @throws BreakwaterConfigError when an option is invalid
 * @example
 * ```ts
 * const { request, response } = breakerInterceptor({ timeoutMs: 5_000 });
 * api.interceptors.request.use(request.onFulfilled, null, request.options);
 * api.interceptors.response.use(response.onFulfilled, response.onRejected);
 * ```
 */
export function breakerInterceptor(options?: HttpBreakerOptions): BreakerInterceptor {
  const guard = new HttpGuard(options);
  // axios hands the config a request interceptor returns to the response and error of that
  // attempt (`response.config`, `error.config`): it carries the call from one to the other.
  const calls = new WeakMap<object, HttpCall>();
  // A `CancelToken`'s cancellation reaches the response interceptor without a config: the
  // token itself releases the permit, and is let go once the call is settled.
  const tokenWatches = new WeakMap<HttpCall, () => void>();

  function admit<C extends AxiosRequestConfig>(config: C): C {
    const request = axiosRequestInfo(config);
    if (request === undefined) return config;
    const call = guard.acquire(request, config.breakwater, config.signal as AbortSignal);
    if (call instanceof BreakerOpenError) throw call;
    if (call.permit === undefined) return config;
    if (call.timeoutMs !== undefined && !config.timeout) config.timeout = call.timeoutMs;
    calls.set(config, call);
    if (config.cancelToken) watchToken(config.cancelToken, call);
    return config;
  }

  function watchToken(token: CancelToken, call: HttpCall): void {
    const release = () => guard.release(call);
    tokenWatches.set(call, () => token.unsubscribe(release));
    token.subscribe(release);
  }

  /** The call admitted with `config`, taken out so that it is settled once. */
  function take(config: AxiosRequestConfig | undefined): HttpCall | undefined {
    const call = typeof config === 'object' && config !== null ? calls.get(config) : undefined;
    if (call === undefined) return undefined;
    calls.delete(config!);
    if (config!.cancelToken) tokenWatches.get(call)?.();
    return call;
  }

  function settleResponse<R extends AxiosResponse>(response: R): R {
    const call = take(response.config);
    if (call === undefined) return response;
    // axios has buffered and parsed the body already: rules get it only when one applies.
    const headers = response.headers as HttpHeaders;
    const rule = guard.bodyRule(call, response.status, headers);
    const body =
      rule === undefined
        ? undefined
        : bufferedBody(response.data, readHeader(headers, 'content-type'), rule.maxBytes);
    guard.settle(call, responseOutcome(response.status, headers, body));
    return response;
  }

  function settleError(error: unknown): never {
    // Errors without a config of ours pass by: the breaker's own rejection, a failure of another
    // request interceptor, a request this breaker did not admit (bypassed, ejected).
    const call = take((error as { config?: AxiosRequestConfig } | null)?.config);
    if (call !== undefined) {
      // A 4xx/5xx `AxiosError` carries its response, which the core reads; a `CanceledError`
      // releases the permit.
      guard.settle(call, { kind: 'error', error });
    }
    throw error;
  }

  return {
    request: { onFulfilled: admit, options: { synchronous: true } },
    response: { onFulfilled: settleResponse, onRejected: settleError },
  };
}
