import { BreakerRegistry, isBreakwaterConfigError } from '@breakwater/core';
import { serveDashboard } from '@breakwater/dashboard';
import { describe, expect, it } from 'vitest';
import { openEvents } from './helpers.ts';

describe('serveDashboard', () => {
  it('listens on 127.0.0.1, and close() ends open event streams', async () => {
    const registry = new BreakerRegistry();
    const dashboard = await serveDashboard({ registry, port: 0 });
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(`${dashboard.url}health`)).status).toBe(200);
    const events = await openEvents(`${dashboard.url}events`);
    await events.next('breakers');
    await dashboard.close();
    await dashboard.close();
    await expect(events.next('breakers')).rejects.toThrow();
    expect(dashboard.server.listening).toBe(false);
  });

  it('rejects when the port is taken, leaving nothing running', async () => {
    const first = await serveDashboard({ registry: new BreakerRegistry(), port: 0 });
    const port = Number(new URL(first.url).port);
    await expect(serveDashboard({ registry: new BreakerRegistry(), port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    await first.close();
  });

  it('rejects bad options', async () => {
    for (const options of [{ port: -1 }, { port: 1.5 }, { host: '' }, { basePath: '/x' }]) {
      const error = await serveDashboard(options as never).catch((e: unknown) => e);
      expect(isBreakwaterConfigError(error), JSON.stringify(options)).toBe(true);
    }
  });
});
