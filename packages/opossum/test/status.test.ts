import { EventEmitter } from 'node:events';
import { ManualClock } from '@breakwater/core';
import CircuitBreaker, { type Stats } from '@breakwater/opossum';
import { describe, expect, it } from 'vitest';
import { setup, track } from './helpers.ts';

/** A breaker whose action takes `ms` of the manual clock (negative: fails after -ms). */
function timed(options: ConstructorParameters<typeof CircuitBreaker>[1] = {}) {
  const { breaker, clock } = setup(
    (ms: number) =>
      new Promise<number>((resolve, reject) =>
        clock.setTimeout(
          () => (ms < 0 ? reject(new Error('slow failure')) : resolve(ms)),
          Math.abs(ms),
        ),
      ),
    { timeout: false, volumeThreshold: 1_000, ...options },
  );
  const run = async (ms: number) => {
    const call = breaker.fire(ms).catch(() => undefined);
    await clock.advance(Math.abs(ms));
    await call;
  };
  return { breaker, clock, run };
}

describe('stats', () => {
  it('sums the window: every counter, sorted latencyTimes, their mean and percentiles', async () => {
    const { breaker, run } = timed();
    for (const ms of [40, 10, 30, -20]) await run(ms);
    const stats: Stats = breaker.stats;
    expect(stats).toEqual({
      failures: 1,
      fallbacks: 0,
      successes: 3,
      rejects: 0,
      fires: 4,
      timeouts: 0,
      cacheHits: 0,
      cacheMisses: 0,
      coalesceCacheHits: 0,
      coalesceCacheMisses: 0,
      semaphoreRejections: 0,
      latencyTimes: [10, 20, 30, 40],
      latencyMean: 25,
      percentiles: {
        0: 10,
        0.25: 10,
        0.5: 20,
        0.75: 30,
        0.9: 40,
        0.95: 40,
        0.99: 40,
        0.995: 40,
        1: 40,
      },
    });
    expect(breaker.status.stats).toEqual(stats);
  });

  it('reports 0 figures for an empty window and -1 when percentiles are disabled', async () => {
    expect(timed().breaker.stats).toMatchObject({ latencyMean: 0, latencyTimes: [] });
    expect(timed().breaker.stats.percentiles[0.5]).toBe(0);
    const { breaker, run } = timed({ rollingPercentilesEnabled: false });
    await run(10);
    expect(breaker.stats).toMatchObject({ successes: 1, latencyMean: -1, latencyTimes: [] });
    expect(Object.values(breaker.stats.percentiles)).toEqual(Array(9).fill(-1));
  });

  it('counts a timeout as a timeout and a failure, each with its latency', async () => {
    const { breaker, clock } = setup(() => new Promise<never>(() => undefined), {
      timeout: 30,
      volumeThreshold: 10,
    });
    const call = breaker.fire().catch(() => undefined);
    await clock.advance(30);
    await call;
    expect(breaker.stats).toMatchObject({ timeouts: 1, failures: 1, latencyTimes: [30, 30] });
  });
});

describe('status.window', () => {
  it('holds rollingCountBuckets buckets, newest first, rotating every bucket interval', async () => {
    const { breaker, clock, run } = timed({ rollingCountTimeout: 1_000, rollingCountBuckets: 4 });
    await run(0);
    await clock.advance(250);
    await run(0);
    await run(0);
    const window = breaker.status.window;
    expect(window.map((bucket) => bucket.fires)).toEqual([2, 1, 0, 0]);
    expect(window[0]).toMatchObject({ successes: 2, latencyTimes: [0, 0], percentiles: {} });
    await clock.advance(750);
    expect(breaker.status.window.map((bucket) => bucket.fires)).toEqual([0, 0, 0, 2]);
    await clock.advance(250);
    expect(breaker.stats.fires).toBe(0);
  });

  it('marks the bucket in which the breaker opened or closed', async () => {
    const { breaker, clock } = setup(async () => 1, {
      rollingCountTimeout: 1_000,
      rollingCountBuckets: 2,
    });
    breaker.open();
    await clock.advance(500);
    breaker.close();
    const [newest, oldest] = breaker.status.window;
    expect(newest?.isCircuitBreakerOpen).toBe(false);
    expect(oldest?.isCircuitBreakerOpen).toBe(true);
  });

  it('rotates on the rotateBucketController instead of by time while enabled', async () => {
    const rotate = new EventEmitter();
    const { breaker, clock, run } = timed({
      rollingCountBuckets: 3,
      rotateBucketController: rotate,
    });
    await run(0);
    await clock.advance(60_000);
    expect(breaker.stats.fires).toBe(1);
    rotate.emit('rotate');
    expect(breaker.status.window.map((bucket) => bucket.fires)).toEqual([0, 1, 0]);
    breaker.disable();
    expect(rotate.listenerCount('rotate')).toBe(0);
    breaker.enable();
    rotate.emit('rotate');
    rotate.emit('rotate');
    expect(breaker.stats.fires).toBe(0);
    breaker.shutdown();
    expect(rotate.listenerCount('rotate')).toBe(0);
  });
});

describe("'snapshot' events", () => {
  it('emit the stats at every bucket boundary while someone listens, and stop after', async () => {
    const { breaker, clock, run } = timed({ rollingCountTimeout: 1_000, rollingCountBuckets: 10 });
    expect(clock.pendingTimers).toBe(0);
    const snapshots: number[] = [];
    const listener = (stats: Stats) => snapshots.push(stats.fires);
    breaker.status.on('snapshot', listener);
    await run(50);
    await clock.advance(250);
    expect(snapshots).toEqual([1, 1, 1]);
    breaker.status.removeListener('snapshot', listener);
    await clock.advance(1_000);
    expect(snapshots).toEqual([1, 1, 1]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('never emit with enableSnapshots: false', async () => {
    const { breaker, clock } = setup(async () => 1, { enableSnapshots: false });
    const snapshots: unknown[] = [];
    breaker.status.once('snapshot', (stats) => snapshots.push(stats));
    await clock.advance(5_000);
    expect(snapshots).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('CircuitBreaker.newStatus() and options.status', () => {
  it('starts a breaker with the stats of a plain object in its newest bucket', async () => {
    const { breaker } = setup(async () => 1, {
      status: { fires: 10, failures: 6, latencyTimes: [5, 1] },
      volumeThreshold: 10,
      timeout: false,
    });
    expect(breaker.stats).toMatchObject({ fires: 10, failures: 6, latencyTimes: [1, 5] });
    await breaker.fire();
    expect(breaker.stats.fires).toBe(11);
  });

  it('shares one Status among breakers, which then count into one window', async () => {
    const clock = new ManualClock();
    const status = CircuitBreaker.newStatus({ rollingCountBuckets: 5, clock });
    const options = { status, timeout: false as const, breakwater: { clock } };
    const a = track(new CircuitBreaker(async () => 'a', options));
    const b = track(new CircuitBreaker(async () => 'b', options));
    await a.fire();
    await b.fire();
    expect(status.stats.fires).toBe(2);
    expect(a.status.stats.fires).toBe(2);
    expect(status.window).toHaveLength(5);
  });

  it('opens on the failures of a shared window', async () => {
    const clock = new ManualClock();
    const status = CircuitBreaker.newStatus({ clock, stats: { fires: 3, failures: 3 } });
    const breaker = track(
      new CircuitBreaker(() => Promise.reject(new Error('boom')), {
        status,
        volumeThreshold: 4,
        breakwater: { clock },
      }),
    );
    await breaker.fire().catch(() => undefined);
    expect(breaker.opened).toBe(true);
  });
});
