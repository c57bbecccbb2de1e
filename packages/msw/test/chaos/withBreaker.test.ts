import { BreakerRegistry, ManualClock } from '@breakwater/core';
import { withBreaker } from '@breakwater/fetch';
import {
  closesWithin,
  hang,
  maxRequestsWhileOpen,
  opensWithin,
  runExperiment,
  statusStorm,
} from '@breakwater/msw';
import { describe, expect, it } from 'vitest';
import { api, healthy, useMockServer } from '../support/mockServer.ts';

const server = useMockServer(healthy);
const ticker = `${api}/ticker`;

/** The fetch adapter over global fetch, its breakers in a registry on a ManualClock. */
function setup(options: Parameters<typeof withBreaker>[1] = {}) {
  const clock = new ManualClock();
  const registry = new BreakerRegistry({
    defaults: { clock, openMs: 1_000, strategy: { type: 'consecutive', failureCount: 5 } },
  });
  const fetch = withBreaker(globalThis.fetch, { registry, ...options });
  // The adapter names each breaker after the request's origin.
  return { clock, registry, fetch, breaker: registry.get(api) };
}

describe('runExperiment with @breakwater/fetch', () => {
  it('sees the adapter open on 503s it returns as responses, and close after recovery', async () => {
    const { clock, registry, fetch, breaker } = setup();
    const report = await runExperiment({
      server,
      breaker,
      clock,
      faults: [{ path: ticker, fault: statusStorm(503), startMs: 500, endMs: 3_000 }],
      load: { calls: 60, intervalMs: 100, call: ({ signal }) => fetch(ticker, { signal }) },
      hypothesis: [opensWithin(10), maxRequestsWhileOpen(3), closesWithin(2_000)],
      maxDurationMs: 10_000,
    });
    expect(report.reasons).toEqual([]);
    expect(report.calls).toMatchObject({ failed: 7, failuresByCategory: { server: 7 } });
    expect(report.serverHits.whileOpen).toBe(3);
    registry.dispose();
  });

  it("counts hangs cut by the adapter's timeoutMs as timeouts", async () => {
    const { clock, registry, fetch, breaker } = setup({ timeoutMs: 1_000 });
    const report = await runExperiment({
      server,
      breaker,
      clock,
      faults: [{ path: ticker, fault: hang(), endMs: 5_000 }],
      load: { calls: 30, intervalMs: 100, call: ({ signal }) => fetch(ticker, { signal }) },
      hypothesis: [opensWithin(5), closesWithin(2_000)],
      maxDurationMs: 30_000,
    });
    expect(report.reasons).toEqual([]);
    expect(report.calls.failuresByCategory).toEqual({ timeout: 5 });
    expect(clock.pendingTimers).toBe(0);
    registry.dispose();
  });
});
