import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { BreakerRegistry, ManualClock } from '@breakwater/core';
import { dashboardHandler, HealthMonitor } from '@breakwater/dashboard';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, refused } from './helpers.ts';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const outputDir = join(import.meta.dirname, '../../../test-results/dashboard');
const token = 'browser-test-token-0123456789';

/** Waits for what the page shows: generous, since CI shares two cores between many jobs. */
const eventually = <T>(read: () => T | Promise<T>) =>
  expect.poll(read, { timeout: 15_000, interval: 50 });

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(
      `No Chromium at ${executablePath}: install Debian's chromium package or set CHROMIUM_PATH.`,
    );
  }
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

describe('the dashboard page in Chromium', () => {
  it('lists breakers, shows one opening live, and closes it with the reset button', async () => {
    const clock = new ManualClock({ startMs: Date.now() });
    const registry = new BreakerRegistry({
      clock,
      defaults: { openMs: 60_000, strategy: { failureCount: 2 }, trackLatency: true },
    });
    const monitor = new HealthMonitor({ clock, defaults: { failureCount: 1 } });
    monitor.register('exchange', () => ({ status: 'degraded', detail: 'cancel_only' }));
    await monitor.run('exchange');
    await registry.get('https://api.kraken.com').execute(async () => 'ok');
    registry.get('https://api.binance.com');
    const handler = dashboardHandler({ registry, monitor, token, clock, sampleIntervalMs: 1_000 });
    const server = await listen(handler);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('dialog', (dialog) => dialog.accept(token));
    try {
      await page.goto(`${server.url}/`);
      const kraken = page.locator('tr[data-name="https://api.kraken.com"]');
      await eventually(() => kraken.locator('.state').textContent()).toBe('closed');
      await eventually(() => page.locator('#breakers tbody tr').count()).toBe(2);
      await eventually(() => page.locator('#connection').textContent()).toBe('live');
      await eventually(() => page.locator('#health').textContent()).toBe('health: degraded');

      // Failures injected server-side reach the page over SSE, without reloading it.
      const breaker = registry.get('https://api.kraken.com');
      for (let i = 0; i < 2; i++) await breaker.execute(refused).catch(() => {});
      await eventually(() => kraken.locator('.state').textContent()).toBe('open');
      await eventually(() => page.locator('#transitions li').first().textContent()).toContain(
        'https://api.kraken.com: closed → open (failures, network)',
      );
      await clock.advance(1_000); // a sample: the failure rate and the charts follow
      await eventually(() => kraken.locator('.failure-rate').textContent()).toBe('100 %');
      expect(await page.locator('#failure-chart canvas').count()).toBe(1);
      expect(await page.locator('#latency-section').isHidden()).toBe(false);

      mkdirSync(outputDir, { recursive: true });
      await page.screenshot({ path: join(outputDir, 'dashboard.png'), fullPage: true });

      await kraken.locator('button.reset').click(); // asks for the token (the dialog handler)
      await eventually(() => kraken.locator('.state').textContent()).toBe('closed');
      expect(breaker.state).toBe('closed');

      // The server restarts (same port, another process's state): the page reconnects by itself.
      const port = new URL(server.url).port;
      handler.close();
      await server.close();
      await eventually(() => page.locator('#connection').textContent()).toBe('reconnecting…');
      const restarted = new BreakerRegistry({ clock });
      restarted.forceOpen('https://api.kraken.com');
      const handler2 = dashboardHandler({ registry: restarted, token, clock });
      const server2 = createServer(handler2).listen(Number(port), '127.0.0.1');
      await once(server2, 'listening');
      try {
        await eventually(() => kraken.locator('.state').textContent()).toBe('forced_open');
        await eventually(() => page.locator('#connection').textContent()).toBe('live');
        await eventually(() => page.locator('#breakers tbody tr').count()).toBe(1);
      } finally {
        handler2.close();
        server2.closeAllConnections();
        await new Promise((resolve) => server2.close(resolve));
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      handler.close();
      await server.close();
    }
  }, 90_000);
});
