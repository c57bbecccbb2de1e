import { isBreakerOpenError } from '@breakwater/core';
import CircuitBreaker from '@breakwater/opossum';
import { describe, expect, it } from 'vitest';
import { fireTimes, setup, switchable } from './helpers.ts';

function failing(options: ConstructorParameters<typeof CircuitBreaker>[1] = {}) {
  const { state, action } = switchable();
  state.failing = true;
  return { state, ...setup(action, { timeout: false, resetTimeout: 1_000, ...options }) };
}

describe('opening', () => {
  it('opens when failures / fires exceeds errorThresholdPercentage, not when it equals it', async () => {
    const { breaker, state } = failing({ errorThresholdPercentage: 50 });
    state.failing = false;
    await breaker.fire();
    state.failing = true;
    await fireTimes(breaker, 1);
    expect(breaker.closed).toBe(true); // 1 of 2: 50 %, not above
    await fireTimes(breaker, 1);
    expect(breaker.opened).toBe(true); // 2 of 3
  });

  it('stays closed until the window holds volumeThreshold fires', async () => {
    const { breaker } = failing({ volumeThreshold: 3 });
    await fireTimes(breaker, 2);
    expect(breaker.closed).toBe(true);
    await fireTimes(breaker, 1);
    expect(breaker.opened).toBe(true);
  });

  it('forgets failures that left the rolling window', async () => {
    const { breaker, clock, state } = failing({
      volumeThreshold: 4,
      rollingCountTimeout: 1_000,
      rollingCountBuckets: 10,
    });
    await fireTimes(breaker, 3);
    await clock.advance(1_000);
    state.failing = false;
    await fireTimes(breaker, 3);
    state.failing = true;
    await fireTimes(breaker, 1);
    expect(breaker.stats).toMatchObject({ fires: 4, failures: 1 });
    expect(breaker.closed).toBe(true);
  });

  it('never opens during the warm-up (allowWarmUp), and can right after it', async () => {
    const { breaker, clock } = failing({ allowWarmUp: true, rollingCountTimeout: 1_000 });
    expect(breaker.warmUp).toBe(true);
    await fireTimes(breaker, 5);
    expect(breaker.closed).toBe(true);
    await clock.advance(1_000);
    expect(breaker.warmUp).toBe(false);
    await fireTimes(breaker, 1);
    expect(breaker.opened).toBe(true);
  });

  it('emits fire, failure then open, and rejects the action error unchanged', async () => {
    const { breaker, events } = failing();
    const error = await breaker.fire().catch((e: unknown) => e);
    expect(error).toEqual(new Error('boom'));
    expect(CircuitBreaker.isOurError(error)).toBe(false);
    expect(events).toEqual(['fire', 'failure', 'open']);
  });
});

describe('open', () => {
  it("rejects with opossum's EOPENBREAKER without calling the action", async () => {
    const { breaker, state, events } = failing();
    await fireTimes(breaker, 1);
    const rejected: unknown[] = [];
    breaker.on('reject', (error) => rejected.push(error));
    const error = (await breaker.fire().catch((e: unknown) => e)) as Error & { code: string };
    expect(error.message).toBe('Breaker is open');
    expect(error.code).toBe('EOPENBREAKER');
    expect(CircuitBreaker.isOurError(error)).toBe(true);
    expect(rejected).toEqual([error]);
    expect(state.calls).toBe(1);
    expect(events.slice(3)).toEqual(['fire', 'reject']);
    expect(breaker.stats.rejects).toBe(1);
  });

  it("carries the core's BreakerOpenError as its cause, so Breakwater policies see a rejection", async () => {
    const { breaker } = failing();
    await fireTimes(breaker, 1);
    const error = await breaker.fire().catch((e: unknown) => e);
    expect(isBreakerOpenError(error)).toBe(true);
    expect((error as { cause: { retryAfterMs: number } }).cause.retryAfterMs).toBe(1_000);
  });

  it('emits halfOpen with resetTimeout when the open period ends, without any call', async () => {
    const { breaker, clock, events } = failing();
    const seen: number[] = [];
    breaker.on('halfOpen', (ms) => seen.push(ms));
    await fireTimes(breaker, 1);
    await clock.advance(999);
    expect([breaker.opened, breaker.halfOpen, breaker.pendingClose]).toEqual([true, false, false]);
    await clock.advance(1);
    expect([breaker.opened, breaker.halfOpen, breaker.pendingClose]).toEqual([false, true, true]);
    expect(seen).toEqual([1_000]);
    expect(events).toEqual(['fire', 'failure', 'open', 'halfOpen']);
  });
});

