import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import {
  BreakerOpenError,
  BreakerRegistry,
  failure,
  getBreakerOpenError,
  isBreakerOpenError,
  isBreakwaterConfigError,
  ManualClock,
  onBody,
} from '@breakwater/core';
import {
  type BreakwaterDispatchOptions,
  circuitBreaker,
  type HookBreakerOptions,
} from '@breakwater/fetch/node';
import { type LoopbackServer, startLoopbackServer } from '@breakwater/test/servers';
import {
  Agent,
  Dispatcher,
  errors,
  getGlobalDispatcher,
  request,
  setGlobalDispatcher,
} from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getTicker } from './fixtures/tickerSdk.ts';

const original = getGlobalDispatcher();
let server: LoopbackServer;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  server = await startLoopbackServer();
});

afterEach(async () => {
  setGlobalDispatcher(original);
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server.close();
});

/** A registry on a `ManualClock` (3 failures open a breaker) and an Agent guarded with it. */
function guarded(options: HookBreakerOptions = {}) {
  const registry = new BreakerRegistry({
    defaults: {
      clock: new ManualClock(),
      openMs: 1_000,
      strategy: { type: 'consecutive', failureCount: 3 },
    },
  });
  const agent = new Agent().compose(circuitBreaker({ registry, ...options }));
  cleanups.push(
    () => registry.dispose(),
    () => agent.close(),
  );
  return { registry, agent, breaker: (origin = server.origin) => registry.get(origin) };
}

/** Makes `agent` the global dispatcher, under every `fetch` in this test file's process. */
function install(agent: Dispatcher): void {
  setGlobalDispatcher(agent);
}

/** The status of `fetch(url)`, its body read so that the Agent can close. */
async function statusOf(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
}

/**
 * A dispatcher that records the `headersTimeout` of each request it gets and fails it at once
 * with the error undici raises when that timeout passes, which undici's timer (about 1 s
 * resolution) would only do after a real wait.
 */
class HeadersTimeoutSpy extends Dispatcher {
  readonly headersTimeouts: (number | null | undefined)[] = [];

  override dispatch(
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
  ): boolean {
    this.headersTimeouts.push(options.headersTimeout);
    const controller: Dispatcher.DispatchController = {
      aborted: false,
      paused: false,
      reason: null,
      rawHeaders: null,
      rawTrailers: null,
      abort() {},
      pause() {},
      resume() {},
    };
    handler.onRequestStart?.(controller, {});
    handler.onResponseError?.(controller, new errors.HeadersTimeoutError());
    return true;
  }

  override close(): Promise<void> {
    return Promise.resolve();
  }

  override destroy(): Promise<void> {
    return Promise.resolve();
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/**
 * A server for what the loopback server does not send: chunked and gzipped JSON bodies, and a
 * 503 after a 103 Early Hints.
 */
async function startBodyServer(): Promise<{ origin: string; hits: () => number }> {
  const errorBody = JSON.stringify({ error: ['EService:Unavailable'], result: {} });
  let hits = 0;
  const bodies: Server = createServer((req, res) => {
    hits++;
    if (req.url === '/early-hints') {
      res.writeEarlyHints({ link: '</app.css>; rel=preload; as=style' });
      res.writeHead(503).end();
      return;
    }
    if (req.url === '/gzip-error') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(errorBody));
      return;
    }
    // No Content-Length: the size is only known once the chunks arrive.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(errorBody.slice(0, 10));
    setImmediate(() => res.end(errorBody.slice(10)));
  });
  bodies.listen(0, '127.0.0.1');
  await once(bodies, 'listening');
  cleanups.push(() => {
    bodies.closeAllConnections();
    bodies.close();
  });
  return {
    origin: `http://127.0.0.1:${(bodies.address() as AddressInfo).port}`,
    hits: () => hits,
  };
}

const exchangeErrors = {
  bodyRules: { match: (status: number) => status === 200 },
  classify: onBody(
    (body) => (body as { error?: unknown[] } | undefined)?.error?.length === 1,
    failure('server'),
  ),
};

