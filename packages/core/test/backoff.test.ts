import {
  type Backoff,
  BreakwaterConfigError,
  constantBackoff,
  decorrelatedJitterBackoff,
  exponentialBackoff,
  fibonacciBackoff,
  linearBackoff,
  ManualClock,
} from '@breakwater/core';
import { describe, expect, it } from 'vitest';

/** The first `count` delays of `backoff`, each fed the previous one, as the retry policy does. */
function delays(backoff: Backoff, count: number, clock = new ManualClock({ random: () => 0.5 })) {
  const out: number[] = [];
  let previous = 0;
  for (let attempt = 0; attempt < count; attempt++) {
    previous = backoff.delayMs(attempt, previous, () => clock.random());
    out.push(previous);
  }
  return out;
}

/** A random source that returns `values` in turn. */
function sequence(...values: number[]) {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe('constantBackoff', () => {
  it('returns the same delay every time', () => {
    expect(delays(constantBackoff(500), 4)).toEqual([500, 500, 500, 500]);
  });

  it('spreads the delay over ±jitter of its value', () => {
    const clock = new ManualClock({ random: sequence(0, 0.5, 0.75) });
    expect(delays(constantBackoff(1000, { jitter: 0.2 }), 3, clock)).toEqual([800, 1000, 1100]);
  });

  it('rejects a negative delay', () => {
    expect(() => constantBackoff(-1)).toThrow(BreakwaterConfigError);
  });
});

describe('exponentialBackoff', () => {
  it('doubles from 1 s up to the 30 s cap by default', () => {
    expect(delays(exponentialBackoff(), 7)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it('applies its factor and cap', () => {
    const backoff = exponentialBackoff({ initialMs: 100, factor: 3, maxMs: 2000 });
    expect(delays(backoff, 5)).toEqual([100, 300, 900, 2000, 2000]);
  });

  it('draws full jitter uniformly from zero to the delay', () => {
    const clock = new ManualClock({ random: sequence(0.5, 0.25, 0) });
    const backoff = exponentialBackoff({ initialMs: 100, jitter: 'full' });
    expect(delays(backoff, 3, clock)).toEqual([50, 50, 0]);
  });

  it('draws equal jitter from half the delay to the delay', () => {
    const clock = new ManualClock({ random: sequence(0.5, 0, 0.999) });
    const backoff = exponentialBackoff({ initialMs: 100, jitter: 'equal' });
    expect(delays(backoff, 3, clock)).toEqual([75, 100, 399.8]);
  });

  it('gives the same sequence for the same seed', () => {
    const backoff = exponentialBackoff({ initialMs: 100, jitter: 'full' });
    const a = delays(backoff, 6, new ManualClock({ seed: 42 }));
    expect(delays(backoff, 6, new ManualClock({ seed: 42 }))).toEqual(a);
    for (const [i, delay] of a.entries()) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(100 * 2 ** i);
    }
  });

  it('rejects unknown options and a cap below the first delay', () => {
    expect(() => exponentialBackoff({ intialMs: 5 } as never)).toThrow(/`intialMs`/);
    expect(() => exponentialBackoff({ initialMs: 100, maxMs: 50 })).toThrow(BreakwaterConfigError);
    expect(() => exponentialBackoff({ jitter: 2 })).toThrow(/`jitter`/);
  });
});

describe('linearBackoff', () => {
  it('grows by 1 s per attempt up to the 30 s cap by default', () => {
    expect(delays(linearBackoff(), 4)).toEqual([1000, 2000, 3000, 4000]);
    expect(linearBackoff().delayMs(100, 0, Math.random)).toBe(30_000);
  });

  it('adds stepMs per attempt and stops at maxMs', () => {
    const backoff = linearBackoff({ initialMs: 500, stepMs: 250, maxMs: 1200 });
    expect(delays(backoff, 5)).toEqual([500, 750, 1000, 1200, 1200]);
  });

  it('applies jitter after the cap', () => {
    const backoff = linearBackoff({ initialMs: 100, stepMs: 100, maxMs: 200, jitter: 'full' });
    expect(delays(backoff, 3)).toEqual([50, 100, 100]);
  });

  it('describes itself', () => {
    expect(linearBackoff({ initialMs: 500, stepMs: 250 }).describe()).toBe(
      'linear(500+250, max 30000)',
    );
  });

  it('rejects invalid options', () => {
    expect(() => linearBackoff({ stepMs: -1 })).toThrow(/`stepMs`/);
    expect(() => linearBackoff({ initialMs: 100, maxMs: 50 })).toThrow(/`maxMs`/);
    expect(() => linearBackoff({ step: 1 } as never)).toThrow(/`step`/);
  });
});

describe('fibonacciBackoff', () => {
  it('follows the Fibonacci numbers from 1 s, 2 s up to the 30 s cap by default', () => {
    expect(delays(fibonacciBackoff(), 9)).toEqual([
      1000, 2000, 3000, 5000, 8000, 13_000, 21_000, 30_000, 30_000,
    ]);
  });

  it('scales by initialMs and stays capped for huge attempt numbers', () => {
    const backoff = fibonacciBackoff({ initialMs: 100, maxMs: 1000 });
    expect(delays(backoff, 6)).toEqual([100, 200, 300, 500, 800, 1000]);
    expect(backoff.delayMs(1_000_000, 0, Math.random)).toBe(1000);
  });

  it('applies jitter', () => {
    const backoff = fibonacciBackoff({ initialMs: 100, jitter: 'equal' });
    expect(delays(backoff, 3)).toEqual([75, 150, 225]);
  });

  it('describes itself', () => {
    expect(fibonacciBackoff({ initialMs: 100, maxMs: 1000 }).describe()).toBe(
      'fibonacci(100, max 1000)',
    );
  });

  it('rejects invalid options', () => {
    expect(() => fibonacciBackoff({ initialMs: Number.NaN })).toThrow(/`initialMs`/);
    expect(() => fibonacciBackoff({ factor: 2 } as never)).toThrow(/`factor`/);
  });
});

describe('decorrelatedJitterBackoff', () => {
  it('starts at initialMs, then draws from [initialMs, previous × 3], capped', () => {
    expect(delays(decorrelatedJitterBackoff(), 9)).toEqual([
      1000, 2000, 3500, 5750, 9125, 14_187.5, 21_781.25, 30_000, 30_000,
    ]);
  });

  it('stays within its bounds for any random sequence', () => {
    const backoff = decorrelatedJitterBackoff({ initialMs: 100, maxMs: 5000 });
    let previous = 0;
    const clock = new ManualClock({ seed: 7 });
    for (let attempt = 0; attempt < 50; attempt++) {
      const delay = backoff.delayMs(attempt, previous, () => clock.random());
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(Math.min(5000, Math.max(100, previous * 3)));
      previous = delay;
    }
  });

  it('rejects invalid options', () => {
    expect(() => decorrelatedJitterBackoff({ initialMs: -1 })).toThrow(/`initialMs`/);
    expect(() => decorrelatedJitterBackoff({ jitter: 0.1 } as never)).toThrow(/`jitter`/);
  });
});
