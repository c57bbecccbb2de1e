import type { HttpBreakerOptions } from '@breakwater/core';
import type { AxiosInstance } from 'axios';
import { breakerInterceptor } from './breakerInterceptor.ts';

/** What {@link useBreaker} returns. */
export interface InstalledBreaker {
  /** Removes both interceptors; requests in flight still settle. Calling it again does nothing. */
  eject(): void;
}

/**
 * Installs the breaker's request and response interceptors on an axios instance (`axios` itself,
 * an `axios.create()` instance). Call it before adding other interceptors and before
 * `axiosRetry(instance)`: its request interceptor then runs last, on the final config, and its
 * response interceptor first, before axios-retry decides on a retry.
 *
 * @param options - see `HttpBreakerOptions` (`retry` is not used: use axios-retry); validated
 *   here, once
 * @throws BreakwaterConfigError when an option is invalid
 * @example
 * ```ts
 * const api = axios.create({ baseURL: 'https://api.kraken.com' });
 * const breaker = useBreaker(api, { timeoutMs: 5_000 });
 * axiosRetry(api, { retries: 2 });
 * await api.get('/0/public/Time');
 * breaker.eject();
 * ```
 */
export function useBreaker(
  instance: Pick<AxiosInstance, 'interceptors'>,
  options?: HttpBreakerOptions,
): InstalledBreaker {
  const { request, response } = breakerInterceptor(options);
  const { interceptors } = instance;
  const requestId = interceptors.request.use(request.onFulfilled, null, request.options);
  const responseId = interceptors.response.use(response.onFulfilled, response.onRejected);
  let installed = true;
  return {
    eject() {
      // In older axios 1.x releases an id is an array index, reused after `clear()`: ejecting
      // twice could remove someone else's interceptor.
      if (!installed) return;
      installed = false;
      interceptors.request.eject(requestId);
      interceptors.response.eject(responseId);
    },
  };
}
