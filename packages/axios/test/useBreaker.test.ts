import { breakerInterceptor, type HookBreakerOptions, useBreaker } from '@breakwater/axios';
import {
  BreakerOpenError,
  BreakerRegistry,
  type CircuitBreaker,
  isBreakwaterConfigError,
  ManualClock,
  onBody,
  success,
} from '@breakwater/core';
import { type LoopbackServer, startLoopbackServer } from '@breakwater/test/servers';
import axios, { AxiosError, type AxiosInstance, type CreateAxiosDefaults } from 'axios';
import axiosRetry from 'axios-retry';
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

function create(options: HookBreakerOptions = {}, defaults: CreateAxiosDefaults = {}) {
  const clock = new ManualClock();
  const registry = new BreakerRegistry({
    defaults: { clock, openMs: 1_000, strategy: { type: 'consecutive', failureCount: 3 } },
  });
  registries.push(registry);
  const api = axios.create({ validateStatus: () => true, ...defaults });
  const installed = useBreaker(api, { registry, ...options });
  return { api, installed, clock, registry, breaker: () => registry.get(server.origin) };
}

async function trip(api: AxiosInstance): Promise<void> {
  for (let i = 0; i < 3; i++) expect((await api.get(server.url('/status/500'))).status).toBe(500);
}

