// A circuit breaker protecting a flaky dependency, in real time (about two seconds).
//
// The "exchange" below answers normally, then has an outage, then recovers. Watch the breaker
// open after five failures in a row, fail fast without calling the exchange while open, let one
// probe through after the recovery delay, and close again once the exchange is back.
//
// Run: npm run demo (from the repository root)
import { CircuitBreaker, exponentialBackoff, isBreakerOpenError } from '@breakwater/core';

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
const breaker = new CircuitBreaker({
  name: 'https://api.exchange.example',
  strategy: { type: 'consecutive', failureCount: 5 },
  recovery: exponentialBackoff({ initialMs: 200, factor: 2, maxMs: 1_000 }),
});

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
breaker.dispose();
