import { useBreaker } from '@breakwater/axios';
import { type Driver, runConformance } from '@breakwater/test/conformance';
import { runExchangeCases } from '@breakwater/test/exchanges';
import axios from 'axios';
import axiosRetry from 'axios-retry';

/**
 * The conformance driver of `useBreaker(axios.create())`, once per axios transport. Without a
 * client retry, every status resolves (`validateStatus: () => true`). With one, axios-retry
 * retries GETs on 5xx and network errors without delay; it retries only rejected requests, so
 * axios keeps its default `validateStatus` and the driver returns the response of the
 * `AxiosError` it ends with. `useBreaker` is installed before axios-retry, as its README says.
 */
function axiosDriver(adapter: 'http' | 'fetch'): Driver {
  return {
    name: `axios (${adapter} adapter)`,
    supportsClientRetry: true,
    create(options, { retryLimit = 0 } = {}) {
      const instance = axios.create(
        retryLimit === 0 ? { adapter, validateStatus: () => true } : { adapter },
      );
      useBreaker(instance, options);
      if (retryLimit > 0) axiosRetry(instance, { retries: retryLimit, retryDelay: () => 0 });
      return {
        async request(url, { method, signal, breakwater, timeoutMs } = {}) {
          try {
            const response = await instance.request({
              url,
              method,
              signal,
              breakwater,
              timeout: timeoutMs,
            });
            return { status: response.status, body: response.data };
          } catch (error) {
            if (!axios.isAxiosError(error) || error.response === undefined) throw error;
            return { status: error.response.status, body: error.response.data };
          }
        },
      };
    },
  };
}

runConformance(axiosDriver('http'));
runConformance(axiosDriver('fetch'));
runExchangeCases(axiosDriver('http'));
runExchangeCases(axiosDriver('fetch'));
