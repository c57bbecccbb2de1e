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

// Without a fetch, the global one of each call: typed as the global fetch.
expectTypeOf(withBreaker()).toEqualTypeOf<BreakerFetch<typeof fetch>>();
expectTypeOf(withBreaker({ timeoutMs: 5_000 })).toEqualTypeOf<BreakerFetch<typeof fetch>>();
expectTypeOf(withBreaker(undefined, { timeoutMs: 5_000 })).toEqualTypeOf<
  BreakerFetch<typeof fetch>
>();
// @ts-expect-error: a string is not a fetch
withBreaker('fetch');
// @ts-expect-error: options are typed in either place
withBreaker({ timeoutMS: 5_000 });
// A fetch that may be missing (an option of yours): its type when given, else the global's.
declare const maybeUndici: typeof undiciFetch | undefined;
expectTypeOf(withBreaker(maybeUndici)).toEqualTypeOf<BreakerFetch<typeof undiciFetch>>();
