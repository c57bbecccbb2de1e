import { type BreakwaterDispatchOptions, circuitBreaker } from '@breakwater/fetch/node';
import { type Driver, runConformance } from '@breakwater/test/conformance';
import { runExchangeCases } from '@breakwater/test/exchanges';
import {
  Agent,
  type Dispatcher,
  getGlobalDispatcher,
  interceptors,
  request,
  setGlobalDispatcher,
} from 'undici';

/**
 * An Agent composed with the interceptor and, when the scenario asks for a client retry,
 * undici's retry interceptor outside it (each attempt is then one breaker call). `throwOnError:
 * false` hands the last 5xx to the caller, as the suite expects.
 */
function guardedAgent(options: Parameters<typeof circuitBreaker>[0], retryLimit: number) {
  const guarded = circuitBreaker(options);
  if (retryLimit === 0) return new Agent().compose(guarded);
  const retry = interceptors.retry({
    maxRetries: retryLimit,
    methods: ['GET'],
    minTimeout: 0,
    throwOnError: false,
  });
  return new Agent().compose(guarded, retry);
}

function bodyOf(text: string, contentType: string | null | undefined): unknown {
  return contentType?.includes('json') === true ? JSON.parse(text) : text;
}

/**
 * The caller's signal joined with `AbortSignal.timeout(timeoutMs)`: the client timeout of both
 * drivers. undici's own `headersTimeout` fires only after about 1 s (its timers have that
 * resolution), too coarse for the suite's 30 ms; the interceptor counts an abort whose reason is a
 * timeout as a timeout.
 */
function withTimeout(signal?: AbortSignal, timeoutMs?: number): AbortSignal | undefined {
  const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  const present = [signal, timeout].filter((s) => s !== undefined);
  return present.length === 0 ? undefined : AbortSignal.any(present);
}

/**
 * The global `fetch` over a global dispatcher composed with the interceptor: what protects SDKs
 * that call `fetch` themselves. `fetch` builds the dispatch options the interceptor sees, so it
 * carries no per-request options.
 */
const globalFetchDriver: Driver = {
  name: 'undici interceptor, global fetch',
  supportsClientRetry: true,
  supportsRequestOptions: false,
  create(options, { retryLimit = 0 } = {}) {
    const previous = getGlobalDispatcher();
    const agent = guardedAgent(options, retryLimit);
    setGlobalDispatcher(agent);
    return {
      async request(url, { method, signal, timeoutMs } = {}) {
        const response = await fetch(url, { method, signal: withTimeout(signal, timeoutMs) });
        const text = await response.text();
        return {
          status: response.status,
          body: bodyOf(text, response.headers.get('content-type')),
        };
      },
      async close() {
        setGlobalDispatcher(previous);
        await agent.close();
      },
    };
  },
};

/**
 * `undici.request()` through a dispatcher composed with the interceptor: per-request options go
 * in the dispatch options' `breakwater` field. (That `timeoutMs` becomes `headersTimeout` is
 * checked in circuitBreaker.test.ts, without waiting for undici's timer.)
 */
const undiciRequestDriver: Driver = {
  name: 'undici interceptor, undici.request',
  supportsClientRetry: true,
  create(options, { retryLimit = 0 } = {}) {
    const agent = guardedAgent(options, retryLimit);
    return {
      async request(url, { method = 'GET', signal, breakwater, timeoutMs } = {}) {
        const init: Omit<Dispatcher.RequestOptions, 'origin' | 'path'> &
          BreakwaterDispatchOptions & { dispatcher: Dispatcher } = {
          dispatcher: agent,
          method,
          signal: withTimeout(signal, timeoutMs),
          breakwater,
        };
        const response = await request(url, init);
        const text = await response.body.text();
        const contentType = response.headers['content-type'];
        return { status: response.statusCode, body: bodyOf(text, String(contentType)) };
      },
      close: () => agent.close(),
    };
  },
};

runConformance(globalFetchDriver);
runConformance(undiciRequestDriver);
runExchangeCases(globalFetchDriver);
runExchangeCases(undiciRequestDriver);
