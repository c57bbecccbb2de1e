import { type BreakwaterContext, breakerHooks } from '@breakwater/got';
import { type Driver, runConformance } from '@breakwater/test/conformance';
import { runExchangeCases } from '@breakwater/test/exchanges';
import got from 'got';

/**
 * The conformance driver of `got.extend(breakerHooks(options))`. HTTP errors resolve
 * (`throwHttpErrors: false`); got's own retry is the client retry, with a 1 ms delay (got's
 * shortest: `calculateDelay` returning 0 means "do not retry"). The client timeout is got's
 * `timeout.request`.
 */
const gotDriver: Driver = {
  name: 'got',
  supportsClientRetry: true,
  create(options, { retryLimit = 0 } = {}) {
    const client = got.extend(breakerHooks(options), {
      throwHttpErrors: false,
      retry:
        retryLimit === 0
          ? { limit: 0 }
          : {
              limit: retryLimit,
              methods: ['GET'],
              calculateDelay: ({ computedValue }) => computedValue && 1,
            },
    });
    return {
      async request(url, { method = 'GET', signal, breakwater, timeoutMs } = {}) {
        const response = await client(url, {
          method,
          signal,
          context: { breakwater } satisfies BreakwaterContext,
          timeout: timeoutMs === undefined ? {} : { request: timeoutMs },
        });
        const json = response.headers['content-type']?.includes('json') === true;
        return {
          status: response.statusCode,
          body: json ? JSON.parse(response.body) : response.body,
        };
      },
    };
  },
};

runConformance(gotDriver);
runExchangeCases(gotDriver);
