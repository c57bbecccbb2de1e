import { BreakerRegistry, isBreakwaterConfigError, ManualClock } from '@breakwater/core';
import { type DashboardOptions, dashboardHandler, HealthMonitor } from '@breakwater/dashboard';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, openEvents, refused } from './helpers.ts';

const token = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${token}` };
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup(options: DashboardOptions = {}) {
  const clock = new ManualClock();
  const registry = new BreakerRegistry({
    clock,
    defaults: { openMs: 30_000, strategy: { failureCount: 2 } },
  });
  const monitor = new HealthMonitor({ clock, defaults: { failureCount: 1 } });
  const handler = dashboardHandler({ registry, monitor, token, clock, ...options });
  const server = await listen(handler);
  closers.push(server.close, () => handler.close());
  const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
  return { clock, registry, monitor, handler, server, call };
}

async function fail(registry: BreakerRegistry, name: string, times = 2): Promise<void> {
  for (let i = 0; i < times; i++)
    await registry
      .get(name)
      .execute(refused)
      .catch(() => {});
}

const kraken = 'https://api.kraken.com';
const krakenPath = `/circuit-breakers/${encodeURIComponent(kraken)}`;

describe('dashboardHandler: reading', () => {
  it('lists breakers and shows one by its URL-encoded name', async () => {
    const { registry, call } = await setup();
    await registry.get(kraken, { trackLatency: true }).execute(async () => 'ok');
    await fail(registry, 'binance');
    const list = await call('/circuit-breakers');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await list.json()) as { breakers: { name: string; state: string }[] };
    expect(body.breakers.map((b) => [b.name, b.state])).toEqual([
      ['binance', 'open'],
      [kraken, 'closed'],
    ]);
    const one = await call(krakenPath);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({
      name: kraken,
      state: 'closed',
      latency: { count: 1 },
      config: { strategy: { failureCount: 2 }, openMs: expect.any(String), trackLatency: true },
    });
    const open = (await (await call('/circuit-breakers/binance')).json()) as Record<
      string,
      unknown
    >;
    expect(open).toMatchObject({ failureRate: 1, counters: { failures: 2 }, latency: null });
    expect(open.openUntil).toBeGreaterThan(0);
  });

  it('answers 404 for an unknown breaker or route, and 405 with Allow for a wrong method', async () => {
    const { call } = await setup();
    const missing = await call('/circuit-breakers/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: 'unknown_breaker',
      message: 'No breaker named "nope".',
    });
    expect((await call('/nothing-here')).status).toBe(404);
    expect((await call('/circuit-breakers/a/b/c')).status).toBe(404);
    const wrong = await call('/circuit-breakers', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    const reset = await call('/circuit-breakers/x/reset');
    expect(reset.status).toBe(405);
    expect(reset.headers.get('allow')).toBe('POST');
    expect((await call('/circuit-breakers/%E0%A4%A')).status).toBe(400);
  });

  it('reports health: 200 while healthy or degraded, 503 when a critical check alerts', async () => {
    const { registry, monitor, call } = await setup();
    let up = true;
    monitor.register('db', () => up);
    await monitor.run('db');
    registry.get(kraken);
    let response = await call('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'healthy',
      checks: [{ name: 'db', status: 'healthy' }],
      breakers: { status: 'healthy', total: 1 },
    });
    await fail(registry, kraken);
    response = await call('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'degraded',
      breakers: { unhealthy: [kraken] },
    });
    up = false;
    await monitor.run('db');
    response = await call('/health');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'unhealthy' });
    const alerts = (await (await call('/alerts?active=true')).json()) as { alerts: unknown[] };
    expect(alerts.alerts).toMatchObject([{ check: 'db', severity: 'critical' }]);
  });

  it('serves Prometheus metrics from a private prom-client registry', async () => {
    const { registry, call } = await setup();
    await fail(registry, kraken);
    const response = await call('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^circuit_breaker_state\{name="https:\/\/api\.kraken\.com"\} 1$/m);
    expect(text).toMatch(
      /^circuit_breaker_failures_total\{name="https:\/\/api\.kraken\.com",category="network"\} 2$/m,
    );
  });

  it('serves a given prom-client registry, or no /metrics with metrics: false', async () => {
    const register = new Registry();
    register.setDefaultLabels({});
    const { call } = await setup({ metrics: register });
    expect(await (await call('/metrics')).text()).toBe(await register.metrics());
    const off = await setup({ metrics: false });
    expect((await off.call('/metrics')).status).toBe(404);
  });
});

describe('dashboardHandler: steering', () => {
  it('resets, forces open and disables a breaker with the token', async () => {
    const { registry, call } = await setup();
    await fail(registry, kraken);
    const reset = await call(`${krakenPath}/reset`, { method: 'POST', headers: auth });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ name: kraken, state: 'closed' });
    expect(registry.get(kraken).state).toBe('closed');
    const forced = await call(`${krakenPath}/force-open`, { method: 'POST', headers: auth });
    expect(await forced.json()).toMatchObject({ state: 'forced_open' });
    const disabled = await call(`${krakenPath}/disable`, { method: 'POST', headers: auth });
    expect(await disabled.json()).toMatchObject({ state: 'disabled' });
    const missing = await call('/circuit-breakers/nope/force-open', {
      method: 'POST',
      headers: auth,
    });
    expect(missing.status).toBe(404);
    expect(registry.has('nope')).toBe(false);
  });

  it('resets every breaker', async () => {
    const { registry, call } = await setup();
    await fail(registry, 'a');
    await fail(registry, 'b');
    const response = await call('/circuit-breakers/reset-all', { method: 'POST', headers: auth });
    expect(await response.json()).toEqual({ reset: 2 });
    expect([registry.get('a').state, registry.get('b').state]).toEqual(['closed', 'closed']);
  });

  it('reconfigures a breaker, and answers 400 with the reason for bad config', async () => {
    const { registry, call } = await setup();
    registry.get(kraken);
    const put = (body: string, headers: Record<string, string> = {}) =>
      call(`${krakenPath}/config`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json', ...headers },
        body,
      });
    const ok = await put(JSON.stringify({ openMs: 5_000, strategy: { failureCount: 7 } }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ config: { strategy: { failureCount: 7 } } });
    expect(registry.get(kraken).options.strategy).toEqual({ failureCount: 7 });

    const invalid = await put(JSON.stringify({ strategy: { failureCount: 0 } }));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: 'invalid_config',
      option: 'strategy.failureCount',
      message: expect.stringContaining('expected an integer >= 1'),
    });
    const unknown = await put(JSON.stringify({ classify: [] }));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      message: expect.stringContaining('cannot be set over HTTP'),
    });
    const notJson = await put('{"openMs": ');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: 'invalid_json' });
    expect((await put('[1]')).status).toBe(400);
    expect((await put('{}')).status).toBe(400);
    expect((await put('{"openMs":1}', { 'content-type': 'text/plain' })).status).toBe(415);
    expect(registry.get(kraken).options.strategy).toEqual({ failureCount: 7 });
    const missing = await call('/circuit-breakers/nope/config', {
      method: 'PUT',
      headers: auth,
      body: '{"openMs":1000}',
    });
    expect(missing.status).toBe(404);
  });

  it('refuses a body over maxBodyBytes with 413, declared or streamed', async () => {
    const { registry, call, server } = await setup({ maxBodyBytes: 64 });
    registry.get(kraken);
    const big = JSON.stringify({ openMs: 1_000, pad: 'x'.repeat(200) });
    const declared = await call(`${krakenPath}/config`, {
      method: 'PUT',
      headers: auth,
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: 'body_too_large' });
    // Chunked, so no content-length tells the size up front.
    const streamed = await fetch(`${server.url}${krakenPath}/config`, {
      method: 'PUT',
      headers: auth,
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('asks for the bearer token on every mutating route', async () => {
    const { registry, call } = await setup();
    await fail(registry, kraken);
    const attempts: [string, string, Record<string, string>][] = [
      ['POST', `${krakenPath}/reset`, {}],
      ['POST', `${krakenPath}/force-open`, { authorization: 'Bearer wrong-token-wrong-token' }],
      ['POST', `${krakenPath}/disable`, { authorization: `Basic ${btoa(`x:${token}`)}` }],
      ['POST', '/circuit-breakers/reset-all', { authorization: `Bearer ${token}x` }],
      ['PUT', `${krakenPath}/config`, { authorization: token }],
      ['POST', '/circuit-breakers/nope/reset', {}],
    ];
    for (const [method, path, headers] of attempts) {
      const response = await call(path, { method, headers, body: method === 'PUT' ? '{}' : null });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="breakwater"');
      expect(await response.text()).not.toContain(token);
    }
    expect(registry.get(kraken).state).toBe('open');
  });

  it('is read-only without a token, or with readOnly', async () => {
    for (const options of [{ token: undefined }, { readOnly: true }]) {
      const { registry, call } = await setup(options);
      await fail(registry, kraken);
      const response = await call(`${krakenPath}/reset`, { method: 'POST', headers: auth });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'read_only' });
      expect(registry.get(kraken).state).toBe('open');
      expect((await call('/circuit-breakers')).status).toBe(200);
    }
  });
});

describe('dashboardHandler: events', () => {
  it('streams transitions, alerts and breaker figures as Server-Sent Events', async () => {
    const { clock, registry, monitor, server } = await setup({ sampleIntervalMs: 1_000 });
    registry.get(kraken);
    const events = await openEvents(`${server.url}/events`);
    closers.push(() => events.close());
    expect(events.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await events.next('breakers')).toMatchObject({
      breakers: [{ name: kraken, state: 'closed' }],
    });
    await fail(registry, kraken);
    expect(await events.next('transition')).toMatchObject({
      breaker: kraken,
      from: 'closed',
      to: 'open',
      reason: 'failures',
      category: 'network',
    });
    await clock.advance(1_000);
    expect(await events.next('breakers')).toMatchObject({
      breakers: [{ name: kraken, state: 'open', failureRate: 1 }],
    });
    monitor.register('db', () => false);
    await monitor.run('db');
    // The report sent with a result already counts it.
    expect(await events.next('health')).toMatchObject({ status: 'unhealthy' });
    expect(await events.next('alert')).toMatchObject({ check: 'db', severity: 'critical' });
  });

  it('holds no listener and no timer while nobody listens, and frees them when the last leaves', async () => {
    const { clock, registry, server, handler } = await setup();
    expect(clock.pendingTimers).toBe(0);
    const first = await openEvents(`${server.url}/events`);
    const second = await openEvents(`${server.url}/events`);
    await first.next('breakers');
    await second.next('breakers');
    expect(clock.pendingTimers).toBe(1);
    first.close();
    second.close();
    await expect.poll(() => clock.pendingTimers, { timeout: 10_000 }).toBe(0);
    // The registry's listeners are gone too: a transition reaches nobody and costs nothing.
    await fail(registry, kraken);
    handler.close();
  });

  it('answers HEAD /events without opening a stream', async () => {
    const { server, clock } = await setup();
    const head = await fetch(`${server.url}/events`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses streams beyond maxEventClients with 503, and close() ends them', async () => {
    const { server, handler, clock } = await setup({ maxEventClients: 1 });
    const first = await openEvents(`${server.url}/events`);
    await first.next('breakers');
    const second = await fetch(`${server.url}/events`);
    expect(second.status).toBe(503);
    handler.close();
    await expect(first.next('breakers')).rejects.toThrow('the event stream ended');
    expect(clock.pendingTimers).toBe(0);
    expect((await fetch(`${server.url}/events`)).status).toBe(503);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('dashboardHandler: mounting and security', () => {
  it('serves under basePath and passes other paths to next()', async () => {
    const clock = new ManualClock();
    const registry = new BreakerRegistry({ clock });
    const handler = dashboardHandler({ registry, basePath: '/ops', clock });
    const server = await listen((req, res) => {
      handler(req, res, () => res.writeHead(418).end('app'));
    });
    closers.push(server.close, () => handler.close());
    expect((await fetch(`${server.url}/ops/circuit-breakers`)).status).toBe(200);
    expect((await fetch(`${server.url}/elsewhere`)).status).toBe(418);
    expect((await fetch(`${server.url}/ops/unknown`)).status).toBe(418);
    const root = await fetch(`${server.url}/ops`, { redirect: 'manual' });
    expect(root.status).toBe(308);
    expect(root.headers.get('location')).toBe('/ops/');
    expect((await fetch(`${server.url}//ops`, { redirect: 'manual' })).status).toBe(418);
    const page = await fetch(`${server.url}/ops/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('redirects to the mount path as Express reports it, never to another host', async () => {
    const handler = dashboardHandler({ registry: new BreakerRegistry() });
    const server = await listen((req, res) => {
      // What Express does under app.use('/ops', handler): req.url loses the mount path, and
      // is `/` for both `/ops` and `/ops/`; req.originalUrl keeps what was asked.
      const asked = req.url!;
      const rest = asked.startsWith('/ops') ? asked.slice(4) : ''; // else: mounted at all of it
      Object.assign(req, { originalUrl: asked, url: rest === '' ? '/' : rest });
      handler(req, res);
    });
    closers.push(server.close, () => handler.close());
    const mounted = await fetch(`${server.url}/ops`, { redirect: 'manual' });
    expect(mounted.status).toBe(308);
    expect(mounted.headers.get('location')).toBe('/ops/');
    const page = await fetch(`${server.url}/ops/`, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await fetch(`${server.url}/ops/health`)).status).toBe(200);
    const sneaky = await fetch(`${server.url}//evil.example`, { redirect: 'manual' });
    expect(sneaky.status).toBe(308);
    expect(sneaky.headers.get('location')).toBe('/evil.example/');
  });

  it('sends CORS headers only to configured origins', async () => {
    const { call } = await setup({ corsOrigins: ['https://ops.example.com'] });
    const allowed = await call('/circuit-breakers', {
      headers: { origin: 'https://ops.example.com' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
    const other = await call('/circuit-breakers', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await call('/circuit-breakers/x/reset', {
      method: 'OPTIONS',
      headers: { origin: 'https://ops.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const { call: plain } = await setup();
    const none = await plain('/circuit-breakers', {
      headers: { origin: 'https://ops.example.com' },
    });
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
    expect((await plain('/circuit-breakers', { method: 'OPTIONS' })).status).toBe(405);
  });

  it('never puts the token or a secret from a check in a response', async () => {
    const secret = 'Zk3q9XbV7LmN2pR8sT4wY6aC1dE5fG0hJ';
    const { monitor, registry, call } = await setup();
    monitor.register('private', () => {
      throw new Error(`GET https://api.example.com/balance?apiKey=${secret} failed, key=${secret}`);
    });
    await monitor.run('private');
    registry.get(kraken);
    for (const path of ['/health', '/alerts', '/circuit-breakers', krakenPath, '/metrics', '/']) {
      const text = await (await call(path)).text();
      expect(text, path).not.toContain(secret);
      expect(text, path).not.toContain(token);
    }
  });

  it('rejects bad options without echoing the token', () => {
    const attempts: [DashboardOptions, string][] = [
      [{ token: 'short-secret' }, 'token'],
      [{ token: 'has whitespace in the middle' }, 'token'],
      [{ maxBodyBytes: 0 }, 'maxBodyBytes'],
      [{ corsOrigins: ['https://x.example/path'] }, 'corsOrigins'],
      [{ basePath: 'ops' }, 'basePath'],
      [{ basePath: '/ops/' }, 'basePath'],
      [{ registry: {} as never }, 'registry'],
      [{ metrics: {} as never }, 'metrics'],
      [{ sampleIntervalMs: 10 }, 'sampleIntervalMs'],
      [{ tokn: 'x' } as never, 'tokn'],
    ];
    for (const [options, option] of attempts) {
      let caught: unknown;
      try {
        dashboardHandler(options);
      } catch (error) {
        caught = error;
      }
      expect(isBreakwaterConfigError(caught), option).toBe(true);
      expect((caught as { option: string }).option).toBe(option);
      expect((caught as Error).message).not.toContain('short-secret');
    }
  });
});

describe('dashboardHandler: many breakers', () => {
  it('limits the live sample to maxLiveBreakers, those not closed first', async () => {
    const { registry, server, call } = await setup({ maxLiveBreakers: 3 });
    for (let i = 0; i < 10; i++) registry.get(`b${i}`);
    await fail(registry, 'b7');
    await fail(registry, 'b9');
    const events = await openEvents(`${server.url}/events`);
    closers.push(() => events.close());
    const sample = (await events.next('breakers')) as {
      total: number;
      breakers: { name: string }[];
    };
    expect(sample.total).toBe(10);
    expect(sample.breakers.map((b) => b.name)).toEqual(['b0', 'b7', 'b9']);
    const limited = (await (await call('/circuit-breakers?limit=2')).json()) as typeof sample;
    expect(limited.breakers.map((b) => b.name)).toEqual(['b7', 'b9']);
    const all = (await (await call('/circuit-breakers')).json()) as typeof sample;
    expect([all.total, all.breakers.length]).toEqual([10, 10]);
    expect((await call('/circuit-breakers?limit=0')).status).toBe(400);
  });
});
