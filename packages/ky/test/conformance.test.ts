import { breakerHooks } from '@breakwater/ky';
import { type Driver, runConformance } from '@breakwater/test/conformance';
import { runExchangeCases } from '@breakwater/test/exchanges';
import ky, { isHTTPError } from 'ky';

/**
 * The conformance driver of `ky.extend(breakerHooks(options))`. ky retries a 5xx only when it
 * throws its `HTTPError`, so with a client retry `throwHttpErrors` stays on and the driver
 * answers with the error's response (`error.data` is the body ky read); otherwise it is off.
 * The client timeout is ky's `timeout`.
 */
const kyDriver: Driver = {
  name: 'ky',
  supportsClientRetry: true,
  create(options, { retryLimit = 0 } = {}) {
    const api = ky.extend(breakerHooks(options)).extend({
      throwHttpErrors: retryLimit > 0,
      retry: retryLimit === 0 ? 0 : { limit: retryLimit, methods: ['get'], delay: () => 0 },
    });
    return {
      async request(url, { method = 'GET', signal, breakwater, timeoutMs } = {}) {
        try {
          const response = await api(url, {
            method,
            signal,
            timeout: timeoutMs,
            context: { breakwater },
          });
          const text = await response.text();
          const json = response.headers.get('content-type')?.includes('json') === true;
          return { status: response.status, body: json ? JSON.parse(text) : text };
        } catch (error) {
          if (isHTTPError(error)) return { status: error.response.status, body: error.data };
          throw error;
        }
      },
    };
  },
};

runConformance(kyDriver);
runExchangeCases(kyDriver);
