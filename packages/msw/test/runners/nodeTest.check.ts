// Run by test/runners.test.ts as `node --conditions=@breakwater/source --test <this file>`:
// the package used from Node's own test runner, imported by its name as a user would.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { CircuitBreaker, ManualClock } from '@breakwater/core';
import {
  closesWithin,
  failTimes,
  HitCounter,
  maxRequestsWhileOpen,
  opensWithin,
  runExperiment,
  statusStorm,
} from '@breakwater/msw';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';

const url = 'https://api.example.test/ticker';
const server = setupServer(http.get(url, () => HttpResponse.json({ price: 97_000 })));

before(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
after(() => server.close());

async function getJson(signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response });
  return response.json();
}

describe('@breakwater/msw under node:test', () => {
  it('opens the breaker after failTimes and keeps requests from the server', async () => {
    const breaker = new CircuitBreaker({ strategy: { type: 'consecutive', failureCount: 2 } });
    const hits = new HitCounter();
    server.use(http.get(url, hits.count('ticker', failTimes(5))));
    for (let i = 0; i < 4; i++) await breaker.execute(() => getJson()).catch(() => undefined);
    assert.equal(breaker.state, 'open');
    assert.equal(hits.get('ticker'), 2);
    breaker.dispose();
  });

  it('runs a deterministic chaos experiment', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, openMs: 1_000 });
    const report = await runExperiment({
      server,
      breaker,
      clock,
      faults: [{ path: url, fault: statusStorm(503), startMs: 500, endMs: 3_000 }],
      load: {
        calls: 60,
        intervalMs: 100,
        call: ({ signal }) => breaker.execute((inner) => getJson(inner), { signal }),
      },
      hypothesis: [opensWithin(10), maxRequestsWhileOpen(3), closesWithin(2_000)],
      maxDurationMs: 10_000,
    });
    assert.deepEqual(report.reasons, []);
    assert.equal(report.serverHits.whileOpen, 3);
    breaker.dispose();
  });
});
