// Run by test/runners.test.ts through Jest 30 (native ESM: `node --experimental-vm-modules`)
// with jest.config.mjs beside it: the package used from Jest, imported by its name.
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

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function getJson(signal) {
  const response = await fetch(url, { signal });
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response });
  return response.json();
}

describe('@breakwater/msw under Jest', () => {
  it('opens the breaker after failTimes and keeps requests from the server', async () => {
    const breaker = new CircuitBreaker({ strategy: { type: 'consecutive', failureCount: 2 } });
    const hits = new HitCounter();
    server.use(http.get(url, hits.count('ticker', failTimes(5))));
    for (let i = 0; i < 4; i++) await breaker.execute(() => getJson()).catch(() => undefined);
    expect(breaker.state).toBe('open');
    expect(hits.get('ticker')).toBe(2);
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
    expect(report.reasons).toEqual([]);
    expect(report.serverHits.whileOpen).toBe(3);
    breaker.dispose();
  });
});
