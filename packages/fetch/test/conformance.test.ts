import { constantBackoff, type HttpBreakerOptions } from '@breakwater/core';
import { withBreaker } from '@breakwater/fetch';
import { type Driver, runConformance } from '@breakwater/test/conformance';
import { runExchangeCases } from '@breakwater/test/exchanges';

/**
 * The conformance driver of `withBreaker(globalThis.fetch)`. Fetch has no retry of its own:
 * `withBreaker`'s `retry` option is the retry fetch users get, so it is the client retry here.
 * Its client timeout is `AbortSignal.timeout()`.
 */
const fetchDriver: Driver = {
  name: 'fetch',
  supportsClientRetry: true,
  create(options, { retryLimit = 0 } = {}) {
    const retried: HttpBreakerOptions =
      retryLimit === 0
        ? options
        : { ...options, retry: { maxAttempts: retryLimit + 1, backoff: constantBackoff(0) } };
    const fetch = withBreaker(globalThis.fetch, retried);
    return {
      async request(url, { method, signal, breakwater, timeoutMs } = {}) {
        const signals = [
          signal,
          timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs),
        ];
        const present = signals.filter((s) => s !== undefined);
        const response = await fetch(url, {
          method,
          signal: present.length === 0 ? undefined : AbortSignal.any(present),
          breakwater,
        });
        const text = await response.text();
        const json = response.headers.get('content-type')?.includes('json') === true;
        return { status: response.status, body: json ? JSON.parse(text) : text };
      },
    };
  },
};

runConformance(fetchDriver);
runExchangeCases(fetchDriver);
