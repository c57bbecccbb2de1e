// A circuit breaker protecting a flaky dependency, in real time (about two seconds).
//
// The "exchange" below answers normally, then has an outage, then recovers. Watch the breaker
// open after five failures in a row, fail fast without calling the exchange while open, let one
// probe through after the recovery delay, and close again once the exchange is back.
//
// A second breaker guards the exchange's order endpoint, so the registry at the end shows
// the aggregate health of both and a snapshot of each.
//
// Run: npm run demo (from the repository root)
import { BreakerRegistry, exponentialBackoff, isBreakerOpenError } from '@breakwater/core';

/** A fake exchange API: healthy, down from 150 ms to 700 ms after start, then healthy again. */
function createFlakyExchange(started: number) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    async getTicker(): Promise<{ pair: string; price: number }> {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const elapsed = Date.now() - started;
      if (elapsed > 150 && elapsed < 700) {
        throw Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
      }
      return { pair: 'XBT/USD', price: 97_000 + calls };
    },
  };
}

const started = Date.now();
const exchange = createFlakyExchange(started);
const registry = new BreakerRegistry({
  defaults: {
    strategy: { type: 'consecutive', failureCount: 5 },
    openMs: exponentialBackoff({ initialMs: 200, factor: 2, maxMs: 1_000 }),
    trackLatency: true,
  },
});
const breaker = registry.get('https://api.exchange.example');
const orders = registry.get('https://api.exchange.example/orders');

const at = () => `${String(Date.now() - started).padStart(5)} ms`;
breaker.on('stateChange', ({ from, to, reason, category }) => {
  console.log(`${at()}  ── ${from} → ${to} (${reason}${category ? `, ${category}` : ''})`);
});

let fastFails = 0;
for (let i = 1; i <= 45; i++) {
  try {
    const ticker = await breaker.execute(() => exchange.getTicker());
    console.log(`${at()}  call ${String(i).padStart(2)}: ok      ${ticker.pair} ${ticker.price}`);
  } catch (error) {
    if (isBreakerOpenError(error)) {
      fastFails++;
      console.log(`${at()}  call ${String(i).padStart(2)}: fast-fail (${error.message})`);
    } else {
      console.log(`${at()}  call ${String(i).padStart(2)}: failed  ${(error as Error).message}`);
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 30));
}

// The order endpoint goes down for good at the end: its breaker is left open. An error that
// carries an HTTP response (as axios, got and ky errors do) is classified by its status.
const unavailable = () =>
  Promise.reject(Object.assign(new Error('Service Unavailable'), { response: { status: 503 } }));
for (let i = 0; i < 5; i++) await orders.execute(unavailable).catch(() => {});

const { counters } = breaker.snapshot();
console.log('');
console.log(
  `calls attempted: 45, reached the exchange: ${exchange.calls}, fast-failed: ${fastFails}`,
);
console.log(
  `breaker counters: ${counters.successes} successes, ${counters.failures} failures, ` +
    `${counters.rejected} rejected; transitions ${JSON.stringify(counters.transitions)}`,
);
console.log(`final state: ${breaker.state}`);

const health = registry.health();
console.log('');
console.log(`registry health: ${health.status} (${JSON.stringify(health.byState)})`);
for (const snapshot of registry.list()) {
  const latency = snapshot.latency ? `, p50 ${snapshot.latency.p50Ms.toFixed(1)} ms` : '';
  console.log(
    `  ${snapshot.name}: ${snapshot.state}, success rate ${(snapshot.successRate * 100).toFixed(0)} %, ` +
      `uptime ${(snapshot.uptimeRate * 100).toFixed(0)} %, window ${snapshot.window.failures}/` +
      `${snapshot.window.calls} failures${latency}, last failure ${snapshot.lastFailure?.category ?? 'none'}`,
  );
}
registry.dispose();
