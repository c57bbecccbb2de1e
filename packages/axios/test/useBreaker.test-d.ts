import {
  type BreakerInterceptor,
  breakerInterceptor,
  type InstalledBreaker,
  useBreaker,
} from '@breakwater/axios';
import axios, {
  type AxiosInterceptorOptions,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { expectTypeOf } from 'vitest';

interface Ticker {
  readonly price: number;
}

const api = axios.create({ baseURL: 'https://api.kraken.com' });
expectTypeOf(useBreaker(api)).toEqualTypeOf<InstalledBreaker>();
expectTypeOf(useBreaker(axios, { timeoutMs: 5_000 })).toEqualTypeOf<InstalledBreaker>();

// The instance keeps axios' own generics.
expectTypeOf(api.get<Ticker>('/0/public/Ticker'))
  .resolves.toHaveProperty('data')
  .toEqualTypeOf<Ticker>();
expectTypeOf(api.post<Ticker, AxiosResponse<Ticker>, { pair: string }>).toBeCallableWith('/o', {
  pair: 'XBTUSD',
});

// Per-request options are typed through the request config, as an instance default too.
expectTypeOf(api.get).toBeCallableWith('/0/public/Time', {
  breakwater: { bypass: true, key: 'kraken', timeoutMs: 500, idempotent: true },
});
axios.create({ breakwater: { key: 'kraken:public' } });
// @ts-expect-error: per-request options are typed
api.get('/0/public/Time', { breakwater: { bypas: true } });
// @ts-expect-error: axios-retry retries, not Breakwater: no `retry` per request
api.get('/0/public/Time', { breakwater: { retry: false } });
// @ts-expect-error: nor on the adapter
useBreaker(api, { retry: { maxAttempts: 3 } });

// The interceptor is the arguments of axios' `use()`, spread into it, and hands on exactly the
// config it is given.
const interceptor = breakerInterceptor();
expectTypeOf(interceptor).toEqualTypeOf<BreakerInterceptor>();
expectTypeOf(api.interceptors.request.use(...interceptor)).toEqualTypeOf<number>();
expectTypeOf(axios.interceptors.request.use(...breakerInterceptor())).toEqualTypeOf<number>();
const [onFulfilled, onRejected, options] = interceptor;
expectTypeOf(onFulfilled<InternalAxiosRequestConfig<{ pair: string }>>).returns.toEqualTypeOf<
  InternalAxiosRequestConfig<{ pair: string }>
>();
expectTypeOf(onRejected).toBeNull();
expectTypeOf(options).toEqualTypeOf<AxiosInterceptorOptions>();
// @ts-expect-error: a request interceptor only: the wrapped adapter settles every request
api.interceptors.response.use(...interceptor);
