import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BreakerRegistry } from '@breakwater/core';
import { dashboardHandler } from '@breakwater/dashboard';
import { serve } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { openEvents, refused } from './helpers.ts';

const token = 'frameworks-token-0123456789';
const auth = { authorization: `Bearer ${token}` };
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function openRegistry() {
  const registry = new BreakerRegistry({ defaults: { strategy: { failureCount: 1 } } });
  await registry
    .get('kraken')
    .execute(refused)
    .catch(() => {});
  return registry;
}

/** What every mount must do: the page, reading, steering with the token, a body, events. */
async function exercise(base: string): Promise<void> {
  const root = await fetch(base.slice(0, -1), { redirect: 'manual' });
  expect(root.status).toBe(308);
  expect(root.headers.get('location')).toBe(new URL(base).pathname);
  const page = await fetch(base);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect((await fetch(`${base}assets/uPlot.iife.min.js`)).status).toBe(200);
  const list = (await (await fetch(`${base}circuit-breakers`)).json()) as { breakers: unknown[] };
  expect(list.breakers).toMatchObject([{ name: 'kraken', state: 'open' }]);
  expect((await fetch(`${base}circuit-breakers/kraken/reset`, { method: 'POST' })).status).toBe(
    401,
  );
  const reset = await fetch(`${base}circuit-breakers/kraken/reset`, {
    method: 'POST',
    headers: auth,
  });
  expect(await reset.json()).toMatchObject({ state: 'closed' });
  const put = await fetch(`${base}circuit-breakers/kraken/config`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ strategy: { failureCount: 4 } }),
  });
  expect(put.status).toBe(200);
  const config = await (await fetch(`${base}circuit-breakers/kraken/config`)).json();
  expect(config).toMatchObject({ config: { strategy: { failureCount: 4 } } });
  const events = await openEvents(`${base}events`);
  try {
    expect(await events.next('breakers')).toMatchObject({ total: 1 });
  } finally {
    events.close();
  }
}

describe('mounted in a framework', () => {
  it('works in Express under app.use(path, handler), before or after express.json()', async () => {
    for (const args of [[], ['--json-first']]) {
      const child = spawn(
        process.execPath,
        [
          '--conditions=@breakwater/source',
          join(import.meta.dirname, 'fixtures/expressApp.ts'),
          ...args,
        ],
        { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
      );
      closers.push(() => child.kill());
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      const url = `http://127.0.0.1:${String(line).trim()}`;
      await exercise(`${url}/ops/`);
      expect(await (await fetch(`${url}/app`)).text()).toBe('app');
    }
  }, 30_000);

  it('works in Fastify from an onRequest hook', async () => {
    const registry = await openRegistry();
    const handler = dashboardHandler({ registry, token, basePath: '/ops' });
    const fastify = Fastify({ forceCloseConnections: true });
    fastify.addHook('onRequest', (request, reply, done) => {
      if (request.url !== '/ops' && !request.url.startsWith('/ops/')) return done();
      reply.hijack();
      handler(request.raw, reply.raw);
    });
    fastify.get('/app', async () => 'app');
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    closers.push(
      () => handler.close(),
      () => fastify.close(),
    );
    const url = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
    await exercise(`${url}/ops/`);
    expect(await (await fetch(`${url}/app`)).text()).toBe('app');
  });

  it('works in Hono on @hono/node-server', async () => {
    const registry = await openRegistry();
    const handler = dashboardHandler({ registry, token, basePath: '/ops' });
    const app = new Hono<{
      Bindings: {
        incoming: import('node:http').IncomingMessage;
        outgoing: import('node:http').ServerResponse;
      };
    }>();
    const mount = (c: {
      env: {
        incoming: import('node:http').IncomingMessage;
        outgoing: import('node:http').ServerResponse;
      };
    }) => {
      handler(c.env.incoming, c.env.outgoing);
      return RESPONSE_ALREADY_SENT;
    };
    app.all('/ops', mount);
    app.all('/ops/*', mount);
    app.get('/app', (c) => c.text('app'));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await once(server, 'listening');
    closers.push(
      () => handler.close(),
      () => new Promise((r) => server.close(r)),
    );
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await exercise(`${url}/ops/`);
    expect(await (await fetch(`${url}/app`)).text()).toBe('app');
  });
});
