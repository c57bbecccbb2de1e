import { CircuitBreaker, ManualClock } from '@breakwater/core';
import {
  type AdaptiveTrip,
  type AdaptiveWindowStats,
  type StateChangeEvent,
  seededRandom,
} from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';
import { type Condition, offer, ScriptedDependency } from './trafficModel.ts';

const adaptive = {
  type: 'adaptive',
  windowMs: 10_000,
  bucketCount: 5,
  halfLifeMs: 60_000,
  warmupMs: 30_000,
} as const;

/** 50 calls a second through a breaker with the adaptive strategy, against a scripted dependency. */
function setup(condition: (t: number) => Condition, strategy: Record<string, unknown> = {}) {
  const clock = new ManualClock({ random: seededRandom(42) });
  const dependency = new ScriptedDependency(clock, seededRandom(9), condition);
  const breaker = new CircuitBreaker({
    name: 'exchange',
    clock,
    openMs: 5_000,
    strategy: { ...adaptive, ...strategy } as never,
  });
  const window = () => breaker.snapshot().window as AdaptiveWindowStats;
  const opened: StateChangeEvent[] = [];
  /** Why each opening happened, as the snapshot told it then. */
  const trips: AdaptiveTrip[] = [];
  breaker.on('stateChange', (event) => {
    if (event.to !== 'open') return;
    opened.push(event);
    trips.push(window().lastTrip!);
  });
  const run = (ms: number) => offer(clock, ms, 100, 5, () => breaker.execute(dependency.call));
  return { clock, dependency, breaker, opened, trips, run, window };
}

const steady =
  (failureRate: number, latencyMs = 20) =>
  () => ({ failureRate, latencyMs });

