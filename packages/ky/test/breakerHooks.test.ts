import {
  BreakerOpenError,
  BreakerRegistry,
  defaultRegistry,
  failure,
  isBreakwaterConfigError,
  ManualClock,
  onBody,
  setDefaultRegistry,
  TimeoutError,
} from '@breakwater/core';
import { type BreakerKyOptions, breakerHooks, type HookBreakerOptions } from '@breakwater/ky';
import { type LoopbackServer, startLoopbackServer } from '@breakwater/test/servers';
import ky, { isKyError, isTimeoutError, TimeoutError as KyTimeoutError, type Options } from 'ky';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let server: LoopbackServer;
let registries: BreakerRegistry[] = [];

beforeEach(async () => {
  server = await startLoopbackServer();
});

afterEach(async () => {
  for (const registry of registries) registry.dispose();
  registries = [];
  await server.close();
});

function create(options: HookBreakerOptions = {}, kyOptions: Options = {}) {
  const clock = new ManualClock();
  const registry = new BreakerRegistry({
    defaults: { clock, openMs: 1_000, strategy: { type: 'consecutive', failureCount: 3 } },
  });
  registries.push(registry);
  const api = ky.extend(breakerHooks({ registry, ...options })).extend({
    throwHttpErrors: false,
    retry: 0,
    ...kyOptions,
  });
  return { api, clock, registry, breaker: () => registry.get(server.origin) };
}

async function openBreaker(api: ReturnType<typeof create>['api']): Promise<void> {
  for (let i = 0; i < 3; i++) expect((await api.get(server.url('/status/500'))).status).toBe(500);
}

