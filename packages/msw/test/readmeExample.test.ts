import { CircuitBreaker, ManualClock, TimeoutError } from '@breakwater/core';
import {
  closesWithin,
  failTimes,
  HitCounter,
  hang,
  maxRequestsWhileOpen,
  opensWithin,
  runExperiment,
  statusStorm,
} from '@breakwater/msw';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const ticker = 'https://api.example.com/ticker';
const server = setupServer(http.get(ticker, () => HttpResponse.json({ price: 97_000 })));

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Your client: fetch that throws on an error status, keeping the response for the breaker. */
async function getPrice(signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(ticker, { signal });
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response });
  return response.json();
}

describe('the ticker breaker', () => {
  it('stops calling a failing API, then probes it once the recovery time has passed', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      strategy: { type: 'consecutive', failureCount: 3 },
      recovery: 10_000,
    });
    const hits = new HitCounter();
    server.use(http.get(ticker, hits.count('ticker', failTimes(3, { with: statusStorm(503) }))));

    for (let i = 0; i < 10; i++) {
      await breaker.execute((signal) => getPrice(signal)).catch(() => undefined);
    }
    expect(breaker.state).toBe('open');
    expect(hits.get('ticker')).toBe(3); // the other 7 calls never left the process

    await clock.advance(10_000);
    await expect(breaker.execute((signal) => getPrice(signal))).resolves.toEqual({ price: 97_000 });
    expect(breaker.state).toBe('closed');
    breaker.dispose();
  });

  it('gives up on a hanging API at its deadline', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, timeoutMs: 2_000 });
    server.use(http.get(ticker, hang()));

    const outcome = expect(breaker.execute((signal) => getPrice(signal))).rejects.toThrow(
      TimeoutError,
    );
    await clock.advance(2_000);
    await outcome;
    breaker.dispose();
  });

  it('survives a 503 storm: opens fast, holds back, closes soon after recovery', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, recovery: 1_000 });
    const report = await runExperiment({
      server,
      breaker,
      clock,
      faults: [{ path: ticker, fault: statusStorm(503), startMs: 500, endMs: 3_000 }],
      load: {
        calls: 60,
        intervalMs: 100,
        call: ({ signal }) => breaker.execute((inner) => getPrice(inner), { signal }),
      },
      hypothesis: [opensWithin(10), maxRequestsWhileOpen(3), closesWithin(2_000)],
      maxDurationMs: 10_000,
    });
    expect(report.reasons).toEqual([]);
    expect(report.calls.failuresByCategory).toEqual({ server: 7 });
    breaker.dispose();
  });
});