/** The reason `promise` rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('useBreaker', () => {
  it('rejects with the exact BreakerOpenError it threw, unwrapped, and sends nothing', async () => {
    const { api, breaker } = create();
    const seen: unknown[] = [];
    api.interceptors.response.use(undefined, (error: unknown) => {
      seen.push(error);
      throw error;
    });
    await trip(api);

    const error = await rejection(api.get(server.url('/ok')));
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(error).toBe(seen[0]);
    expect(axios.isAxiosError(error)).toBe(false);
    expect((error as BreakerOpenError).breaker).toBe(server.origin);
    expect((error as Error).cause).toBeUndefined();
    expect(breaker().snapshot().counters.rejected).toBe(1);
    expect(server.hits('/ok')).toBe(0);
  });

  it('removes both interceptors on eject, once', async () => {
    const { api, installed, breaker } = create();
    await trip(api);
    installed.eject();

    expect((await api.get(server.url('/ok'))).status).toBe(200);
    expect((await api.get(server.url('/status/503'))).status).toBe(503);
    expect(breaker().snapshot().counters.calls).toBe(3);
    expect(breaker().snapshot().counters.rejected).toBe(0);

    const later = api.interceptors.request.use((config) => {
      config.headers.set('x-later', '1');
      return config;
    });
    installed.eject();
    const echoed = await api.post(server.url('/echo'), 'x');
    expect(echoed.data.headers['x-later']).toBe('1');
    api.interceptors.request.eject(later);
  });

  it('takes no permit for a request cancelled before it is sent, and releases one cancelled in flight', async () => {
    const { api, breaker } = create();
    const error = await rejection(api.get(server.url('/ok'), { signal: AbortSignal.abort() }));
    expect(axios.isCancel(error)).toBe(true);
    expect(server.hits()).toBe(0);

    const source = axios.CancelToken.source();
    const pending = rejection(api.get(server.url('/hang'), { cancelToken: source.token }));
    await server.waitForHits('/hang', 1);
    source.cancel('user left');
    expect(axios.isCancel(await pending)).toBe(true);

    const cancelled = axios.CancelToken.source();
    cancelled.cancel('before');
    expect(
      axios.isCancel(await rejection(api.get(server.url('/ok'), { cancelToken: cancelled.token }))),
    ).toBe(true);

    // axios throws the cancellations before the adapter runs: only the one in flight was admitted.
    const { counters } = breaker().snapshot();
    expect([counters.calls, counters.released, counters.failures]).toEqual([1, 1, 0]);
    expect(server.hits()).toBe(1);
  });

  it('sees the config as interceptors added after it leave it, with baseURL joined as axios does', async () => {
    const endpoints: string[] = [];
    const { api, breaker } = create(
      {
        key(request) {
          endpoints.push(request.url.pathname);
          return request.url.origin;
        },
      },
      { baseURL: `${server.origin}/status/` },
    );
    api.interceptors.request.use((config) => {
      config.headers.set('Idempotency-Key', 'order-1');
      return config;
    });
    const uncertain: boolean[] = [];
    breaker().on('failure', (event) => uncertain.push(event.uncertainEffect));

    expect((await api.post('/500', { price: 1 })).status).toBe(500);
    expect(endpoints).toEqual(['/status/500']);
    expect(uncertain).toEqual([false]);
  });

  it("maps the breaker's timeoutMs to the request's timeout unless it has one", async () => {
    const { api, breaker } = create({ timeoutMs: 30 });
    expect((await api.get(server.url('/ok'))).config.timeout).toBe(30);
    expect((await api.get(server.url('/ok'), { timeout: 2_000 })).config.timeout).toBe(2_000);
    const perRequest = await api.get(server.url('/ok'), { breakwater: { timeoutMs: 1_500 } });
    expect(perRequest.config.timeout).toBe(1_500);
    expect(
      (await api.get(server.url('/ok'), { breakwater: { bypass: true } })).config.timeout,
    ).toBe(0);

    const error = await rejection(api.get(server.url('/hang')));
    expect(axios.isAxiosError(error) && error.code).toBe('ECONNABORTED');
    expect(breaker().snapshot().counters.failuresByCategory.timeout).toBe(1);
  });

  it('hands body rules the parsed body whatever the responseType', async () => {
    const bodies: unknown[] = [];
    const { api } = create({
      bodyRules: {},
      classify: onBody((body) => {
        bodies.push(body);
        return false;
      }, success()),
    });
    await api.get(server.url('/json-error'));
    await api.get(server.url('/json-error'), { responseType: 'text' });
    await api.get(server.url('/json-error'), { responseType: 'arraybuffer' });
    await api
      .get(server.url('/status/404'), { validateStatus: (status) => status < 400 })
      .catch(() => undefined);
    const text = '{"error":["EService:Unavailable"],"result":{}}';
    const parsed = JSON.parse(text);
    expect(bodies).toEqual([parsed, parsed, parsed, { status: 404 }]);
  });

  it('takes per-request options as an instance default too', async () => {
    const { api, registry } = create({}, { breakwater: { key: 'group:api' } });
    await api.get(server.url('/ok'));
    expect(registry.peek('group:api')?.snapshot().counters.successes).toBe(1);
  });

  it('checks options once, and per-request options per request, sending nothing', async () => {
    expect(() => useBreaker(axios.create(), { timeoutMs: 0 })).toThrow(
      'Invalid option `timeoutMs`',
    );
    const { api } = create();
    const error = await rejection(
      api.get(server.url('/ok'), { breakwater: { bypas: true } as never }),
    );
    expect(isBreakwaterConfigError(error)).toBe(true);
    expect(server.hits()).toBe(0);
  });
});

describe('retry', () => {
  it('is rejected, naming axios-retry: on the adapter and per request, sending nothing', async () => {
    const options = { retry: { maxAttempts: 3 } } as never;
    expect(() => useBreaker(axios.create(), options)).toThrow(
      /^Invalid option `retry`: expected no `retry` here: retry with axios-retry/,
    );
    expect(() => breakerInterceptor(options)).toThrow(/^Invalid option `retry`/);
    const { api, registry } = create();
    const error = await rejection(
      api.get(server.url('/ok'), { breakwater: { retry: false } as never }),
    );
    expect(isBreakwaterConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^Invalid option `breakwater.retry`: .*axios-retry/);
    expect([server.hits(), registry.size]).toEqual([0, 0]);
  });
});

describe('a request that fails before it is sent', () => {
  /** A breaker half-open with one probe slot, on an instance `setup` prepares before useBreaker. */
  async function halfOpen(setup: (api: AxiosInstance) => void) {
    const clock = new ManualClock();
    const registry = new BreakerRegistry({
      defaults: { clock, openMs: 1_000, strategy: { type: 'consecutive', failureCount: 3 } },
    });
    registries.push(registry);
    const api = axios.create({ validateStatus: () => true });
    setup(api);
    useBreaker(api, { registry });
    await trip(api);
    await clock.advance(1_000);
    return { api, breaker: registry.get(server.origin) };
  }

  /** The probe slot is free: the next request is sent as the probe and closes the breaker. */
  async function expectProbeAdmitted(api: AxiosInstance, breaker: CircuitBreaker) {
    expect((await api.get(server.url('/ok'))).status).toBe(200);
    expect(server.hits('/ok')).toBe(1);
    const { counters } = breaker.snapshot();
    expect(counters.rejected).toBe(0);
    expect(counters.transitions).toEqual({
      'closed->open': 1,
      'open->half_open': 1,
      'half_open->closed': 1,
    });
  }

  it('takes no permit when a request interceptor installed before it throws', async () => {
    const unsigned = new Error('no API key');
    let fail = false;
    const { api, breaker } = await halfOpen((instance) => {
      // Installed first, so axios runs it after the breaker's own request interceptor.
      instance.interceptors.request.use((config) => {
        if (fail) throw unsigned;
        return config;
      });
    });
    fail = true;
    expect(await rejection(api.get(server.url('/ok')))).toBe(unsigned);
    fail = false;
    await expectProbeAdmitted(api, breaker);
  });

  it('takes no permit when transformRequest throws', async () => {
    const { api, breaker } = await halfOpen(() => {});
    const unserializable = new Error('cannot serialize the order');
    const error = await rejection(
      api.post(server.url('/echo'), 'x', {
        transformRequest: [
          () => {
            throw unserializable;
          },
        ],
      }),
    );
    expect(error).toBe(unserializable);
    expect(server.hits('/echo')).toBe(0);
    await expectProbeAdmitted(api, breaker);
  });

  it('takes no permit when axios finds no adapter', async () => {
    const { api, breaker } = await halfOpen(() => {});
    const error = await rejection(
      api.get(server.url('/ok'), { adapter: 'carrier-pigeon' as never }),
    );
    expect(axios.isAxiosError(error) && error.message).toContain('carrier-pigeon');
    await expectProbeAdmitted(api, breaker);
  });
});