describe('half-open', () => {
  it('lets one trial call through; its success closes the breaker before success is emitted', async () => {
    const { breaker, clock, state, events } = failing();
    await fireTimes(breaker, 1);
    await clock.advance(1_000);
    state.failing = false;
    const trial = breaker.fire('trial');
    expect(breaker.pendingClose).toBe(false);
    const second = await breaker.fire('second').catch((e: { code: string }) => e.code);
    expect(second).toBe('EOPENBREAKER');
    await expect(trial).resolves.toBe('trial');
    expect(breaker.closed).toBe(true);
    expect(events.slice(4)).toEqual(['fire', 'fire', 'reject', 'close', 'success']);
  });

  it('re-opens when the trial call fails, and half-opens again after resetTimeout', async () => {
    const { breaker, clock, events } = failing();
    await fireTimes(breaker, 1);
    await clock.advance(1_000);
    await fireTimes(breaker, 1);
    expect(breaker.opened).toBe(true);
    await clock.advance(1_000);
    expect(breaker.halfOpen).toBe(true);
    expect(events).toEqual([
      'fire',
      'failure',
      'open',
      'halfOpen',
      'fire',
      'failure',
      'open',
      'halfOpen',
    ]);
  });
});

describe('open(), close(), disable(), enable()', () => {
  it('open() opens for resetTimeout, then half-opens; a second open() changes nothing', async () => {
    const { breaker, clock, events } = setup(async () => 1, { resetTimeout: 500 });
    breaker.open();
    await clock.advance(300);
    breaker.open();
    await clock.advance(200);
    expect(breaker.halfOpen).toBe(true);
    expect(events).toEqual(['open', 'halfOpen']);
  });

  it('open() while half-open opens again for a full resetTimeout', async () => {
    const { breaker, clock, events } = setup(async () => 1, { resetTimeout: 500 });
    breaker.open();
    await clock.advance(500);
    breaker.open();
    expect(breaker.opened).toBe(true);
    await clock.advance(499);
    expect(breaker.opened).toBe(true);
    await clock.advance(1);
    expect(events).toEqual(['open', 'halfOpen', 'open', 'halfOpen']);
  });

  it('close() closes and stops the half-open timer; close() when closed emits nothing', async () => {
    const { breaker, clock, events } = setup(async () => 1, { resetTimeout: 500 });
    breaker.close();
    breaker.open();
    breaker.close();
    expect(breaker.closed).toBe(true);
    await clock.advance(10_000);
    expect(events).toEqual(['open', 'close']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('disable() lets calls straight through, even while open, counting only fires', async () => {
    const { breaker, state, events } = failing();
    await fireTimes(breaker, 1);
    breaker.disable();
    expect(breaker.enabled).toBe(false);
    state.failing = false;
    await expect(breaker.fire('direct')).resolves.toBe('direct');
    expect(breaker.opened).toBe(true);
    expect(breaker.stats).toMatchObject({ fires: 2, successes: 0, failures: 1, rejects: 0 });
    breaker.enable();
    await expect(breaker.fire()).rejects.toThrow('Breaker is open');
    expect(events).toEqual(['fire', 'failure', 'open', 'fire', 'fire', 'reject']);
  });

  it('starts disabled with enabled: false', async () => {
    const { breaker, state } = failing({ enabled: false });
    await fireTimes(breaker, 5);
    expect(breaker.closed).toBe(true);
    expect(state.calls).toBe(5);
  });
});

describe('shutdown()', () => {
  it('emits shutdown, then rejects every call with ESHUTDOWN and keeps no listener or timer', async () => {
    const { breaker, clock, events } = failing();
    await fireTimes(breaker, 1);
    breaker.healthCheck(async () => undefined, 100);
    breaker.status.on('snapshot', () => undefined);
    breaker.shutdown();
    expect(events.at(-1)).toBe('shutdown');
    const error = (await breaker.fire().catch((e: unknown) => e)) as Error & { code: string };
    expect([error.message, error.code]).toEqual(['The circuit has been shutdown.', 'ESHUTDOWN']);
    expect(CircuitBreaker.isOurError(error)).toBe(true);
    expect(breaker.listenerCount('open')).toBe(0);
    expect(breaker.status.listenerCount('snapshot')).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    expect([breaker.isShutdown, breaker.closed, breaker.opened, breaker.halfOpen]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(breaker.enabled).toBe(false);
  });

  it('ignores open(), close() and a second shutdown() afterwards', () => {
    const { breaker, events } = setup(async () => 1);
    breaker.shutdown();
    breaker.open();
    breaker.close();
    breaker.shutdown();
    expect(breaker.isShutdown).toBe(true);
    expect(events).toEqual(['shutdown']);
  });
});
