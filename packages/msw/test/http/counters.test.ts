import { CircuitBreaker, ManualClock } from '@breakwater/core';
import { failTimes, HitCounter, statusStorm } from '@breakwater/msw';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, healthy, statusOf, useMockServer } from '../support/mockServer.ts';

const server = useMockServer(healthy);

describe('HitCounter', () => {
  it('counts requests per route and lets them through without a fault', async () => {
    const hits = new HitCounter();
    server.use(
      http.get(`${api}/ticker`, hits.count('ticker')),
      http.post(
        `${api}/orders`,
        hits.count('orders', () => HttpResponse.json({}, { status: 201 })),
      ),
    );
    expect(await statusOf('/ticker')).toBe(200);
    expect(await statusOf('/ticker')).toBe(200);
    expect(await statusOf('/orders', { method: 'POST' })).toBe(201);
    expect(hits.get('ticker')).toBe(2);
    expect(hits.get('orders')).toBe(1);
    expect(hits.get('never')).toBe(0);
    expect(hits.total).toBe(3);
    expect(hits.toJSON()).toEqual({ ticker: 2, orders: 1 });
  });

  it('lists routes before their first hit and resets to zero', async () => {
    const hits = new HitCounter();
    server.use(http.get(`${api}/ticker`, hits.count('ticker')));
    hits.count('idle');
    await statusOf('/ticker');
    hits.reset();
    expect(hits.toJSON()).toEqual({ ticker: 0, idle: 0 });
    await statusOf('/ticker');
    expect(hits.get('ticker')).toBe(1);
    expect(hits.total).toBe(1);
  });

  it('shows that an open breaker keeps requests from the server', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      strategy: { type: 'consecutive', failureCount: 3 },
      openMs: 1_000,
    });
    const hits = new HitCounter();
    server.use(
      http.get(`${api}/ticker`, hits.count('ticker', failTimes(5, { with: statusStorm(500) }))),
    );
    const call = () =>
      breaker.execute(async () => {
        const response = await fetch(`${api}/ticker`);
        if (!response.ok) throw Object.assign(new Error('failed'), { response });
      });
    for (let i = 0; i < 10; i++) await call().catch(() => undefined);
    expect(breaker.state).toBe('open');
    expect(hits.get('ticker')).toBe(3);
    await clock.advance(1_000);
    await call().catch(() => undefined);
    expect(hits.get('ticker')).toBe(4);
    breaker.dispose();
  });

  it('rejects an empty route name', () => {
    expect(() => new HitCounter().count('')).toThrow('Invalid option `route`');
  });
});
