import { isBreakwaterConfigError, ManualClock } from '@breakwater/core';
import CircuitBreaker from '@breakwater/opossum';
import { describe, expect, it } from 'vitest';
import { fireTimes, setup, track } from './helpers.ts';

describe('healthCheck()', () => {
  it('runs the check now and every interval, with the breaker as `this`', async () => {
    const { breaker, clock } = setup(async () => 1);
    const runs: unknown[] = [];
    breaker.healthCheck(function (this: unknown) {
      runs.push(this);
      return Promise.resolve();
    }, 1_000);
    expect(runs).toEqual([breaker]);
    await clock.advance(3_000);
    expect(runs).toHaveLength(4);
  });

  it('emits healthCheckFailed and opens the breaker when the check rejects or throws', async () => {
    const { breaker, clock, events } = setup(async () => 1, { resetTimeout: 10_000 });
    const failures: unknown[] = [];
    breaker.on('healthCheckFailed', (error) => failures.push(error.message));
    let mode: 'reject' | 'throw' = 'reject';
    breaker.healthCheck(() => {
      if (mode === 'throw') throw new Error('threw');
      return Promise.reject(new Error('rejected'));
    }, 5_000);
    await clock.advance(0);
    expect(breaker.opened).toBe(true);
    mode = 'throw';
    await clock.advance(5_000);
    expect(failures).toEqual(['rejected', 'threw']);
    expect(events).toEqual(['healthCheckFailed', 'open', 'healthCheckFailed']);
  });

  it("defaults the interval to 5 s and throws opossum's TypeErrors for bad arguments", async () => {
    const { breaker, clock } = setup(async () => 1);
    let runs = 0;
    breaker.healthCheck(async () => {
      runs++;
    });
    await clock.advance(5_000);
    expect(runs).toBe(2);
    expect(() => breaker.healthCheck('nope' as never)).toThrow(
      new TypeError('Health check function must be a function'),
    );
    expect(() => breaker.healthCheck(async () => undefined, 'soon' as never)).toThrow(
      new TypeError('Health check interval must be a number'),
    );
    let thrown: unknown;
    try {
      breaker.healthCheck(async () => undefined, -5);
    } catch (error) {
      thrown = error;
    }
    expect(isBreakwaterConfigError(thrown)).toBe(true);
  });
});

describe('toJSON() and options.state', () => {
  it("reports opossum's state and the stats", async () => {
    const { breaker, clock } = setup(() => Promise.reject(new Error('boom')), { name: 'api' });
    await fireTimes(breaker, 1);
    expect(breaker.toJSON()).toEqual({
      state: {
        name: 'api',
        enabled: true,
        closed: false,
        open: true,
        halfOpen: false,
        warmUp: false,
        shutdown: false,
        lastTimerAt: clock.now(),
      },
      status: breaker.stats,
    });
    expect(JSON.parse(JSON.stringify(breaker)).state.open).toBe(true);
  });

  it('restores an open state for what is left of resetTimeout, then half-opens', async () => {
    const clock = new ManualClock();
    const saved = { closed: false, open: true, halfOpen: false, lastTimerAt: clock.now() - 400 };
    const breaker = track(
      new CircuitBreaker(async () => 1, {
        state: saved,
        resetTimeout: 1_000,
        breakwater: { clock },
      }),
    );
    expect(breaker.opened).toBe(true);
    await expect(breaker.fire()).rejects.toThrow('Breaker is open');
    await clock.advance(600);
    expect(breaker.halfOpen).toBe(true);
    expect(breaker.toJSON().state.lastTimerAt).toBe(saved.lastTimerAt);
  });

  it('restores a half-open state pending close, and one whose resetTimeout passed as half-open', async () => {
    const clock = new ManualClock();
    for (const state of [
      { closed: false, halfOpen: true },
      { closed: false, halfOpen: false, lastTimerAt: clock.now() - 30_000 },
    ]) {
      const breaker = track(
        new CircuitBreaker(async () => 'trial', { state, breakwater: { clock } }),
      );
      expect([breaker.halfOpen, breaker.pendingClose]).toEqual([true, true]);
      await expect(breaker.fire()).resolves.toBe('trial');
      expect(breaker.closed).toBe(true);
    }
  });

  it('restores enabled, warmUp and shutdown', () => {
    const clock = new ManualClock();
    const breaker = (state: object) =>
      track(new CircuitBreaker(async () => 1, { state, breakwater: { clock } }));
    expect(breaker({ enabled: false }).enabled).toBe(false);
    expect(breaker({ warmUp: true }).warmUp).toBe(true);
    expect(breaker({ shutdown: true }).isShutdown).toBe(true);
  });
});

describe('CircuitBreaker.isOurError()', () => {
  it('is false for anything the breaker did not create', () => {
    expect(CircuitBreaker.isOurError(new Error('Breaker is open'))).toBe(false);
    expect(CircuitBreaker.isOurError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' }))).toBe(
      false,
    );
    expect(CircuitBreaker.isOurError(undefined)).toBe(false);
    expect(CircuitBreaker.isOurError('EOPENBREAKER')).toBe(false);
  });

  it("is plain Error to its readers: name 'Error', an enumerable code, a message-only stack", async () => {
    const { breaker } = setup(async () => 1);
    breaker.open();
    const error = (await breaker.fire().catch((e: unknown) => e)) as Error & { code: string };
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('Error');
    expect(Object.keys(error)).toContain('code');
    expect(String(error)).toBe('Error: Breaker is open');
    expect(error.stack).toBe('Error: Breaker is open');
  });
});