describe('with axios-retry', () => {
  it('never retries the breaker rejection, whatever its retryCondition says', async () => {
    const registry = new BreakerRegistry({
      defaults: { clock: new ManualClock(), strategy: { type: 'consecutive', failureCount: 2 } },
    });
    registries.push(registry);
    const api = axios.create();
    useBreaker(api, { registry });
    axiosRetry(api, { retries: 5, retryDelay: () => 0, retryCondition: () => true });

    const error = await rejection(api.get(server.url('/reset')));
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(server.hits('/reset')).toBe(2);
    const { counters } = registry.get(server.origin).snapshot();
    expect([counters.calls, counters.failuresByCategory.network, counters.rejected]).toEqual([
      2, 2, 1,
    ]);
  });

  it('counts each attempt when axios-retry is installed first, too', async () => {
    const registry = new BreakerRegistry({
      defaults: { clock: new ManualClock(), strategy: { type: 'consecutive', failureCount: 5 } },
    });
    registries.push(registry);
    const api = axios.create({ adapter: 'fetch' });
    axiosRetry(api, { retries: 2, retryDelay: () => 0 });
    useBreaker(api, { registry });

    const error = await rejection(api.get(server.url('/status/503')));
    expect(axios.isAxiosError(error) && error.response?.status).toBe(503);
    // The caller's adapter is back in the config axios-retry sent again.
    expect(axios.isAxiosError(error) && error.config?.adapter).toBe('fetch');
    const { counters } = registry.get(server.origin).snapshot();
    expect([counters.calls, counters.failures, server.hits()]).toEqual([3, 3, 3]);
  });

  it('takes one permit per attempt when a request failed before its wrapped adapter ran', async () => {
    const registry = new BreakerRegistry({ defaults: { clock: new ManualClock() } });
    registries.push(registry);
    const api = axios.create();
    let first = true;
    // Installed first, so it runs after the breaker's interceptor: its error carries a config
    // whose adapter is already the breaker's wrapper, and axios-retry sends that config again.
    api.interceptors.request.use((config) => {
      if (!first) return config;
      first = false;
      throw new AxiosError('flaky signer', 'ERR_NETWORK', config);
    });
    useBreaker(api, { registry });
    axiosRetry(api, { retries: 1, retryDelay: () => 0 });

    expect((await api.get(server.url('/ok'))).status).toBe(200);
    const { counters } = registry.get(server.origin).snapshot();
    expect([counters.calls, counters.successes, server.hits()]).toEqual([1, 1, 1]);
  });
});

describe('breakerInterceptor', () => {
  it('gives the interceptor for instances that order their interceptors themselves', async () => {
    const registry = new BreakerRegistry({ defaults: { clock: new ManualClock() } });
    registries.push(registry);
    const api = axios.create({ validateStatus: () => true });
    const id = api.interceptors.request.use(...breakerInterceptor({ registry }));
    expect((await api.get(server.url('/status/502'))).status).toBe(502);
    expect(registry.get(server.origin).snapshot().counters.failures).toBe(1);
    api.interceptors.request.eject(id);
    expect((await api.get(server.url('/status/502'))).status).toBe(502);
    expect(registry.get(server.origin).snapshot().counters.calls).toBe(1);
  });

  it("is a frozen tuple of axios' use() arguments: onFulfilled, onRejected, options", () => {
    const interceptor = breakerInterceptor();
    expect(interceptor).toHaveLength(3);
    expect(Object.isFrozen(interceptor)).toBe(true);
    const [onFulfilled, onRejected, options] = interceptor;
    expect([typeof onFulfilled, onRejected, options]).toEqual([
      'function',
      null,
      { synchronous: true },
    ]);
  });
});