describe('circuitBreaker', () => {
  it("is the entry's one value, named apart from axios' breakerInterceptor", async () => {
    expect(Object.keys(await import('@breakwater/fetch/node'))).toEqual(['circuitBreaker']);
  });

  it('protects a module that calls fetch itself, without any change to it', async () => {
    const { agent, breaker } = guarded();
    install(agent);
    for (let i = 0; i < 3; i++) {
      await expect(getTicker(server.url('/status/503'))).rejects.toThrow('HTTP 503');
    }
    expect(breaker().state).toBe('open');

    const error = await rejection(getTicker(server.url('/ok')));
    expect(isBreakerOpenError(error)).toBe(true);
    expect(server.hits()).toBe(3);
    expect(server.hits('/ok')).toBe(0);
  });

  it("rejects fetch with TypeError('fetch failed') whose cause is the BreakerOpenError", async () => {
    const { agent, breaker } = guarded();
    install(agent);
    breaker().forceOpen();

    const error = await rejection(fetch(server.url('/ok')));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect((error as TypeError).cause).toBeInstanceOf(BreakerOpenError);
    expect(isBreakerOpenError(error)).toBe(true);
    expect(getBreakerOpenError(error)).toBe((error as TypeError).cause);
    expect(getBreakerOpenError(error)?.breaker).toBe(server.origin);
    expect(server.hits()).toBe(0);
  });

  it('rejects undici.request with the BreakerOpenError itself', async () => {
    const { agent, breaker } = guarded();
    breaker().forceOpen();
    const error = await rejection(request(server.url('/ok'), { dispatcher: agent }));
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(server.hits()).toBe(0);
  });

  it('keeps one breaker per origin', async () => {
    const other = await startLoopbackServer();
    cleanups.push(() => other.close());
    const { agent, breaker } = guarded();
    install(agent);
    for (let i = 0; i < 3; i++) expect(await statusOf(server.url('/status/500'))).toBe(500);
    expect(breaker().state).toBe('open');

    expect(await statusOf(other.url('/ok'))).toBe(200);
    expect(breaker(other.origin).state).toBe('closed');
    expect(isBreakerOpenError(await rejection(fetch(server.url('/ok'))))).toBe(true);
  });

  it('reads a chunked body for a body rule from a copy, leaving the caller its body', async () => {
    const bodies = await startBodyServer();
    const { agent, breaker } = guarded(exchangeErrors);
    install(agent);
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${bodies.origin}/chunked-error`);
      expect(await response.json()).toEqual({ error: ['EService:Unavailable'], result: {} });
    }
    expect(breaker(bodies.origin).snapshot().counters.failuresByCategory.server).toBe(3);
    expect(breaker(bodies.origin).state).toBe('open');
    expect(bodies.hits()).toBe(3);
  });

  it('does not read a body longer than maxBytes, or a compressed one', async () => {
    const bodies = await startBodyServer();
    // Any body read would count as a failure: successes prove nothing was read.
    const anyBody = { classify: onBody(() => true, failure('server')) };
    const capped = guarded({ ...anyBody, bodyRules: { maxBytes: 16 } });
    install(capped.agent);
    const long = await fetch(`${bodies.origin}/chunked-error`);
    expect(await long.json()).toEqual({ error: ['EService:Unavailable'], result: {} });

    const uncapped = guarded({ ...anyBody, bodyRules: {} });
    install(uncapped.agent);
    const gzipped = await fetch(`${bodies.origin}/gzip-error`);
    expect(await gzipped.json()).toEqual({ error: ['EService:Unavailable'], result: {} });

    for (const { breaker } of [capped, uncapped]) {
      const { counters } = breaker(bodies.origin).snapshot();
      expect([counters.successes, counters.failures]).toEqual([1, 0]);
    }
  });

  it('settles on the final response, not on a 1xx before it', async () => {
    const bodies = await startBodyServer();
    const { agent, breaker } = guarded();
    install(agent);
    for (let i = 0; i < 3; i++) {
      expect(await statusOf(`${bodies.origin}/early-hints`)).toBe(503);
    }
    expect(breaker(bodies.origin).snapshot().counters.failures).toBe(3);
  });

  it('releases the permit of a fetch aborted with any reason but a timeout', async () => {
    const { agent, breaker } = guarded();
    install(agent);
    const controller = new AbortController();
    const pending = rejection(fetch(server.url('/hang'), { signal: controller.signal }));
    await server.waitForHits('/hang', 1);
    controller.abort(new Error('the user left'));
    expect(((await pending) as Error).message).toBe('the user left');

    const { counters } = breaker().snapshot();
    expect([counters.calls, counters.released, counters.failures]).toEqual([1, 1, 0]);
  });

  it("turns the call's timeoutMs into undici's headersTimeout, whose error is a timeout", async () => {
    const registry = new BreakerRegistry({ defaults: { clock: new ManualClock() } });
    cleanups.push(() => registry.dispose());
    const spy = new HeadersTimeoutSpy();
    const dispatcher = spy.compose(circuitBreaker({ registry, timeoutMs: 80 }));
    const send = (options: Partial<Dispatcher.RequestOptions> & BreakwaterDispatchOptions = {}) =>
      rejection(request(server.url('/hang'), { dispatcher, ...options }));

    // The adapter's timeoutMs, the request's own, a headersTimeout it sets, a bypass.
    const error = await send();
    await send({ breakwater: { timeoutMs: 20 } });
    await send({ headersTimeout: 5_000, breakwater: { timeoutMs: 20 } });
    await send({ breakwater: { bypass: true } });
    expect(spy.headersTimeouts).toEqual([80, 20, 5_000, undefined]);
    expect((error as { code?: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(registry.get(server.origin).snapshot().counters.failuresByCategory.timeout).toBe(3);
    expect(server.hits()).toBe(0);
  });

  it("rejects retry, on the interceptor and per request, naming undici's retry interceptor", async () => {
    expect(() => circuitBreaker({ retry: { maxAttempts: 3 } } as never)).toThrow(
      /^Invalid option `retry`: expected no `retry` here: retry with undici's `interceptors.retry\(\)`/,
    );
    const { agent, registry } = guarded();
    const options = { dispatcher: agent, breakwater: { retry: false } };
    const error = await rejection(request(server.url('/ok'), options as never));
    expect(isBreakwaterConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^Invalid option `breakwater.retry`/);
    expect([server.hits(), registry.size]).toEqual([0, 0]);
  });

  it('reports an invalid per-request option to the caller, and sends nothing', async () => {
    const { agent } = guarded({
      key: () => '',
    });
    install(agent);
    const error = await rejection(fetch(server.url('/ok')));
    expect(isBreakwaterConfigError((error as TypeError).cause)).toBe(true);
    expect(server.hits()).toBe(0);
  });

  it('leaves a handler it cannot wrap (undici 7 style) to undici, which rejects it', () => {
    const { agent, registry } = guarded();
    const legacy = { onConnect() {}, onHeaders() {}, onData() {}, onComplete() {}, onError() {} };
    const { origin } = server;
    expect(() =>
      agent.dispatch(
        { origin, path: '/ok', method: 'GET' },
        legacy as unknown as Dispatcher.DispatchHandler,
      ),
    ).toThrow('onRequestStart');
    expect(registry.peek(origin)).toBeUndefined();
  });
});
