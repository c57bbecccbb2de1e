import { getEventListeners, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BreakerOpenError,
  BreakerRegistry,
  BreakwaterConfigError,
  failure,
  ManualClock,
  onBody,
} from '@breakwater/core';
import { type BreakwaterContext, breakerHooks, type HookBreakerOptions } from '@breakwater/got';
import { type LoopbackServer, startLoopbackServer } from '@breakwater/test/servers';
import got, { HTTPError, RequestError, TimeoutError } from 'got';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let server: LoopbackServer;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  server = await startLoopbackServer();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server.close();
});

function create(options: HookBreakerOptions = {}) {
  const clock = new ManualClock();
  const registry = new BreakerRegistry({
    defaults: { clock, openMs: 1_000, strategy: { type: 'consecutive', failureCount: 3 } },
  });
  cleanups.push(() => registry.dispose());
  const hooks = breakerHooks({ registry, ...options });
  return { clock, registry, hooks, breaker: () => registry.get(server.origin) };
}

/** got's retry with a 1 ms delay: its default backoff starts at one second. */
const quickRetry = (limit: number) => ({
  limit,
  calculateDelay: ({ computedValue }: { computedValue: number }) => computedValue && 1,
});

/** A server that answers every request with a 302 to the URL in its `?to=` query. */
async function startRedirectServer(): Promise<{ url(to: string): string; hits(): number }> {
  let hits = 0;
  const redirects: Server = createServer((req, res) => {
    hits++;
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to') ?? '/';
    res.writeHead(302, { location: to, 'content-length': 0 }).end();
  }).listen(0, '127.0.0.1');
  await once(redirects, 'listening');
  cleanups.push(() => {
    redirects.closeAllConnections();
    redirects.close();
  });
  const origin = `http://127.0.0.1:${(redirects.address() as AddressInfo).port}`;
  return { url: (to) => `${origin}/?to=${encodeURIComponent(to)}`, hits: () => hits };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('breakerHooks', () => {
  it("rejects with the BreakerOpenError itself, not got's RequestError, and sends nothing", async () => {
    const { hooks, breaker } = create();
    const seen: unknown[] = [];
    // An earlier beforeError hook sees got's wrapper; the caller gets what it wraps.
    const client = got
      .extend({
        hooks: {
          beforeError: [
            (error) => {
              seen.push(error);
              return error;
            },
          ],
        },
      })
      .extend(hooks);
    breaker().forceOpen();

    const error = await rejection(client(server.url('/ok')));
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(error).not.toBeInstanceOf(RequestError);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(RequestError);
    expect((seen[0] as RequestError).cause).toBe(error);
    expect((error as BreakerOpenError).breaker).toBe(server.origin);
    expect(server.hits()).toBe(0);
    expect(breaker().snapshot().counters.rejected).toBe(1);
  });

  it("ends got's retries when the breaker opens, with HTTP errors thrown", async () => {
    const { hooks, breaker } = create();
    const client = got.extend(hooks, { retry: quickRetry(5) });
    const error = await rejection(client(server.url('/status/503')));
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(server.hits('/status/503')).toBe(3);
    const { counters } = breaker().snapshot();
    expect([counters.calls, counters.failures, counters.rejected]).toEqual([3, 3, 1]);
  });

  it("passes got's errors through unchanged, one breaker call per attempt", async () => {
    const { hooks, breaker } = create({
      strategy: { type: 'consecutive', failureCount: 10 },
    });
    const client = got.extend(hooks, { retry: quickRetry(2) });

    const http = await rejection(client(server.url('/status/502')));
    expect(http).toBeInstanceOf(HTTPError);
    expect((http as HTTPError).response.statusCode).toBe(502);

    // A reset got retries goes through beforeRetry, not afterResponse.
    const reset = await rejection(client(server.url('/reset')));
    expect(reset).toBeInstanceOf(RequestError);
    expect((reset as RequestError).code).toBe('ECONNRESET');
    expect(server.hits('/reset')).toBe(3);

    const { counters } = breaker().snapshot();
    expect([counters.calls, counters.failures]).toEqual([6, 6]);
    expect(counters.failuresByCategory).toMatchObject({ server: 3, network: 3 });
  });

  it("releases the permit when the caller's signal aborts, and forgets the signal once settled", async () => {
    const { hooks, breaker } = create();
    const client = got.extend(hooks, { retry: { limit: 0 } });
    const controller = new AbortController();
    const pending = rejection(client(server.url('/hang'), { signal: controller.signal }));
    await server.waitForHits('/hang', 1);
    controller.abort();
    expect((await pending) as Error).toMatchObject({ name: 'AbortError' });
    expect(breaker().snapshot().counters).toMatchObject({ calls: 1, released: 1, failures: 0 });

    const later = new AbortController();
    expect((await client(server.url('/ok'), { signal: later.signal })).statusCode).toBe(200);
    expect(getEventListeners(later.signal, 'abort')).toHaveLength(0);
    later.abort();
    expect(breaker().snapshot().counters).toMatchObject({ calls: 2, successes: 1, released: 1 });
  });

  it('counts an AbortSignal.timeout() as a timeout failure', async () => {
    const { hooks, breaker } = create();
    const client = got.extend(hooks, { retry: { limit: 0 } });
    const error = await rejection(client(server.url('/hang'), { signal: AbortSignal.timeout(30) }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(breaker().snapshot().counters).toMatchObject({ timeouts: 1, released: 0 });
  });

  it("maps timeoutMs to got's timeout.request unless the request has one", async () => {
    const timeouts: (number | undefined)[] = [];
    const { hooks, breaker } = create({ timeoutMs: 30 });
    const client = got.extend(hooks, {
      retry: { limit: 0 },
      hooks: { beforeRequest: [(options) => void timeouts.push(options.timeout.request)] },
    });
    const error = await rejection(client(server.url('/hang')));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('ETIMEDOUT');
    expect(breaker().snapshot().counters.failuresByCategory.timeout).toBe(1);

    await client(server.url('/ok'), { timeout: { request: 5_000 } });
    const context: BreakwaterContext = { breakwater: { timeoutMs: Infinity } };
    await client(server.url('/ok'), { context });
    expect(timeouts).toEqual([30, 5_000, undefined]);
  });

  it("adds timeoutMs to the caller's own timeout phases instead of replacing them", async () => {
    const seen: Record<string, number | undefined>[] = [];
    const { hooks, breaker } = create({ timeoutMs: 2_000 });
    const client = got.extend(hooks, {
      retry: { limit: 0 },
      hooks: { beforeRequest: [(options) => void seen.push({ ...options.timeout })] },
    });
    // The route never answers: only the caller's 30 ms `response` phase can end this quickly.
    const error = await rejection(
      client(server.url('/hang'), { timeout: { connect: 200, response: 30 } }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).event).toBe('response');
    expect(seen).toEqual([{ connect: 200, response: 30, request: 2_000 }]);
    expect(breaker().snapshot().counters.failuresByCategory.timeout).toBe(1);
  });

  it('gives each redirect hop its own permit, from the breaker of its origin', async () => {
    const { hooks, registry, breaker } = create();
    const redirects = await startRedirectServer();
    const redirectOrigin = new URL(redirects.url('/')).origin;
    const client = got.extend(hooks);

    const response = await client(redirects.url(server.url('/ok')));
    expect([response.statusCode, response.redirectUrls.length]).toEqual([200, 1]);
    expect(registry.get(redirectOrigin).snapshot().counters).toMatchObject({
      calls: 1,
      successes: 1,
    });
    expect(breaker().snapshot().counters).toMatchObject({ calls: 1, successes: 1 });

    breaker().forceOpen();
    const error = await rejection(client(redirects.url(server.url('/ok'))));
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect((error as BreakerOpenError).breaker).toBe(server.origin);
    expect([redirects.hits(), server.hits('/ok')]).toEqual([2, 1]);
    expect(registry.get(redirectOrigin).snapshot().counters.successes).toBe(2);
  });

  it('leaves got.stream() unguarded', async () => {
    const { hooks, breaker } = create();
    const client = got.extend(hooks);
    breaker().forceOpen();
    let text = '';
    for await (const chunk of client.stream(server.url('/ok'))) text += String(chunk);
    expect(JSON.parse(text)).toEqual({ ok: true });
    expect(server.hits('/ok')).toBe(1);
    expect(breaker().snapshot().counters).toMatchObject({ calls: 0, rejected: 0 });
  });

  it('reads bodies for rules as got parsed them, text, JSON or buffer, under maxBytes', async () => {
    const bodies: unknown[] = [];
    const { hooks, breaker } = create({
      bodyRules: { maxBytes: 64 },
      classify: onBody((body) => {
        bodies.push(body);
        return false;
      }, failure('server')),
    });
    const client = got.extend(hooks);
    const jsonError = { error: ['EService:Unavailable'], result: {} };
    expect((await client(server.url('/json-error'))).body).toBe(JSON.stringify(jsonError));
    expect(await client(server.url('/json-error')).json()).toEqual(jsonError);
    expect((await client(server.url('/ok'), { responseType: 'json' })).body).toEqual({ ok: true });
    expect((await client(server.url('/ok'), { responseType: 'buffer' })).body).toBeInstanceOf(
      Uint8Array,
    );
    await client(server.url('/echo'));
    expect(bodies).toEqual([jsonError, jsonError, { ok: true }, { ok: true }]);
    expect(breaker().snapshot().counters.successes).toBe(5);
  });

  it("rejects retry, on the hooks and per request, naming got's own retry", async () => {
    expect(() => breakerHooks({ retry: { maxAttempts: 3 } } as never)).toThrow(
      /^Invalid option `retry`: expected no `retry` here: retry with got's own `retry` option/,
    );
    const { hooks, registry } = create();
    const client = got.extend(hooks);
    const context = { breakwater: { retry: { maxAttempts: 3 } } };
    const error = await rejection(client(server.url('/ok'), { context }));
    expect(error).toBeInstanceOf(BreakwaterConfigError);
    expect((error as Error).message).toMatch(/^Invalid option `breakwater.retry`/);
    expect([server.hits(), registry.size]).toEqual([0, 0]);
  });

  it('rejects an invalid per-request option with the BreakwaterConfigError itself', async () => {
    const { hooks } = create();
    const client = got.extend(hooks);
    const context = { breakwater: { bypas: true } };
    const error = await rejection(client(server.url('/ok'), { context }));
    expect(error).toBeInstanceOf(BreakwaterConfigError);
    expect((error as Error).message).toContain('breakwater.bypas');
    expect(server.hits()).toBe(0);
  });
});
