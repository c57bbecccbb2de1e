// Runs in a scratch project where npm installed the packed tarballs (see scripts/packSmoke.mjs):
// every import below resolves to an installed tarball's `dist/`, never to the workspace. Each
// adapter makes one call that succeeds and one that its breaker, forced open, rejects before
// anything is sent.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { useBreaker } from '@breakwater/axios';
import { BreakerRegistry, CircuitBreaker, isBreakerOpenError } from '@breakwater/core';
import { FileStore } from '@breakwater/core/node';
import { HealthMonitor, serveDashboard } from '@breakwater/dashboard';
import { krakenPreset } from '@breakwater/exchanges';
import { startExchangeSim } from '@breakwater/exchanges/testing';
import { withBreaker } from '@breakwater/fetch';
import { circuitBreaker } from '@breakwater/fetch/node';
import { breakerHooks as gotHooks } from '@breakwater/got';
import { breakerHooks as kyHooks } from '@breakwater/ky';
import { statusStorm } from '@breakwater/msw';
import OpossumBreaker from '@breakwater/opossum';
import { instrumentBreakers } from '@breakwater/otel';
import { registerBreakerMetrics } from '@breakwater/prometheus';
import { guardWebSocket } from '@breakwater/ws';
import * as wsTesting from '@breakwater/ws/testing';
import axios from 'axios';
import got from 'got';
import ky from 'ky';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { Registry } from 'prom-client';
import { Agent, request } from 'undici';
import WebSocket, { WebSocketServer } from 'ws';

let hits = 0;
const server = createServer((_req, res) => {
  hits++;
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
});
const sockets = new WebSocketServer({ server });
sockets.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const origin = `http://127.0.0.1:${server.address().port}`;
const url = `${origin}/ok`;

const breaker = new CircuitBreaker({ name: 'smoke' });
assert.equal(await breaker.execute(async () => 42), 42);
breaker.dispose();
assert.equal(typeof FileStore, 'function');
assert.equal(typeof krakenPreset(), 'object');
assert.equal(typeof wsTesting.createFaultyWsServer, 'function');
// The exchange simulator's dist reaches into the package's own (../../kraken/endpoints.js).
const sim = await startExchangeSim({ exchanges: ['kraken'] });
const time = await fetch(`${sim.url('kraken')}/0/public/Time`).then((res) => res.json());
assert.deepEqual(time.error, []);
await sim.close();

/** One call through `call` that succeeds, then one its breaker, forced open, rejects. */
async function adapter(name, create) {
  const registry = new BreakerRegistry();
  const call = create(registry);
  const before = hits;
  await call();
  assert.equal(hits, before + 1, `${name}: the request went out`);
  const guarded = registry.peek(origin);
  assert.equal(guarded?.snapshot().counters.successes, 1, `${name}: one success recorded`);
  guarded.forceOpen();
  await assert.rejects(call(), (error) => isBreakerOpenError(error), `${name}: rejected`);
  assert.equal(hits, before + 1, `${name}: nothing sent while open`);
  registry.dispose();
}

await adapter('fetch', (registry) => {
  const fetch = withBreaker({ registry });
  return () => fetch(url).then((res) => res.json());
});
await adapter('fetch/node', (registry) => {
  const dispatcher = new Agent().compose(circuitBreaker({ registry }));
  return () => request(url, { dispatcher }).then((res) => res.body.json());
});
await adapter('axios', (registry) => {
  const instance = axios.create();
  useBreaker(instance, { registry });
  return () => instance.get(url);
});
await adapter('got', (registry) => {
  const client = got.extend(gotHooks({ registry }), { retry: { limit: 0 } });
  return () => client(url).json();
});
await adapter('ky', (registry) => {
  const client = ky.extend(kyHooks({ registry }));
  return () => client.get(url).json();
});

// The msw toolkit's handlers, answered by MSW in front of the guarded global fetch.
const mocked = setupServer(http.get(`${origin}/storm`, statusStorm(503)));
mocked.listen({ onUnhandledFrame: 'bypass' });
const stormRegistry = new BreakerRegistry();
const stormFetch = withBreaker({ registry: stormRegistry });
assert.equal((await stormFetch(`${origin}/storm`)).status, 503);
assert.equal(stormRegistry.peek(origin)?.snapshot().counters.failures, 1);
mocked.close();
stormRegistry.dispose();
assert.ok(HttpResponse);

// The opossum drop-in, imported and required: the same class (require() gets the class itself,
// through the CommonJS shim), a call through it, and opossum's rejection once it is open.
const RequiredBreaker = createRequire(import.meta.url)('@breakwater/opossum');
assert.equal(RequiredBreaker, OpossumBreaker);
const dropIn = new RequiredBreaker(async (n) => n * 2, { timeout: 1_000 });
assert.equal(await dropIn.fire(21), 42);
dropIn.open();
await assert.rejects(dropIn.fire(1), (error) => RequiredBreaker.isOurError(error));
assert.equal(dropIn.stats.rejects, 1);
dropIn.shutdown();

// The exporters: a scrape of prom-client's registry, and OpenTelemetry with no SDK (no-ops).
const observed = new BreakerRegistry();
const register = new Registry();
const metrics = registerBreakerMetrics({ registry: observed, register });
const instrumentation = instrumentBreakers({ registry: observed });
assert.equal(await observed.get('smoke').execute(async () => 1), 1);
assert.match(await register.metrics(), /^circuit_breaker_successes_total\{name="smoke"\} 1$/m);
instrumentation.dispose();
metrics.dispose();
observed.dispose();

// The dashboard: its page, its own script and uPlot's come from the installed packages' files.
const dashboardRegistry = new BreakerRegistry();
dashboardRegistry.get('smoke');
const monitor = new HealthMonitor();
monitor.register('smoke', () => true);
await monitor.run('smoke');
const dashboard = await serveDashboard({ registry: dashboardRegistry, monitor, port: 0 });
for (const path of ['', 'assets/dashboard.js', 'assets/model.js', 'assets/uPlot.iife.min.js']) {
  const response = await fetch(`${dashboard.url}${path}`);
  assert.equal(response.status, 200, `GET /${path}`);
  assert.ok((await response.text()).length > 100, `GET /${path} has a body`);
}
assert.match(
  await (await fetch(`${dashboard.url}metrics`)).text(),
  /circuit_breaker_state\{name="smoke"\} 0/,
);
assert.equal((await (await fetch(`${dashboard.url}health`)).json()).status, 'healthy');
await dashboard.close();
dashboardRegistry.dispose();

// The WebSocket guard: connect through its breaker, one message there and back.
const guard = guardWebSocket(() => new WebSocket(`ws://127.0.0.1:${server.address().port}`), {
  name: 'smoke',
});
await new Promise((resolve) => guard.on('open', resolve));
const echoed = new Promise((resolve) => guard.on('message', (data) => resolve(String(data))));
guard.send('ping');
assert.equal(await echoed, 'ping');
assert.equal(guard.breaker.snapshot().counters.calls, 1);
await guard.close();

sockets.close();
server.closeAllConnections();
server.close();
process.stdout.write('pack smoke: every package imported, every adapter guarded a call\n');
