import { CircuitBreaker, ManualClock } from '@breakwater/core';
import { statusStorm } from '@breakwater/msw';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, healthy, useMockServer } from '../support/mockServer.ts';

const server = useMockServer(healthy);

/** A fetch that throws on an error status, carrying the response, as HTTP clients do. */
async function getJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal });
  if (!response.ok) {
    throw Object.assign(new Error(`HTTP ${response.status}`), { response });
  }
  return response.json();
}

describe('statusStorm', () => {
  it('answers with the statuses in turn, starting over after the last', async () => {
    server.use(http.get(`${api}/ticker`, statusStorm([500, 502, 503, 504])));
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${api}/ticker`)).status);
    expect(statuses).toEqual([500, 502, 503, 504, 500, 502]);
  });

  it('sends Retry-After as delta-seconds, an HTTP-date or verbatim', async () => {
    const date = new Date(Date.UTC(2026, 0, 1, 0, 1, 0));
    server.use(
      http.get(`${api}/seconds`, statusStorm(503, { retryAfter: 30 })),
      http.get(`${api}/date`, statusStorm(429, { retryAfter: date })),
      http.get(`${api}/garbage`, statusStorm(429, { retryAfter: 'soon-ish' })),
    );
    expect((await fetch(`${api}/seconds`)).headers.get('retry-after')).toBe('30');
    expect((await fetch(`${api}/date`)).headers.get('retry-after')).toBe(
      'Thu, 01 Jan 2026 00:01:00 GMT',
    );
    expect((await fetch(`${api}/garbage`)).headers.get('retry-after')).toBe('soon-ish');
  });

  it('computes a relative Retry-After from the clock on every request', async () => {
    const clock = new ManualClock();
    const retryAfter = (now: number) => new Date(now + 60_000);
    server.use(http.get(`${api}/ticker`, statusStorm(429, { retryAfter, clock })));
    expect((await fetch(`${api}/ticker`)).headers.get('retry-after')).toBe(
      'Thu, 01 Jan 2026 00:01:00 GMT',
    );
    clock.tick(30_000);
    expect((await fetch(`${api}/ticker`)).headers.get('retry-after')).toBe(
      'Thu, 01 Jan 2026 00:01:30 GMT',
    );
  });

  it('sends a JSON body and extra headers', async () => {
    const body = { code: -1003, msg: 'Too many requests.' };
    server.use(http.get(`${api}/ticker`, statusStorm(429, { body, headers: { 'x-limit': '1' } })));
    const response = await fetch(`${api}/ticker`);
    expect(await response.json()).toEqual(body);
    expect(response.headers.get('x-limit')).toBe('1');
  });

  it('opens a breaker at once on a 429 with Retry-After and keeps it open that long', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      strategy: { type: 'consecutive', failureCount: 5 },
    });
    server.use(http.get(`${api}/ticker`, statusStorm(429, { retryAfter: 30 })));
    await expect(breaker.execute(() => getJson(`${api}/ticker`))).rejects.toThrow('HTTP 429');
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot().openUntil).toBe(clock.now() + 30_000);
    breaker.dispose();
  });

  it('rejects statuses that are not errors', () => {
    expect(() => statusStorm(200)).toThrow('Invalid option `status`');
    expect(() => statusStorm([500, 600])).toThrow('Invalid option `status[1]`');
    expect(() => statusStorm([])).toThrow('Invalid option `status`');
    expect(() => statusStorm(503, { retryAfter: -1 })).toThrow('Invalid option `retryAfter`');
    expect(() => statusStorm(503, { headers: { a: 1 } as never })).toThrow(
      'Invalid option `headers`',
    );
  });
});
