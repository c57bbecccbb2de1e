import { type BreakerHooks, type BreakwaterContext, breakerHooks } from '@breakwater/got';
import got, { type ExtendOptions, type Got, type RequestPromise, type Response } from 'got';
import { expectTypeOf } from 'vitest';

expectTypeOf(breakerHooks()).toEqualTypeOf<BreakerHooks>();
expectTypeOf(breakerHooks()).toExtend<ExtendOptions>();

// got.extend(breakerHooks()) is a got instance with got's own types.
const client = got.extend(breakerHooks({ timeoutMs: 5_000 }));
expectTypeOf(client).toExtend<Got>();
expectTypeOf(client('https://api.kraken.com')).toEqualTypeOf<RequestPromise<Response<string>>>();
expectTypeOf(client.get('https://api.kraken.com').json<{ ok: boolean }>()).resolves.toEqualTypeOf<{
  ok: boolean;
}>();
expectTypeOf(client.post('https://api.kraken.com', { responseType: 'buffer' })).toEqualTypeOf<
  RequestPromise<Response<Uint8Array<ArrayBuffer>>>
>();
expectTypeOf(client.stream).toEqualTypeOf(got.stream);

// Instance options before and after the hooks keep their effect on types.
const json = got.extend({ responseType: 'json', resolveBodyOnly: true }).extend(breakerHooks());
expectTypeOf(json('https://api.kraken.com')).toEqualTypeOf<RequestPromise<unknown>>();
const jsonAfter = got.extend(breakerHooks(), { responseType: 'json', resolveBodyOnly: true });
expectTypeOf(jsonAfter('https://api.kraken.com')).toEqualTypeOf<RequestPromise<unknown>>();

// Per-request options in got's `context`, typed with BreakwaterContext.
client('https://api.kraken.com', {
  context: {
    breakwater: { bypass: true, key: 'kraken', timeoutMs: 500, idempotent: true },
  } satisfies BreakwaterContext,
});
// @ts-expect-error: per-request options are typed
const typo: BreakwaterContext = { breakwater: { bypass: true, tiemoutMs: 500 } };
client('https://api.kraken.com', { context: typo });

// @ts-expect-error: options are the core's HookBreakerOptions
breakerHooks({ timeout: 5_000 });
// @ts-expect-error: got retries with its own `retry` option, and so does a request
breakerHooks({ retry: { maxAttempts: 3 } });
// @ts-expect-error: no per-request retry either
const perRequestRetry: BreakwaterContext = { breakwater: { retry: false } };
void perRequestRetry;
