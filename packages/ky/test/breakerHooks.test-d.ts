import {
  type BreakerHooks,
  type BreakerKyOptions,
  breakerHooks,
  type HookRequestOptions,
} from '@breakwater/ky';
import ky, { type KyInstance, type KyResponse, type Options } from 'ky';
import { expectTypeOf } from 'vitest';

const hooks = breakerHooks({ timeoutMs: 5_000 });
expectTypeOf(hooks).toEqualTypeOf<BreakerHooks>();
expectTypeOf(hooks).toExtend<Options>();

// ky's own instance types are kept.
const api = ky.extend(breakerHooks());
expectTypeOf(api).toEqualTypeOf<KyInstance>();
expectTypeOf(ky.create(breakerHooks())).toEqualTypeOf<KyInstance>();
expectTypeOf(ky.extend((parent) => ({ ...parent, ...breakerHooks() }))).toEqualTypeOf<KyInstance>();
expectTypeOf(api.get('https://api.kraken.com').json<{ ok: boolean }>()).resolves.toEqualTypeOf<{
  ok: boolean;
}>();
expectTypeOf(api.get('https://api.kraken.com')).resolves.toEqualTypeOf<KyResponse>();

// Per-request options are typed through BreakerKyOptions, which ky's methods accept.
const perRequest: BreakerKyOptions = {
  context: {
    breakwater: { bypass: true, key: 'kraken', timeoutMs: 500, idempotent: true },
    traceId: 'abc',
  },
};
expectTypeOf(api.get).toBeCallableWith('https://api.kraken.com', perRequest);
expectTypeOf<
  NonNullable<NonNullable<BreakerKyOptions['context']>['breakwater']>
>().toEqualTypeOf<HookRequestOptions>();
// @ts-expect-error: per-request options are typed
const typo: BreakerKyOptions = { context: { breakwater: { bypas: true } } };
void typo;
const wrongValue = {
  // @ts-expect-error: so are their values
  context: { breakwater: { timeoutMs: '5s' } },
} satisfies BreakerKyOptions;
void wrongValue;

// @ts-expect-error: adapter options are checked too
breakerHooks({ retries: 3 });
// @ts-expect-error: ky retries with its own `retry` option, and so does a request
breakerHooks({ retry: { maxAttempts: 3 } });
// @ts-expect-error: no per-request retry either
const perRequestRetry: BreakerKyOptions = { context: { breakwater: { retry: false } } };
void perRequestRetry;
