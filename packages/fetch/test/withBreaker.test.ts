import {
  BreakerRegistry,
  constantBackoff,
  defaultRegistry,
  failure,
  type HttpBreakerOptions,
  isBreakerOpenError,
  isBreakwaterConfigError,
  ManualClock,
  onStatus,
  setDefaultRegistry,
  TimeoutError,
} from '@breakwater/core';
import { type FetchFunction, withBreaker } from '@breakwater/fetch';
import { type LoopbackServer, startLoopbackServer } from '@breakwater/test/servers';
import { fetch as undiciFetch } from 'undici';
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

function create(options: HttpBreakerOptions = {}) {
  const clock = new ManualClock();
  const registry = new BreakerRegistry({
    defaults: { clock, openMs: 1_000, strategy: { type: 'consecutive', failureCount: 3 } },
  });
  registries.push(registry);
  const wrap = <F extends FetchFunction>(fetchFn: F) =>
    withBreaker(fetchFn, { registry, ...options });
  return {
    clock,
    registry,
    wrap,
    fetch: wrap(globalThis.fetch),
    breaker: () => registry.get(server.origin),
  };
}

const retry = { maxAttempts: 3, backoff: constantBackoff(0) };

describe('withBreaker', () => {
  it("wraps undici's fetch as well as the global one", async () => {
    const { wrap, breaker } = create();
    const fetch = wrap(undiciFetch);
    for (let i = 0; i < 3; i++) expect((await fetch(server.url('/status/500'))).status).toBe(500);
    expect(breaker().state).toBe('open');
    await expect(fetch(server.url('/ok'))).rejects.toSatisfy(isBreakerOpenError);
    expect(server.hits()).toBe(3);
  });

  it('reads method, headers and signal from a Request', async () => {
    const { fetch, breaker } = create();
    const uncertain: boolean[] = [];
    breaker().on('failure', (event) => uncertain.push(event.uncertainEffect));
    const order = new Request(server.url('/status/500'), { method: 'POST' });
    expect((await fetch(order)).status).toBe(500);
    const keyed = new Request(server.url('/status/500'), {
      method: 'POST',
      headers: { 'Idempotency-Key': 'order-1' },
    });
    expect((await fetch(keyed)).status).toBe(500);
    expect(uncertain).toEqual([true, false]);

    const controller = new AbortController();
    const pending = fetch(new Request(server.url('/hang'), { signal: controller.signal }));
    await server.waitForHits('/hang', 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(breaker().snapshot().counters.released).toBe(1);
  });

  it("gives each request a deadline with timeoutMs, on the breaker's clock", async () => {
    const { fetch, clock, breaker } = create({ timeoutMs: 1_000 });
    const pending = fetch(server.url('/hang')).catch((error: unknown) => error);
    await server.waitForHits('/hang', 1);
    await clock.advance(1_000);
    expect(await pending).toBeInstanceOf(TimeoutError);
    expect(breaker().snapshot().counters.timeouts).toBe(1);

    const ok = await fetch(server.url('/ok'), { breakwater: { timeoutMs: Infinity } });
    expect(await ok.json()).toEqual({ ok: true });
    expect(clock.pendingTimers).toBe(0);
  });

  it('retries idempotent requests only, each attempt one breaker call', async () => {
    const { fetch, breaker } = create({
      retry,
      strategy: { type: 'consecutive', failureCount: 20 },
    });
    const last = await fetch(server.url('/status/503'));
    expect([last.status, await last.json()]).toEqual([503, { status: 503 }]);
    expect(server.hits('/status/503')).toBe(3);

    expect((await fetch(server.url('/status/502'), { method: 'POST' })).status).toBe(502);
    expect(server.hits('/status/502')).toBe(1);
    const keyed = { method: 'POST', headers: { 'Idempotency-Key': 'k' } };
    expect((await fetch(server.url('/status/504'), keyed)).status).toBe(504);
    expect(server.hits('/status/504')).toBe(3);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{}'));
        controller.close();
      },
    });
    const streamed = { ...keyed, body: stream, duplex: 'half' } as RequestInit;
    expect((await fetch(server.url('/status/500'), streamed)).status).toBe(500);
    expect(server.hits('/status/500')).toBe(1);
    expect((await fetch(server.url('/status/404'))).status).toBe(404);
    expect(server.hits('/status/404')).toBe(1);
    expect((await fetch(server.url('/status/501'), { breakwater: { retry: false } })).status).toBe(
      501,
    );
    expect(server.hits('/status/501')).toBe(1);
    expect(breaker().snapshot().counters.calls).toBe(server.hits());
  });

  it('waits a Retry-After before the retry, which then probes the breaker it opened', async () => {
    const settled: (() => void)[] = [];
    const { fetch, clock, breaker } = create({
      retry: { maxAttempts: 2, backoff: constantBackoff(0) },
      onResponse: () => settled.shift()?.(),
    });
    const first = new Promise<void>((resolve) => settled.push(resolve));
    const pending = fetch(server.url('/status/503?retry-after=2'));
    await first;
    expect(breaker().state).toBe('open');
    await clock.advance(1_999);
    expect(server.hits()).toBe(1);
    await clock.advance(1);
    const res = await pending;
    expect([res.status, server.hits()]).toEqual([503, 2]);
    expect(breaker().snapshot().counters.transitions).toMatchObject({ 'half_open->open': 1 });
  });

  it('sends the body and headers it was given, without its own init field', async () => {
    const inits: unknown[] = [];
    const recording = (input: string, init?: RequestInit) => {
      inits.push(init);
      return globalThis.fetch(input, init);
    };
    const { wrap } = create({ bodyRules: {} });
    const fetch = wrap(recording);
    const res = await fetch(server.url('/echo'), {
      method: 'PUT',
      headers: { 'x-test': 'yes' },
      body: 'payload',
      breakwater: { key: 'echo' },
    });
    const echo = (await res.json()) as {
      method: string;
      headers: Record<string, string>;
      body: string;
    };
    expect([echo.method, echo.headers['x-test'], echo.body]).toEqual(['PUT', 'yes', 'payload']);
    expect(inits).toHaveLength(1);
    expect(inits[0]).not.toHaveProperty('breakwater');
  });

  it('keeps every field of an init that is not a plain object when it adds a deadline', async () => {
    const { fetch } = create({ timeoutMs: 1_000 });
    type Echo = { method: string; body: string };
    // fetch reads an init's fields wherever they live: a Request as init, or inherited ones.
    const inherited = Object.create({ method: 'POST', body: 'inherited' }) as RequestInit;
    const fromRequest = new Request(server.url('/echo'), { method: 'PUT', body: 'request' });
    const echoes = [
      (await (await fetch(server.url('/echo'), inherited)).json()) as Echo,
      (await (await fetch(server.url('/echo'), fromRequest)).json()) as Echo,
    ];
    expect(echoes.map(({ method, body }) => [method, body])).toEqual([
      ['POST', 'inherited'],
      ['PUT', 'request'],
    ]);
  });

  it('leaves a URL it cannot parse to fetch', async () => {
    const { fetch, registry } = create();
    await expect(fetch('not a url')).rejects.toThrow(TypeError);
    expect(registry.size).toBe(0);
  });

  it('rejects invalid per-request options before sending anything', async () => {
    const { fetch } = create();
    const error = await fetch(server.url('/ok'), { breakwater: { timeoutMs: -1 } }).catch(
      (e: unknown) => e,
    );
    expect(isBreakwaterConfigError(error)).toBe(true);
    expect(server.hits()).toBe(0);
  });

  it('rejects invalid options when created', () => {
    expect(() => withBreaker(fetch, { timeoutMs: 0 })).toThrow('`timeoutMs`');
    expect(() => withBreaker(fetch, { retries: 3 } as HttpBreakerOptions)).toThrow('`retries`');
  });

  it('uses the default registry when given none', async () => {
    const previous = setDefaultRegistry(new BreakerRegistry());
    try {
      const fetch = withBreaker(globalThis.fetch);
      await fetch(server.url('/ok'));
      expect(defaultRegistry().peek(server.origin)?.snapshot().counters.successes).toBe(1);
    } finally {
      setDefaultRegistry(previous)?.dispose();
    }
  });
});

describe('a breaker shared by two adapters', () => {
  it("applies each adapter's own classify rules, whoever created the breaker", async () => {
    const { registry, breaker } = create();
    const plain = withBreaker(globalThis.fetch, { registry });
    const strict = withBreaker(globalThis.fetch, {
      registry,
      classify: onStatus(404, failure('server')),
    });
    // `plain` creates the breaker: without its own rules, 404 is a client error, ignored.
    await plain(server.url('/status/404'));
    expect(breaker().snapshot().counters).toMatchObject({ ignored: 1, failures: 0 });
    await strict(server.url('/status/404'));
    expect(breaker().snapshot().counters).toMatchObject({ ignored: 1, failures: 1 });
  });
});
