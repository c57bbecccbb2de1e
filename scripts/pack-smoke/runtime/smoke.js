// The runtime smoke: one script that every runtime we claim runs over the built packages
// (Chromium through an import map, Deno and Bun from the scratch project's node_modules, Node at
// each package's lowest claimed version; see scripts/pack-smoke/runtimes.mjs). Plain JavaScript
// with bare specifiers and no Node API, so nothing but the runtime's own module loader stands
// between it and `dist/`.
//
// Each part drives a breaker through open and recovery on a `ManualClock`: failures open it, the
// next call is rejected without running, and after the open period one probe closes it again.
// The HTTP parts call through the real adapter (and ky) over a fetch-compatible function that
// answers from memory, so the smoke needs no server and no network in any runtime.
import { BreakerRegistry, CircuitBreaker, isBreakerOpenError, ManualClock } from '@breakwater/core';

function check(condition, message) {
  if (!condition) throw new Error(`runtime smoke: ${message}`);
}

/** A fetch whose next answers are `statuses`, counting the requests that reach it. */
function scriptedFetch(statuses) {
  const fetch = async () => {
    fetch.hits++;
    const status = statuses.shift() ?? 200;
    return new Response(JSON.stringify({ status }), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  fetch.hits = 0;
  return fetch;
}

async function breakerRecovers() {
  const clock = new ManualClock({ seed: 1 });
  const breaker = new CircuitBreaker({
    name: 'runtime-smoke',
    clock,
    openMs: 1_000,
    strategy: { failureCount: 2 },
  });
  const states = [];
  breaker.on('stateChange', (event) => states.push(event.to));
  const down = () => Promise.reject(new Error('down'));
  for (let i = 0; i < 2; i++) await breaker.execute(down).catch(() => undefined);
  check(breaker.state === 'open', `two failures open the breaker (state ${breaker.state})`);
  let ran = false;
  const rejected = await breaker
    .execute(async () => {
      ran = true;
    })
    .catch((error) => error);
  check(isBreakerOpenError(rejected) && !ran, 'an open breaker rejects without running the call');
  await clock.advance(1_000);
  check((await breaker.execute(async () => 'up')) === 'up', 'the probe after openMs runs');
  check(breaker.state === 'closed', `a successful probe closes it (state ${breaker.state})`);
  check(states.join() === 'open,half_open,closed', `transitions ${states.join()}`);
  breaker.dispose();
}

/** One adapter: two 503s open the origin's breaker, then it rejects, then a probe closes it. */
async function adapterRecovers(name, guard) {
  const clock = new ManualClock({ seed: 1 });
  const registry = new BreakerRegistry({
    defaults: { clock, openMs: 1_000, strategy: { failureCount: 2 } },
  });
  const fetch = scriptedFetch([503, 503]);
  const call = guard(registry, fetch);
  const url = 'https://api.example.test/status';
  for (let i = 0; i < 2; i++) await call(url).catch(() => undefined);
  const breaker = registry.peek('https://api.example.test');
  check(breaker?.state === 'open', `${name}: two 503s open the origin's breaker`);
  const rejected = await call(url).catch((error) => error);
  check(isBreakerOpenError(rejected), `${name}: the open breaker rejects (${rejected})`);
  check(fetch.hits === 2, `${name}: nothing is sent while open (${fetch.hits} requests)`);
  await clock.advance(1_000);
  const body = await call(url);
  check(body.status === 200, `${name}: the probe goes out and succeeds`);
  check(breaker.state === 'closed', `${name}: the probe closes the breaker (${breaker.state})`);
  registry.dispose();
}

/**
 * Runs the smoke; `adapters` also runs it through `@breakwater/fetch` and `@breakwater/ky`
 * (imported only then, so a runtime can smoke the core alone). Resolves to the parts that ran.
 */
export async function runSmoke({ adapters = false } = {}) {
  const ran = ['core'];
  await breakerRecovers();
  if (adapters) {
    const { withBreaker } = await import('@breakwater/fetch');
    await adapterRecovers('fetch', (registry, fetch) => {
      const guarded = withBreaker(fetch, { registry });
      return async (url) => {
        const response = await guarded(url);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      };
    });
    const [{ default: ky }, { breakerHooks }] = await Promise.all([
      import('ky'),
      import('@breakwater/ky'),
    ]);
    await adapterRecovers('ky', (registry, fetch) => {
      const client = ky.extend({ ...breakerHooks({ registry }), fetch, retry: 0 });
      return (url) => client.get(url).json();
    });
    ran.push('fetch', 'ky');
  }
  return ran;
}
