import { CircuitBreaker, ManualClock } from '@breakwater/core';
import { maintenanceWindow } from '@breakwater/msw';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, healthy, useMockServer } from '../support/mockServer.ts';

const server = useMockServer(healthy);

describe('maintenanceWindow', () => {
  it('lets requests through before and after, and answers 503 during the window', async () => {
    const clock = new ManualClock();
    const start = clock.now() + 60_000;
    const end = start + 15 * 60_000;
    server.use(http.all(`${api}/*`, maintenanceWindow({ start, end, clock })));
    expect((await fetch(`${api}/ticker`)).status).toBe(200);
    clock.tick(60_000);
    const during = await fetch(`${api}/ticker`);
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe(new Date(end).toUTCString());
    expect(await during.json()).toEqual({
      status: 'maintenance',
      until: new Date(end).toISOString(),
    });
    clock.tick(15 * 60_000);
    expect((await fetch(`${api}/ticker`)).status).toBe(200);
  });

  it('announces the seconds left, rounded up, or nothing', async () => {
    const clock = new ManualClock();
    const start = new Date(clock.now());
    const end = new Date(clock.now() + 90_500);
    server.use(
      http.get(`${api}/seconds`, maintenanceWindow({ start, end, clock, retryAfter: 'seconds' })),
      http.get(`${api}/none`, maintenanceWindow({ start, end, clock, retryAfter: 'none' })),
    );
    expect((await fetch(`${api}/seconds`)).headers.get('retry-after')).toBe('91');
    expect((await fetch(`${api}/none`)).headers.has('retry-after')).toBe(false);
  });

  it('rounds an HTTP-date up to the whole second, so the end is never announced early', async () => {
    const clock = new ManualClock();
    const end = clock.now() + 1_500;
    server.use(http.get(`${api}/ticker`, maintenanceWindow({ start: clock.now(), end, clock })));
    expect((await fetch(`${api}/ticker`)).headers.get('retry-after')).toBe(
      'Thu, 01 Jan 2026 00:00:02 GMT',
    );
  });

  it('keeps a breaker open until the window ends', async () => {
    const clock = new ManualClock();
    const end = clock.now() + 10 * 60_000;
    const breaker = new CircuitBreaker({ clock });
    server.use(http.get(`${api}/ticker`, maintenanceWindow({ start: clock.now(), end, clock })));
    const call = () =>
      breaker.execute(async () => {
        const response = await fetch(`${api}/ticker`);
        if (!response.ok) throw Object.assign(new Error('unavailable'), { response });
      });
    await expect(call()).rejects.toThrow('unavailable');
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot().openUntil).toBe(end);
    breaker.dispose();
  });

  it('uses its status, body and `otherwise`', async () => {
    const clock = new ManualClock();
    const fault = maintenanceWindow({
      start: clock.now() + 1_000,
      end: clock.now() + 2_000,
      clock,
      status: 502,
      body: { error: ['EService:Unavailable'] },
      otherwise: () => HttpResponse.text('outside'),
    });
    server.use(http.get(`${api}/ticker`, fault));
    expect(await (await fetch(`${api}/ticker`)).text()).toBe('outside');
    clock.tick(1_000);
    const during = await fetch(`${api}/ticker`);
    expect(during.status).toBe(502);
    expect(await during.json()).toEqual({ error: ['EService:Unavailable'] });
  });

  it('rejects a window that ends before it starts and unknown retryAfter modes', () => {
    expect(() => maintenanceWindow({ start: 2, end: 1 })).toThrow('Invalid option `end`');
    expect(() => maintenanceWindow({ start: 1, end: 2, retryAfter: 'ms' as never })).toThrow(
      'Invalid option `retryAfter`',
    );
    expect(() => maintenanceWindow({ start: new Date(Number.NaN), end: 2 })).toThrow(
      'Invalid option `start`',
    );
  });
});
