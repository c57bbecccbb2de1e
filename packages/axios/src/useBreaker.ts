import type { HookBreakerOptions } from '@breakwater/core/adapter';
import type { AxiosInstance } from 'axios';
import { breakerInterceptor } from './breakerInterceptor.ts';

/** What {@link useBreaker} returns. */
export interface InstalledBreaker {
  /** Removes the interceptor; requests in flight still settle. Calling it again does nothing. */
  eject(): void;
}

/**
 * Installs the breaker's request interceptor on an axios instance (`axios` itself, an
 * `axios.create()` instance). It routes each request through the breaker's wrapper of the
 * request's adapter, so the breaker sees the config every interceptor and `transformRequest`
 * left, and each attempt axios-retry makes, whichever is installed first. Install it before any
 * interceptor that sets `config.adapter`: axios runs request interceptors in reverse order.
 *
 * @param options - see `HookBreakerOptions`; validated here, once
 * @throws BreakwaterConfigError when an option is invalid, or for `retry` (use axios-retry)
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
  options?: HookBreakerOptions,
): InstalledBreaker {
  const { interceptors } = instance;
  const id = interceptors.request.use(...breakerInterceptor(options));
  let installed = true;
  return {
    eject() {
      // In older axios 1.x releases an id is an array index, reused after `clear()`: ejecting
      // twice could remove someone else's interceptor.
      if (!installed) return;
      installed = false;
      interceptors.request.eject(id);
    },
  };
}
