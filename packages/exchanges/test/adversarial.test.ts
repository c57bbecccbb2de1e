import { BreakerRegistry, isBreakwaterConfigError, ManualClock } from '@breakwater/core';
import type { FailureEvent } from '@breakwater/core/adapter';
import { bybitPreset, krakenPreset } from '@breakwater/exchanges';
import { withBreaker } from '@breakwater/fetch';
import { afterEach, describe, expect, it } from 'vitest';
import { type Loopback, sendJson, startLoopback } from './support/loopback.ts';

/** What a demanding user does to a preset: aborts, dead sockets, odd clocks and inputs. */

let server: Loopback | undefined;
const registries: BreakerRegistry[] = [];
afterEach(async () => {
  for (const r of registries.splice(0)) r.dispose();
  await server?.close();
  server = undefined;
});

function recording(startMs = 1_767_225_600_000) {
  const clock = new ManualClock({ startMs });
  const registry = new BreakerRegistry({
    defaults: { strategy: { type: 'consecutive', failureCount: 5 }, openMs: 1_000, clock },
  });
  registries.push(registry);
  const failures: FailureEvent[] = [];
  registry.on('added', ({ breaker }) => breaker.on('failure', (e) => failures.push(e)));
  return { registry, failures };
}

const order = { method: 'POST', body: 'nonce=1' } as const;

describe('aborts and dead connections on an order', () => {
  it('counts AbortSignal.timeout() as an uncertain timeout, and a plain abort as nothing', async () => {
    server = await startLoopback(() => {}); // never answers
    const { registry, failures } = recording();
    const kraken = withBreaker(fetch, krakenPreset({ registry }));
    const url = `${server.url}/0/private/AddOrder`;
    await expect(kraken(url, { ...order, signal: AbortSignal.timeout(20) })).rejects.toThrow();
    const controller = new AbortController();
    const aborted = kraken(url, { ...order, signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toThrow();
    expect(failures).toEqual([
      expect.objectContaining({ category: 'timeout', uncertainEffect: true }),
    ]);
    const breaker = registry.list().find((b) => b.name.endsWith(':order'));
    expect(breaker?.counters).toMatchObject({ failures: 1, released: 1 });
  });

  it('counts a reset as an uncertain network failure, a refused connection as a certain one', async () => {
    server = await startLoopback((req) => req.socket.destroy());
    const { registry, failures } = recording();
    const kraken = withBreaker(fetch, krakenPreset({ registry }));
    await expect(kraken(`${server.url}/0/private/AddOrder`, order)).rejects.toThrow();
    const url = server.url;
    await server.close();
    server = undefined;
    await expect(kraken(`${url}/0/private/AddOrder`, order)).rejects.toThrow();
    expect(failures.map((f) => [f.category, f.uncertainEffect])).toEqual([
      ['network', true],
      ['network', false],
    ]);
  });
});

describe('clocks', () => {
  it('takes no wait from a throttle time a wrong wall clock puts years away', async () => {
    server = await startLoopback((_req, res) =>
      sendJson(res, 200, { error: ['EService: Throttled: 1767225642'] }),
    );
    // A breaker clock stuck at 1970: the throttle time looks 56 years away.
    const { registry, failures } = recording(0);
    const kraken = withBreaker(fetch, krakenPreset({ registry }));
    await kraken(`${server.url}/0/private/Balance`, order);
    expect(failures).toEqual([
      expect.objectContaining({ category: 'rate_limit', retryAfterMs: undefined }),
    ]);
  });

  it('reads the same saved answer against each time it is given', () => {
    const preset = krakenPreset();
    const request = { url: 'https://api.kraken.com/0/private/Balance', method: 'POST' };
    const response = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { error: ['EService: Throttled: 1767225642'] },
    };
    const at = (now: number) => preset.classify(request, response, { now }).retryAfterMs;
    expect([at(1_767_225_600_000), at(1_767_225_641_000), at(1_767_225_643_000)]).toEqual([
      42_000,
      1_000,
      undefined,
    ]);
  });
});

describe('preset.classify() on odd input', () => {
  const preset = krakenPreset();
  const request = { url: 'https://api.kraken.com/0/public/Ticker' };
  const unavailable = '{"error":["EService:Unavailable"]}';

  it('reads headers in any shape and bodies as text, bytes or parsed JSON', () => {
    const shapes = [
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: unavailable },
      {
        status: 200,
        headers: new Headers({ 'content-type': 'application/json' }),
        body: unavailable,
      },
      {
        status: 200,
        headers: [['content-type', 'application/json']] as [string, string][],
        body: unavailable,
      },
      {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: new TextEncoder().encode(unavailable),
      },
      {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.parse(unavailable),
      },
    ];
    for (const response of shapes) {
      expect(preset.classify(request, response).category).toBe('maintenance');
    }
  });

  it('rejects a request or response it cannot read, naming what is wrong', () => {
    const bad: [unknown, unknown, RegExp][] = [
      [{ url: 'not a url' }, { status: 200 }, /`request.url`/],
      [{ url: 'https://x.test/', method: 'GET /' }, { status: 200 }, /`request.method`/],
      [request, { status: '200' }, /`response.status`/],
      [request, null, /`response`/],
      [null, { status: 200 }, /`request`/],
    ];
    for (const [req, res, message] of bad) {
      let caught: unknown;
      try {
        preset.classify(req as never, res as never);
      } catch (error) {
        caught = error;
      }
      expect(isBreakwaterConfigError(caught), String(message)).toBe(true);
      expect((caught as Error).message).toMatch(message);
    }
    expect(() => preset.classify(request, { status: 200 }, { now: Number.NaN })).toThrow(/`now`/);
  });

  it('reads no body without a JSON or text content type, as the adapters', () => {
    const response = { status: 200, body: unavailable };
    expect(preset.classify(request, response).verdict).toBe('success');
  });

  it('answers as the rule it is when an adapter calls it with an outcome', () => {
    const outcome = { kind: 'response', status: 503, header: () => null } as const;
    expect(bybitPreset().classify(outcome, { idempotent: true }, 0)).toEqual({
      verdict: 'failure',
      category: 'server',
    });
  });
});
