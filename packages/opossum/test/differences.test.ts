import { ManualClock } from '@breakwater/core';
import CircuitBreaker from '@breakwater/opossum';
import Opossum from 'opossum';
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, fireTimes, setup, track } from './helpers.ts';

/**
 * Where opossum 10 is wrong, the drop-in does the right thing behind the same API. Each test shows
 * our behaviour and, where it is cheap to show, opossum's; the README's migration section lists
 * them. If opossum fixes one, its assertion here fails and the README needs updating.
 */

const opossums: Opossum[] = [];
afterEach(() => {
  for (const breaker of opossums.splice(0)) breaker.shutdown();
});
function opossum<TI extends unknown[], TR>(
  action: (...args: TI) => Promise<TR>,
  options: Opossum.Options = {},
) {
  const breaker = new Opossum(action, { timeout: false, ...options });
  opossums.push(breaker as Opossum);
  return breaker;
}

describe('differences from opossum', () => {
  it("a listener that throws does not turn the call's success into a failure", async () => {
    const errors: unknown[] = [];
    const { breaker } = setup(async () => 'ok', {
      timeout: false,
      breakwater: { onListenerError: (error) => errors.push(error) },
    });
    breaker.on('success', () => {
      throw new Error('listener bug');
    });
    await expect(breaker.fire()).resolves.toBe('ok');
    expect(breaker.stats).toMatchObject({ successes: 1, failures: 0 });
    expect(errors).toEqual([new Error('listener bug')]);

    const theirs = opossum(async () => 'ok');
    theirs.on('success', () => {
      throw new Error('listener bug');
    });
    await expect(theirs.fire()).rejects.toThrow('listener bug');
    expect(theirs.stats).toMatchObject({ successes: 1, failures: 1 });
  });

  it('an action that returns undefined or null resolves with it', async () => {
    const { breaker } = setup(() => undefined, { timeout: false });
    await expect(breaker.fire()).resolves.toBeUndefined();
    expect(breaker.stats.failures).toBe(0);

    const theirs = opossum(() => undefined as unknown as Promise<void>);
    await expect(theirs.fire()).rejects.toThrow(TypeError);
  });

  it('a disabled breaker rejects with a synchronous throw instead of throwing it', async () => {
    const action = (): Promise<never> => {
      throw new Error('sync');
    };
    const { breaker } = setup(action, { enabled: false });
    const call = breaker.fire();
    await expect(call).rejects.toThrow('sync');

    const theirs = opossum(action, { enabled: false });
    expect(() => theirs.fire()).toThrow('sync');
  });

  it('an errorFilter that throws still lets the call settle (reported, counted as a failure)', async () => {
    const errors: unknown[] = [];
    const { breaker } = setup(() => Promise.reject(new Error('boom')), {
      timeout: false,
      errorFilter: () => {
        throw new Error('filter bug');
      },
      breakwater: { onListenerError: (error, source) => errors.push([source, error]) },
    });
    await expect(breaker.fire()).rejects.toThrow('boom');
    expect(breaker.stats.failures).toBe(1);
    expect(errors).toEqual([['errorFilter', new Error('filter bug')]]);
  });

  it('only the trial call decides a half-open breaker: a call from before the opening does not', async () => {
    const stale = deferred<string>();
    let failNext = false;
    const { breaker, clock, events } = setup(
      (mode: string) => {
        if (mode === 'stale') return stale.promise;
        if (failNext) return Promise.reject(new Error('boom'));
        return Promise.resolve(mode);
      },
      { timeout: false, resetTimeout: 1_000, errorThresholdPercentage: 10 },
    );
    const slow = breaker.fire('stale');
    failNext = true;
    await fireTimes(breaker, 1, 'fail');
    await clock.advance(1_000);
    expect(breaker.halfOpen).toBe(true);
    stale.resolve('late');
    await expect(slow).resolves.toBe('late');
    // opossum closes here: any success while half-open does.
    expect([breaker.halfOpen, breaker.pendingClose]).toEqual([true, true]);
    failNext = false;
    await expect(breaker.fire('trial')).resolves.toBe('trial');
    expect(breaker.closed).toBe(true);
    expect(events.filter((e) => e !== 'fire' && e !== 'success')).toEqual([
      'failure',
      'open',
      'halfOpen',
      'close',
    ]);
  });

  it('a trial call that never settles does not keep the breaker half-open for ever', async () => {
    const { breaker, clock, events } = setup(() => new Promise<never>(() => undefined), {
      timeout: false,
      resetTimeout: 1_000,
      breakwater: { halfOpen: { probeTimeoutMs: 5_000 } },
    });
    breaker.open();
    await clock.advance(1_000);
    void breaker.fire();
    await expect(breaker.fire()).rejects.toThrow('Breaker is open');
    await clock.advance(5_000);
    // The next call finds the trial expired: a failed trial, so the breaker opens again.
    await expect(breaker.fire()).rejects.toThrow('Breaker is open');
    expect(breaker.opened).toBe(true);
    await clock.advance(1_000);
    expect(breaker.pendingClose).toBe(true);
    expect(events.filter((e) => e === 'open' || e === 'halfOpen')).toEqual([
      'open',
      'halfOpen',
      'open',
      'halfOpen',
    ]);
  });

  it('a trial call that fails during the warm-up opens the breaker again', async () => {
    const { breaker, clock } = setup(() => Promise.reject(new Error('boom')), {
      timeout: false,
      allowWarmUp: true,
      rollingCountTimeout: 60_000,
      resetTimeout: 1_000,
    });
    breaker.open();
    await clock.advance(1_000);
    await fireTimes(breaker, 1);
    // opossum returns early from its check during the warm-up: half-open, no trial slot, for ever.
    expect(breaker.opened).toBe(true);
    await clock.advance(1_000);
    expect(breaker.pendingClose).toBe(true);
  });

  it('the half-open period starts when resetTimeout has passed, however late the timer is', async () => {
    const { breaker } = setup(() => Promise.reject(new Error('boom')), {
      timeout: false,
      resetTimeout: 0,
    });
    await fireTimes(breaker, 1);
    // opossum rejects until its 0 ms timer has run; the core half-opens on this call.
    await expect(breaker.fire()).rejects.toThrow('boom');
  });

  it('health checks stop at shutdown', async () => {
    const { breaker, clock } = setup(async () => 1);
    let runs = 0;
    breaker.healthCheck(async () => {
      runs++;
    }, 100);
    breaker.shutdown();
    await clock.advance(1_000);
    expect(runs).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('an idle breaker runs no timer, so it needs no shutdown() to be freed', async () => {
    const { breaker, clock } = setup(async () => 1, { timeout: false, rollingCountTimeout: 1_000 });
    // opossum runs two intervals per breaker from construction to shutdown().
    expect(clock.pendingTimers).toBe(0);
    await breaker.fire();
    expect(clock.pendingTimers).toBe(1); // rotating the window while it holds the call
    await clock.advance(1_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a restored open state stays open only for what is left of resetTimeout', async () => {
    const clock = new ManualClock();
    const breaker = track(
      new CircuitBreaker(async () => 1, {
        resetTimeout: 10_000,
        state: { closed: false, lastTimerAt: clock.now() - 9_000 },
        breakwater: { clock },
      }),
    );
    await clock.advance(1_000);
    expect(breaker.halfOpen).toBe(true);
  });

  it('toJSON().state.lastTimerAt is when the breaker last opened, not when it was created', async () => {
    const { breaker, clock } = setup(async () => 1);
    expect(breaker.toJSON().state.lastTimerAt).toBeUndefined();
    await clock.advance(5_000);
    breaker.open();
    expect(breaker.toJSON().state.lastTimerAt).toBe(clock.now());
  });

  it('coalescing never shares a semaphore rejection', async () => {
    const gate = deferred<string>();
    const { breaker } = setup((_key: string) => gate.promise, {
      timeout: false,
      capacity: 1,
      coalesce: true,
      cacheGetKey: (key) => key,
      volumeThreshold: 100,
    });
    const running = breaker.fire('a');
    await expect(breaker.fire('b')).rejects.toThrow('Semaphore locked');
    gate.resolve('v');
    await running;
    // opossum keeps serving the ESEMLOCKED rejection to 'b' until coalesceTTL (here: for ever).
    await expect(breaker.fire('b')).resolves.toBe('v');
  });

  it('measures latencies once someone can see them: a stats read or a latency listener', async () => {
    const clock = new ManualClock();
    const breaker = track(
      new CircuitBreaker(
        (ms: number) => new Promise<number>((resolve) => clock.setTimeout(() => resolve(ms), ms)),
        { timeout: false, breakwater: { clock } },
      ),
    );
    const run = async (ms: number) => {
      const call = breaker.fire(ms);
      await clock.advance(ms);
      await call;
    };
    // Nobody looks: no clock read per call (opossum reads Date.now() twice).
    await run(100);
    expect(breaker.stats).toMatchObject({ successes: 1, latencyTimes: [] });
    await run(50);
    expect(breaker.stats).toMatchObject({ successes: 2, latencyTimes: [50], latencyMean: 50 });
  });

  it('measures every latency from the start for a listener added at once', async () => {
    const { breaker, clock } = setup(
      (ms: number) => new Promise<number>((resolve) => clock.setTimeout(() => resolve(ms), ms)),
      { timeout: false },
    );
    const latencies: number[] = [];
    breaker.on('success', (_result, latencyMs) => latencies.push(latencyMs));
    const call = breaker.fire(30);
    await clock.advance(30);
    await call;
    expect(latencies).toEqual([30]);
    expect(breaker.stats.latencyTimes).toEqual([30]);
  });

  it('isShutdown stays true whatever is called after shutdown()', () => {
    const { breaker } = setup(async () => 1);
    breaker.shutdown();
    breaker.open();
    expect(breaker.isShutdown).toBe(true);
  });
});
