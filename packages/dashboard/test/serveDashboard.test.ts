import { request } from 'node:http';
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

  it('answers only loopback host names on loopback, against DNS rebinding', async () => {
    const dashboard = await serveDashboard({ registry: new BreakerRegistry(), port: 0 });
    const { port } = new URL(dashboard.url);
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/health', headers: { host } },
          (res) => {
            res.resume();
            resolve(res.statusCode!);
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
    expect(await status(`localhost:${port}`)).toBe(200);
    expect(await status('LOCALHOST')).toBe(200);
    expect(await status(`rebound.attacker.example:${port}`)).toBe(421);
    await dashboard.close();
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
