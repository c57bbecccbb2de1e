import { ConsecutiveStrategy, CountStrategy, TimeStrategy } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

const thresholds = { failureRate: 0.5, minCalls: 4, slowCallMs: undefined, slowCallRate: 1 };

describe('ConsecutiveStrategy', () => {
  it('trips on the n-th failure in a row and reads no clock', () => {
    const strategy = new ConsecutiveStrategy(3);
    expect(strategy.usesTime).toBe(false);
    expect([strategy.onFailure(), strategy.onFailure(), strategy.onFailure()]).toEqual([
      false,
      false,
      true,
    ]);
  });
});

describe('CountStrategy', () => {
  it('does not trip before minCalls even at a 100 % failure rate', () => {
    const strategy = new CountStrategy(10, thresholds);
    expect(strategy.onFailure(0, 0)).toBe(false);
    expect(strategy.onFailure(0, 0)).toBe(false);
    expect(strategy.onFailure(0, 0)).toBe(false);
    expect(strategy.onFailure(0, 0)).toBe(true);
  });

  it('trips when the failure rate over the window reaches the threshold', () => {
    const strategy = new CountStrategy(4, thresholds);
    strategy.onSuccess(0, 0);
    strategy.onSuccess(0, 0);
    expect(strategy.onFailure(0, 0)).toBe(false);
    expect(strategy.onFailure(0, 0)).toBe(true);
  });

  it('forgets calls that fall out of the window', () => {
    const strategy = new CountStrategy(4, thresholds);
    strategy.onFailure(0, 0);
    strategy.onFailure(0, 0);
    strategy.onFailure(0, 0);
    for (let i = 0; i < 4; i++) strategy.onSuccess(0, 0);
    expect(strategy.stats()).toMatchObject({ calls: 4, failures: 0, failureRate: 0 });
    expect(strategy.onFailure(0, 0)).toBe(false);
  });

  it('trips on the slow-call rate', () => {
    const strategy = new CountStrategy(4, { ...thresholds, slowCallMs: 100, slowCallRate: 0.75 });
    expect(strategy.tracksLatency).toBe(true);
    expect(strategy.onSuccess(0, 150)).toBe(false);
    expect(strategy.onSuccess(0, 150)).toBe(false);
    expect(strategy.onSuccess(0, 10)).toBe(false);
    expect(strategy.onSuccess(0, 100)).toBe(true);
    expect(strategy.stats()).toMatchObject({ slowCalls: 3, slowCallRate: 0.75 });
  });

  it('starts empty after reset', () => {
    const strategy = new CountStrategy(4, thresholds);
    for (let i = 0; i < 3; i++) strategy.onFailure(0, 0);
    strategy.reset();
    expect(strategy.stats().calls).toBe(0);
    expect(strategy.onFailure(0, 0)).toBe(false);
  });
});

describe('TimeStrategy', () => {
  it('counts calls in the last windowMs only', () => {
    const strategy = new TimeStrategy(10_000, 10, thresholds);
    strategy.onFailure(0, 0);
    strategy.onFailure(500, 0);
    strategy.onFailure(1_500, 0);
    expect(strategy.stats(9_999)).toMatchObject({ calls: 3, failures: 3 });
    expect(strategy.stats(10_500)).toMatchObject({ calls: 1, failures: 1 });
    expect(strategy.stats(30_000)).toMatchObject({ calls: 0, failureRate: 0 });
  });

  it('trips once minCalls are in the window and the rate is reached', () => {
    const strategy = new TimeStrategy(1_000, 10, thresholds);
    strategy.onSuccess(0, 0);
    strategy.onSuccess(100, 0);
    expect(strategy.onFailure(200, 0)).toBe(false);
    expect(strategy.onFailure(300, 0)).toBe(true);
  });

  it('does not trip on failures spread wider than the window', () => {
    const strategy = new TimeStrategy(1_000, 10, thresholds);
    for (let i = 0; i < 10; i++) expect(strategy.onFailure(i * 2_000, 0)).toBe(false);
  });
});