describe('adaptive strategy (learned threshold)', () => {
  it('learns a steady dependency and never opens on its normal failures', async () => {
    const { opened, run, window } = setup(steady(0.05));
    await run(300_000);
    expect(opened).toEqual([]);
    const stats = window();
    expect(stats.phase).toBe('learned');
    expect(stats.baseline.failureRate).toBeGreaterThan(0.03);
    expect(stats.baseline.failureRate).toBeLessThan(0.07);
    expect(stats.baseline.latencyMs).toBeGreaterThan(19);
    expect(stats.baseline.latencyMs).toBeLessThan(21);
    expect(stats.latencyMs).toBeCloseTo(20, 0);
    // 5 % + 3σ of per-bucket rates (100 calls a bucket); the latency floor of 100 ms.
    expect(stats.threshold.failureRate).toBeGreaterThan(0.1);
    expect(stats.threshold.failureRate).toBeLessThan(0.15);
    expect(stats.threshold.latencyMs).toBe(100);
    expect(stats.why).toMatch(
      /^baseline failure rate 0\.0\d+ ± 0\.0\d+, latency [\d.]+ ± [\d.]+ ms; failure rate 0\.\d+ vs threshold 0\.1\d*, latency [\d.]+ ms vs 100 ms\.$/,
    );
  });

  it('opens within seconds of a sudden outage, and explains why', async () => {
    let outageAt = Infinity;
    const { clock, opened, run, window } = setup((t) =>
      t >= outageAt ? { failureRate: 1, latencyMs: 5 } : { failureRate: 0.05, latencyMs: 20 },
    );
    await run(120_000);
    outageAt = clock.monotonic();
    const outageStartedAt = clock.now();
    await run(5_000);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.reason).toBe('failures');
    expect(opened[0]!.at - outageStartedAt).toBeLessThan(1_000);
    const trip = window().lastTrip!;
    expect(trip.reason).toBe('failureRate');
    expect(trip.threshold).toBeLessThan(0.15);
    expect(trip.current).toBeGreaterThanOrEqual(trip.threshold);
    expect(trip.current).toBeLessThan(0.2);
    expect(window().why).toMatch(
      /Last opened on failure rate 0\.1\d* above 0\.1\d* \(baseline 0\.0\d+\)\.$/,
    );
  });

  it('tolerates a volatile hour it has learned, where a fixed threshold would open', async () => {
    const { breaker, opened, run, window } = setup(steady(0.3));
    await run(600_000);
    expect(opened).toEqual([]);
    expect(window().baseline.failureRate).toBeGreaterThan(0.27);
    expect(window().threshold.failureRate).toBeGreaterThan(0.35);

    // The same traffic through a fixed 25 % threshold opens.
    const clock = new ManualClock({ random: seededRandom(42) });
    const dependency = new ScriptedDependency(clock, seededRandom(9), steady(0.3));
    const fixed = new CircuitBreaker({ clock, strategy: { windowMs: 10_000, failureRate: 0.25 } });
    await offer(clock, 60_000, 100, 5, () => fixed.execute(dependency.call));
    expect(fixed.snapshot().counters.transitions['closed->open']).toBeGreaterThan(0);
    fixed.dispose();
    breaker.dispose();
  });

  it('opens at night on a failure rate a fixed 50 % threshold would let through', async () => {
    let errorsFrom = Infinity;
    const { clock, opened, trips, run } = setup((t) => ({
      failureRate: t >= errorsFrom ? 0.25 : 0.01,
      latencyMs: 20,
    }));
    await run(120_000);
    errorsFrom = clock.monotonic();
    const startedAt = clock.now();
    await run(20_000);
    expect(opened.length).toBeGreaterThanOrEqual(1);
    expect(opened[0]!.at - startedAt).toBeLessThan(5_000);
    expect(trips[0]).toMatchObject({ reason: 'failureRate', threshold: 0.1 });
  });

  it('opens on latency during a slow brown-out, long before calls fail', async () => {
    let rampFrom = Infinity;
    const { clock, opened, trips, run } = setup((t) => ({
      failureRate: 0.02,
      // From 20 ms up by 5 ms every second.
      latencyMs: t < rampFrom ? 20 : 20 + ((t - rampFrom) / 1000) * 5,
    }));
    await run(120_000);
    rampFrom = clock.monotonic();
    const startedAt = clock.now();
    await run(60_000);
    expect(opened.length).toBeGreaterThanOrEqual(1);
    // Calls reach 100 ms 16 s into the ramp; the window's mean follows a few seconds later.
    expect(opened[0]!.at - startedAt).toBeLessThan(25_000);
    expect(trips[0]!.reason).toBe('latency');
    expect(trips[0]!.threshold).toBe(100);
    expect(trips[0]!.current).toBeLessThan(110);
    // The baseline learned part of the ramp (half-life 60 s), never all of it.
    expect(trips[0]!.baseline).toBeLessThan(40);
  });

  it('recovers after an outage with its baseline intact, and does not open again', async () => {
    let outage = [Infinity, Infinity];
    const { clock, breaker, opened, run, window } = setup((t) =>
      t >= outage[0]! && t < outage[1]!
        ? { failureRate: 1, latencyMs: 5 }
        : { failureRate: 0.05, latencyMs: 20 },
    );
    await run(120_000);
    const before = window().baseline;
    outage = [clock.monotonic(), clock.monotonic() + 30_000];
    await run(30_000);
    expect(opened.length).toBeGreaterThanOrEqual(1);
    const openings = opened.length;
    await run(120_000);
    expect(breaker.state).toBe('closed');
    expect(opened.length).toBe(openings);
    const after = window().baseline;
    expect(after.failureRate).toBeLessThan(0.08);
    expect(Math.abs(after.failureRate - before.failureRate)).toBeLessThan(0.03);
    expect(window().threshold.failureRate).toBeLessThan(0.15);
  });

  it('uses the ceilings while warming up', async () => {
    const { breaker, opened, run, window } = setup(steady(0.5));
    await run(20_000);
    expect(window().phase).toBe('warmup');
    expect(window().threshold).toEqual({ failureRate: 0.8, latencyMs: 30_000 });
    expect(window().why).toMatch(/^warming up \(\d+ of 30000 ms learned\)/);
    expect(opened).toEqual([]);
    breaker.dispose();
    const loud = setup(steady(0.95));
    await loud.run(5_000);
    expect(loud.opened).toHaveLength(1);
  });

  it('rejects bad options naming them', () => {
    const build = (strategy: Record<string, unknown>) =>
      new CircuitBreaker({ strategy: { type: 'adaptive', ...strategy } as never });
    expect(() => build({ minFailureRate: 0.9, maxFailureRate: 0.5 })).toThrow(
      /`strategy\.minFailureRate`.*no greater than `maxFailureRate`/,
    );
    expect(() => build({ minLatencyMs: 500, maxLatencyMs: 100 })).toThrow(
      /`strategy\.minLatencyMs`/,
    );
    expect(() => build({ halfLifeMs: 0 })).toThrow(/`strategy\.halfLifeMs`/);
    expect(() => build({ deviations: -1 })).toThrow(/`strategy\.deviations`/);
    expect(() => build({ k: 2 })).toThrow(/`strategy\.k`/);
  });
});

describe('adaptive strategy with latency off', () => {
  it('keeps the plain closed path and still opens on a learned failure rate', async () => {
    let outageAt = Infinity;
    const { clock, opened, run, window } = setup(
      (t) =>
        t >= outageAt ? { failureRate: 1, latencyMs: 5 } : { failureRate: 0.05, latencyMs: 500 },
      { minLatencyMs: Number.POSITIVE_INFINITY, maxLatencyMs: Number.POSITIVE_INFINITY },
    );
    await run(120_000);
    // Half-second calls would open it on latency (floor 100 ms) with latency on.
    expect(opened).toEqual([]);
    expect(window().threshold.latencyMs).toBe(Number.POSITIVE_INFINITY);
    outageAt = clock.monotonic();
    await run(5_000);
    expect(opened).toHaveLength(1);
    expect(window().lastTrip?.reason).toBe('failureRate');
  });
});
