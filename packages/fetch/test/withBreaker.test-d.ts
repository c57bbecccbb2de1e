import { type BreakerFetch, withBreaker } from '@breakwater/fetch';
import { fetch as undiciFetch } from 'undici';
import { expectTypeOf } from 'vitest';

const wrapped = withBreaker(fetch);
expectTypeOf(wrapped).toExtend<typeof fetch>();
expectTypeOf(wrapped).toEqualTypeOf<BreakerFetch<typeof fetch>>();
expectTypeOf(wrapped).returns.toEqualTypeOf<Promise<Response>>();
expectTypeOf(wrapped).toBeCallableWith('https://api.kraken.com', {
  method: 'POST',
  breakwater: { bypass: true, key: 'kraken', timeoutMs: 500, retry: false, idempotent: true },
});
// @ts-expect-error: per-request options are typed
wrapped('https://api.kraken.com', { breakwater: { bypas: true } });

const wrappedUndici = withBreaker(undiciFetch);
expectTypeOf(wrappedUndici).toExtend<typeof undiciFetch>();
expectTypeOf(wrappedUndici).parameter(1).toExtend<Parameters<typeof undiciFetch>[1]>();
