import { BreakerRegistry, isBreakwaterConfigError, ManualClock } from '@breakwater/core';
import { HealthMonitor, httpCheck, registryCheck, systemStatusCheck } from '@breakwater/dashboard';
import { krakenSystemStatus } from '@breakwater/exchanges';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, refused } from './helpers.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('httpCheck', () => {
  it('is healthy on the expected status and reports any other without the query string', async () => {
    let status = 200;
    const seen: string[] = [];
    const server = await listen((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(status).end('body');
    });
    closers.push(server.close);
    const monitor = new HealthMonitor({ clock: new ManualClock() });
    monitor.register('api', httpCheck(`${server.url}/ping?apiKey=s3cr3t`, { expectedStatus: 200 }));
    expect(await monitor.run('api')).toMatchObject({ status: 'healthy', detail: 'HTTP 200' });
    status = 503;
    const failed = await monitor.run('api');
    expect(failed.status).toBe('unhealthy');
    expect(failed.detail).toBe(`HTTP 503 from ${server.url}/ping (expected 200)`);
    status = 204;
    expect((await monitor.run('api')).status).toBe('unhealthy');
    expect(seen).toEqual([
      'GET /ping?apiKey=s3cr3t',
      'GET /ping?apiKey=s3cr3t',
      'GET /ping?apiKey=s3cr3t',
    ]);
  });

  it('accepts any 2xx by default, and a list of statuses', async () => {
    let status = 204;
    const server = await listen((_req, res) => res.writeHead(status).end());
    closers.push(server.close);
    const monitor = new HealthMonitor();
    monitor.register('any2xx', httpCheck(server.url));
    monitor.register(
      'listed',
      httpCheck(server.url, { expectedStatus: [204, 401], method: 'HEAD' }),
    );
    expect((await monitor.run('any2xx')).status).toBe('healthy');
    status = 401;
    expect((await monitor.run('any2xx')).status).toBe('unhealthy');
    expect((await monitor.run('listed')).status).toBe('healthy');
  });

  it('aborts the request at the check timeout', async () => {
    let aborted = false;
    let arrived: () => void = () => {};
    const request = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server = await listen((_req, res) => {
      res.on('close', () => {
        aborted = true;
      });
      arrived();
    });
    closers.push(server.close);
    const clock = new ManualClock();
    const monitor = new HealthMonitor({ clock });
    monitor.register('hangs', httpCheck(server.url), { timeoutMs: 3_000 });
    const run = monitor.run('hangs');
    await request;
    await clock.advance(3_000);
    expect(await run).toMatchObject({ status: 'unhealthy', detail: 'timed out after 3000 ms' });
    await expect.poll(() => aborted, { timeout: 10_000 }).toBe(true);
  });

  it('reports a connection error redacted', async () => {
    const server = await listen((_req, res) => res.end());
    await server.close();
    const monitor = new HealthMonitor();
    monitor.register('gone', httpCheck(`${server.url}/x?token=abc`));
    const result = await monitor.run('gone');
    expect(result.status).toBe('unhealthy');
    expect(result.detail).not.toContain('token=abc');
  });

  it('rejects a bad URL or option, never echoing a URL with credentials', () => {
    for (const [make, option] of [
      [() => httpCheck('ftp://example.com'), 'url'],
      [() => httpCheck('not a url'), 'url'],
      [() => httpCheck('http://x', { expectedStatus: 99 }), 'expectedStatus'],
      [() => httpCheck('http://x', { expectedStatus: [] }), 'expectedStatus'],
      [() => httpCheck('http://x', { method: 'POST' as never }), 'method'],
      [() => httpCheck('http://x', { timeout: 1 } as never), 'timeout'],
    ] as const) {
      expect(make).toThrow(expect.objectContaining({ option }));
    }
    try {
      httpCheck('ws://user:hunter2@example.com/');
    } catch (error) {
      expect(isBreakwaterConfigError(error)).toBe(true);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

describe('systemStatusCheck', () => {
  it("reads an exchange's status through @breakwater/exchanges", async () => {
    let mode = 'online';
    const server = await listen((req, res) => {
      expect(req.url).toBe('/0/public/SystemStatus');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: [], result: { status: mode, timestamp: '2026-01-01T00:00:00Z' } }),
      );
    });
    closers.push(server.close);
    const monitor = new HealthMonitor({ defaults: { failureCount: 1 } });
    monitor.register(
      'kraken',
      systemStatusCheck((signal) => krakenSystemStatus(fetch, { baseUrl: server.url, signal })),
    );
    expect(await monitor.run('kraken')).toMatchObject({ status: 'healthy', detail: 'online' });
    mode = 'cancel_only';
    expect(await monitor.run('kraken')).toMatchObject({
      status: 'degraded',
      detail: 'cancel_only',
    });
    mode = 'maintenance';
    expect(await monitor.run('kraken')).toMatchObject({
      status: 'unhealthy',
      detail: 'maintenance (maintenance)',
    });
    expect(monitor.alerts({ activeOnly: true })).toHaveLength(1);
  });

  it('maps every health an exchange can report', async () => {
    const monitor = new HealthMonitor();
    const answers = {
      operational: 'healthy',
      degraded: 'degraded',
      maintenance: 'unhealthy',
      unknown: 'unhealthy',
    } as const;
    for (const [health, status] of Object.entries(answers)) {
      monitor.register(
        health,
        systemStatusCheck(async () => ({
          health: health as keyof typeof answers,
          detail: 'x',
          maintenanceUntil: Date.UTC(2026, 0, 2),
        })),
      );
      expect((await monitor.run(health)).status).toBe(status);
    }
    expect(monitor.check('maintenance')!.last!.detail).toBe(
      'maintenance until 2026-01-02T00:00:00.000Z (x)',
    );
  });
});

describe('registryCheck', () => {
  it("follows the registry's aggregate health", async () => {
    const registry = new BreakerRegistry({
      clock: new ManualClock(),
      defaults: { strategy: { failureCount: 1 } },
    });
    const monitor = new HealthMonitor();
    monitor.register('breakers', registryCheck(registry));
    registry.get('kraken');
    registry.get('binance');
    expect((await monitor.run('breakers')).status).toBe('healthy');
    await registry
      .get('kraken')
      .execute(refused)
      .catch(() => {});
    expect(await monitor.run('breakers')).toMatchObject({
      status: 'degraded',
      detail: '1 of 2 breakers not closed: kraken',
    });
    registry.forceOpen('binance');
    expect((await monitor.run('breakers')).status).toBe('unhealthy');
  });
});