describe('breakerHooks', () => {
  it('rejects with the exact BreakerOpenError, unwrapped, sending nothing', async () => {
    const seenByHook: unknown[] = [];
    const { api, breaker } = create(
      {},
      {
        hooks: {
          beforeError: [
            ({ error }) => {
              seenByHook.push(error);
              return error;
            },
          ],
        },
      },
    );
    await openBreaker(api);
    const error = await api.get(server.url('/ok')).catch((e: unknown) => e);
    expect(Object.getPrototypeOf(error)).toBe(BreakerOpenError.prototype);
    expect((error as BreakerOpenError).breaker).toBe(server.origin);
    expect((error as BreakerOpenError).state).toBe('open');
    expect((error as Error).cause).toBeUndefined();
    expect(isKyError(error)).toBe(false);
    expect(seenByHook.at(-1)).toBe(error);
    expect(server.hits('/ok')).toBe(0);
    expect(breaker().snapshot().counters.rejected).toBe(1);
  });

  it("ends ky's retries when the breaker opens between attempts", async () => {
    const retries: number[] = [];
    const { api, breaker } = create(
      { strategy: { type: 'consecutive', failureCount: 2 } },
      {
        throwHttpErrors: true,
        retry: { limit: 5, delay: () => 0 },
        hooks: { beforeRetry: [({ retryCount }) => void retries.push(retryCount)] },
      },
    );
    const error = await api.get(server.url('/status/503')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(server.hits('/status/503')).toBe(2);
    expect(retries).toEqual([1, 2]);
    const { counters } = breaker().snapshot();
    expect([counters.calls, counters.failures, counters.rejected]).toEqual([2, 2, 1]);
  });

  it('releases the permit of an aborted request; the caller gets the abort reason as is', async () => {
    const { api, breaker, clock } = create({ halfOpen: { maxProbes: 1 } });
    await openBreaker(api);
    await clock.advance(1_000);
    const controller = new AbortController();
    const reason = new Error('user navigated away');
    const pending = api.get(server.url('/hang'), { signal: controller.signal });
    await server.waitForHits('/hang', 1);
    controller.abort(reason);
    expect(await pending.catch((e: unknown) => e)).toBe(reason);
    const { counters } = breaker().snapshot();
    expect([counters.released, counters.failures, breaker().state]).toEqual([1, 3, 'half_open']);
    // The probe slot is free again.
    expect((await api.get(server.url('/ok'))).status).toBe(200);
    expect(breaker().state).toBe('closed');
  });

  it("reads a body for rules from a clone, leaving the caller's body whole", async () => {
    const bodies: unknown[] = [];
    const { api, breaker } = create({
      bodyRules: { match: (status) => status === 200, maxBytes: 64 },
      classify: [
        (outcome) => void (outcome.kind === 'response' && bodies.push(outcome.body)),
        onBody((body) => (body as { error?: unknown[] }).error?.length === 1, failure('server')),
      ],
    });
    const response = await api.get(server.url('/json-error'));
    expect(await response.json()).toEqual({ error: ['EService:Unavailable'], result: {} });
    expect(bodies).toEqual([{ error: ['EService:Unavailable'], result: {} }]);
    expect(breaker().snapshot().counters.failuresByCategory.server).toBe(1);

    // Above maxBytes: not read at all, and still whole for the caller.
    const echo = await api.post(server.url('/echo'), { body: 'x'.repeat(100) });
    expect(((await echo.json()) as { body: string }).body).toHaveLength(100);
    expect(bodies).toEqual([{ error: ['EService:Unavailable'], result: {} }, undefined]);
    // The caller's own shortcut reads the same body.
    expect(await api.get(server.url('/ok')).json()).toEqual({ ok: true });
  });

  it("runs each attempt under the adapter's timeoutMs when ky sets no timeout", async () => {
    const clock = new ManualClock();
    const registry = new BreakerRegistry({ defaults: { clock } });
    registries.push(registry);
    const api = ky.extend(breakerHooks({ registry, timeoutMs: 100 })).extend({ retry: 0 });
    const pending = api.get(server.url('/hang')).catch((e: unknown) => e);
    await server.waitForHits('/hang', 1);
    await clock.advance(100);
    const error = await pending;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(100);
    // ky recognises it by name, so its `retry.retryOnTimeout` applies.
    expect(isTimeoutError(error)).toBe(true);
    const { counters } = registry.get(server.origin).snapshot();
    expect([counters.calls, counters.timeouts]).toEqual([1, 1]);
  });

  it('takes the deadline from the request, else the adapter, and none when bypassed', async () => {
    const { api, breaker, clock } = create({ timeoutMs: 5_000 });
    const hang = (options: BreakerKyOptions = {}) =>
      api.get(server.url('/hang'), options).catch((e: unknown) => e);

    const own = hang({ context: { breakwater: { timeoutMs: 2_000 } } });
    await server.waitForHits('/hang', 1);
    await clock.advance(2_000);
    expect((await own) as TimeoutError).toMatchObject({ name: 'TimeoutError', timeoutMs: 2_000 });

    const adapters = hang();
    await server.waitForHits('/hang', 2);
    await clock.advance(5_000);
    expect((await adapters) as TimeoutError).toMatchObject({ timeoutMs: 5_000 });
    expect(breaker().snapshot().counters.timeouts).toBe(2);

    // No deadline: the clock passing does nothing, and only the caller's abort ends them.
    const controller = new AbortController();
    const reason = new Error('done waiting');
    const { signal } = controller;
    const none = hang({ signal, context: { breakwater: { timeoutMs: Infinity } } });
    const bypassed = hang({ signal, context: { breakwater: { bypass: true } } });
    await server.waitForHits('/hang', 4);
    await clock.advance(60_000);
    controller.abort(reason);
    expect([await none, await bypassed]).toEqual([reason, reason]);
    expect(breaker().snapshot().counters.timeouts).toBe(2);
  });

  it("leaves the deadline to ky when the request sets ky's timeout", async () => {
    const { api, breaker, clock } = create({ timeoutMs: 100 }, { timeout: 30 });
    const pending = api.get(server.url('/hang')).catch((e: unknown) => e);
    await server.waitForHits('/hang', 1);
    await clock.advance(100);
    const error = await pending;
    expect(error).toBeInstanceOf(KyTimeoutError);
    expect(breaker().snapshot().counters.timeouts).toBe(1);
  });

  it('wraps the fetch the ky instance was given, once per attempt', async () => {
    const calls: string[] = [];
    const registry = new BreakerRegistry();
    registries.push(registry);
    const api = ky
      .create({
        fetch: (input, init) => {
          calls.push((input as Request).url);
          return globalThis.fetch(input, init);
        },
        retry: { limit: 2, delay: () => 0 },
      })
      .extend(breakerHooks({ registry }));
    await expect(api.get(server.url('/status/503'))).rejects.toThrow('503');
    expect(calls).toHaveLength(3);
    expect(registry.get(server.origin).snapshot().counters.calls).toBe(3);
  });

  it('makes no breaker call for a response a beforeRequest hook supplies', async () => {
    const { api, registry } = create(
      {},
      { hooks: { beforeRequest: [() => Response.json({ cached: true })] } },
    );
    expect(await api.get(server.url('/ok')).json()).toEqual({ cached: true });
    expect([server.hits(), registry.size]).toEqual([0, 0]);
  });

  it('settles each attempt even when a beforeRetry hook stops ky with ky.stop', async () => {
    const { api, breaker, clock } = create(
      { halfOpen: { maxProbes: 1 } },
      {
        throwHttpErrors: true,
        retry: { limit: 2, delay: () => 0 },
        hooks: { beforeRetry: [() => ky.stop] },
      },
    );
    for (let i = 0; i < 3; i++) expect(await api.get(server.url('/status/500'))).toBeUndefined();
    expect(breaker().state).toBe('open');
    await clock.advance(1_000);
    // The probe's 500 is recorded although ky stops before its beforeError hooks.
    expect(await api.get(server.url('/status/500'))).toBeUndefined();
    expect(breaker().state).toBe('open');
    expect(breaker().snapshot().halfOpen.probesInFlight).toBe(0);
    expect(server.hits()).toBe(4);
  });

  it('takes per-request options from context.breakwater and checks them', async () => {
    const { api, breaker, registry } = create();
    await openBreaker(api);
    const bypass: BreakerKyOptions = { context: { breakwater: { bypass: true } } };
    expect((await api.get(server.url('/ok'), bypass)).status).toBe(200);
    const keyed = await api.get(server.url('/ok'), { context: { breakwater: { key: 'ok' } } });
    expect(keyed.status).toBe(200);
    expect(registry.peek('ok')?.snapshot().counters.successes).toBe(1);

    const invalid = { context: { breakwater: { timeoutMs: -1, key: 'ok' } } };
    const error = await api.get(server.url('/ok'), invalid).catch((e: unknown) => e);
    expect(isBreakwaterConfigError(error)).toBe(true);
    expect(server.hits('/ok')).toBe(2);
    expect(breaker().snapshot().counters.calls).toBe(3);
  });

  it("rejects retry, on the hooks and per request, naming ky's own retry", async () => {
    expect(() => breakerHooks({ retry: { maxAttempts: 3 } } as never)).toThrow(
      /^Invalid option `retry`: expected no `retry` here: retry with ky's own `retry` option/,
    );
    const { api, registry } = create();
    const options = { context: { breakwater: { retry: false } } };
    const error = await api.get(server.url('/ok'), options).catch((e: unknown) => e);
    expect(isBreakwaterConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^Invalid option `breakwater.retry`/);
    expect([server.hits(), registry.size]).toEqual([0, 0]);
  });

  it('rejects invalid options when created', () => {
    expect(() => breakerHooks({ timeoutMs: 0 })).toThrow('`timeoutMs`');
    expect(() => breakerHooks({ retries: 3 } as HookBreakerOptions)).toThrow('`retries`');
  });

  it('uses the default registry when given none', async () => {
    const previous = setDefaultRegistry(new BreakerRegistry());
    try {
      const api = ky.create(breakerHooks());
      expect(await api.get(server.url('/ok')).json()).toEqual({ ok: true });
      expect(defaultRegistry().peek(server.origin)?.snapshot().counters.successes).toBe(1);
    } finally {
      setDefaultRegistry(previous)?.dispose();
    }
  });
});
