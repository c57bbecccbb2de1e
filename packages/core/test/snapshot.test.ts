import { CircuitBreaker, ManualClock, type Outcome, success } from '@breakwater/core';
import { describe, expect, it } from 'vitest';

const status = (code: number): Outcome => ({ kind: 'response', status: code, header: () => null });

function setup(options: ConstructorParameters<typeof CircuitBreaker>[0] = {}) {
  const clock = new ManualClock();
  return { clock, breaker: new CircuitBreaker({ clock, openMs: 1_000, ...options }) };
}

describe('snapshot()', () => {
  it('counts calls, outcomes by category, rejections and transitions', async () => {
    const { breaker } = setup({ strategy: { type: 'consecutive', failureCount: 2 } });
    breaker.acquire().settle(status(200));
    breaker.acquire().settle(status(404));
    breaker.acquire().settle(status(503));
    breaker
      .acquire()
      .settle({ kind: 'error', error: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    breaker.tryAcquire();
    breaker.tryAcquire();
    const { counters } = breaker.snapshot();
    expect(counters).toMatchObject({
      calls: 4,
      successes: 1,
      failures: 2,
      ignored: 1,
      rejected: 2,
      timeouts: 0,
      transitions: { 'closed->open': 1 },
    });
    expect(counters.failuresByCategory).toMatchObject({ server: 1, network: 1, timeout: 0 });
  });

  it('counts every request by the state that decided it', async () => {
    const { breaker, clock } = setup({
      strategy: { type: 'consecutive', failureCount: 1 },
      halfOpen: { maxProbes: 1, successCount: 1 },
    });
    expect(await breaker.execute(async () => 1)).toBe(1);
    breaker.acquire().settle(status(503));
    breaker.tryAcquire();
    await clock.advance(1_000);
    const probe = breaker.acquire();
    breaker.tryAcquire();
    probe.settle(success());
    breaker.forceOpen();
    breaker.tryAcquire();
    breaker.disable();
    breaker.acquire().settle(success());
    breaker.acquire().release();

    const { counters } = breaker.snapshot();
    expect(counters.requestsByState).toEqual({
      closed: 2,
      open: 1,
      half_open: 2,
      forced_open: 1,
      disabled: 2,
    });
    const requests = Object.values(counters.requestsByState).reduce((a, b) => a + b, 0);
    expect(requests).toBe(counters.calls + counters.rejected);
  });

  it('counts a call refused by an adaptive strategy under the closed state', () => {
    const { breaker } = setup({
      strategy: () => ({
        usesTime: false,
        tracksLatency: false,
        onSuccess: () => false,
        onFailure: () => false,
        admit: () => false,
        reset() {},
        describe: () => ({ type: 'refuse-all' }),
        stats: () => ({ calls: 0, failures: 0, slowCalls: 0, failureRate: 0, slowCallRate: 0 }),
      }),
    });
    expect(breaker.tryAcquire()).toBeInstanceOf(Error);
    expect(breaker.snapshot().counters).toMatchObject({
      rejected: 1,
      requestsByState: { closed: 1, open: 0 },
    });
  });

  it('reports the window rates of the strategy', () => {
    const { breaker } = setup({ strategy: { type: 'count', callCount: 10, minCalls: 10 } });
    for (const code of [200, 200, 500, 200]) breaker.acquire().settle(status(code));
    expect(breaker.snapshot().window).toMatchObject({ calls: 4, failures: 1, failureRate: 0.25 });
  });

  it('reports time in state, success rate, uptime and the last failure', async () => {
    const { breaker, clock } = setup({ strategy: { type: 'consecutive', failureCount: 1 } });
    breaker.acquire().settle(success());
    await clock.advance(3_000);
    breaker.acquire().settle(status(502));
    const failedAt = clock.now();
    await clock.advance(1_000);
    let snapshot = breaker.snapshot();
    expect(snapshot).toMatchObject({
      state: 'open',
      timeInStateMs: 1_000,
      successRate: 0.5,
      uptimeRate: 0.75,
      lastFailure: { category: 'server', at: failedAt },
    });
    breaker.acquire().settle(success());
    await clock.advance(4_000);
    snapshot = breaker.snapshot();
    expect(snapshot.state).toBe('closed');
    expect(snapshot.uptimeRate).toBeCloseTo(7 / 8);
  });

  it('keeps a latency histogram with percentiles when latency is tracked', async () => {
    const { breaker, clock } = setup({ trackLatency: true });
    for (let i = 1; i <= 100; i++) {
      const permit = breaker.acquire();
      await clock.advance(i <= 90 ? 10 : 400);
      permit.settle(success());
    }
    const latency = breaker.snapshot().latency!;
    expect(latency.count).toBe(100);
    expect(latency.meanMs).toBeCloseTo(49);
    expect(latency.p50Ms).toBeGreaterThan(5);
    expect(latency.p50Ms).toBeLessThanOrEqual(10);
    expect(latency.p99Ms).toBeGreaterThan(200);
    expect(latency.p99Ms).toBeLessThanOrEqual(500);
    expect(latency.buckets.at(-1)).toBe(100);
  });

  it('has no latency figures when nothing tracks latency', async () => {
    const { breaker } = setup();
    await breaker.execute(() => Promise.resolve(1));
    expect(breaker.snapshot().latency).toBeUndefined();
  });

  it('is a plain object that survives JSON', () => {
    const { breaker } = setup();
    const snapshot = breaker.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});
