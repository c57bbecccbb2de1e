import CircuitBreaker from '@breakwater/opossum';
import { describe, expect, it } from 'vitest';
import { deferred, setup, switchable } from './helpers.ts';

describe('fire() and call()', () => {
  it("passes the arguments and resolves with the action's result", async () => {
    const { breaker } = setup(async (a: number, b: string) => `${b}${a}`, { timeout: false });
    await expect(breaker.fire(1, 'x')).resolves.toBe('x1');
  });

  it("runs fire()'s action with the action as `this`, and call()'s with the given context", async () => {
    const seen: unknown[] = [];
    const action = function (this: unknown) {
      seen.push(this);
      return Promise.resolve();
    };
    const { breaker } = setup(action, { timeout: false });
    const context = { id: 1 };
    await breaker.fire();
    await breaker.call(context);
    expect(seen).toEqual([action, context]);
  });

  it('emits fire with the arguments and success with the result and latency', async () => {
    const { breaker, clock } = setup(
      (ms: number) => new Promise<string>((resolve) => clock.setTimeout(() => resolve('done'), ms)),
      { timeout: false },
    );
    const fired: unknown[] = [];
    const succeeded: unknown[] = [];
    breaker.on('fire', (args) => fired.push(args));
    breaker.on('success', (result, latencyMs) => succeeded.push([result, latencyMs]));
    const call = breaker.fire(250);
    await clock.advance(250);
    await call;
    expect(fired).toEqual([[250]]);
    expect(succeeded).toEqual([['done', 250]]);
  });

  it('emits failure with the error, latency and arguments', async () => {
    const error = new Error('boom');
    const { breaker } = setup(async (_id: number) => Promise.reject(error), { timeout: false });
    const failures: unknown[] = [];
    breaker.on('failure', (err, latencyMs, args) => failures.push([err, latencyMs, args]));
    await expect(breaker.fire(7)).rejects.toBe(error);
    expect(failures).toEqual([[error, 0, [7]]]);
  });

  it('counts a synchronous throw as a failure and rejects with it', async () => {
    const error = new Error('sync');
    const { breaker, events } = setup(
      (): Promise<number> => {
        throw error;
      },
      { timeout: 100 },
    );
    await expect(breaker.fire()).rejects.toBe(error);
    expect(events).toEqual(['fire', 'failure', 'open']);
  });
});

describe('timeout', () => {
  it("fails a slow call with opossum's ETIMEDOUT, emits timeout then failure, ignores the late result", async () => {
    const late = deferred<string>();
    const { breaker, clock, events } = setup((_id: string) => late.promise, { timeout: 100 });
    const timeouts: unknown[] = [];
    breaker.on('timeout', (error, latencyMs, args) =>
      timeouts.push([error.message, latencyMs, args]),
    );
    const call = breaker.fire('a').catch((e: unknown) => e);
    await clock.advance(100);
    const error = (await call) as Error & { code: string };
    expect([error.message, error.code]).toEqual(['Timed out after 100ms', 'ETIMEDOUT']);
    expect(CircuitBreaker.isOurError(error)).toBe(true);
    expect(timeouts).toEqual([['Timed out after 100ms', 100, ['a']]]);
    late.resolve('late');
    await clock.advance(0);
    expect(events).toEqual(['fire', 'timeout', 'failure', 'open']);
    expect(breaker.stats).toMatchObject({ timeouts: 1, failures: 1, successes: 0 });
  });

  it('keeps one timer for all its deadlines, not one per call, and none once idle', async () => {
    const { breaker, clock } = setup(async () => 1, { timeout: 100, rollingCountTimeout: 1_000 });
    for (let i = 0; i < 100; i++) await breaker.fire();
    // The deadline timer and the window's rotation timer.
    expect(clock.pendingTimers).toBe(2);
    await clock.advance(1_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fails calls that time out at the same instant in one timer turn, in order', async () => {
    const { breaker, clock, events } = setup((_id: number) => new Promise<never>(() => undefined), {
      timeout: 100,
      volumeThreshold: 10,
    });
    const calls = [1, 2, 3].map((id) => breaker.fire(id).catch((e: Error) => `${id} ${e.message}`));
    await clock.advance(100);
    await expect(Promise.all(calls)).resolves.toEqual([
      '1 Timed out after 100ms',
      '2 Timed out after 100ms',
      '3 Timed out after 100ms',
    ]);
    expect(events.filter((e) => e === 'timeout')).toHaveLength(3);
  });

  it('aborts abortController on a timeout; getSignal() and getAbortController() expose it', async () => {
    const abortController = new AbortController();
    const { breaker, clock } = setup(() => new Promise<never>(() => undefined), {
      timeout: 50,
      abortController,
    });
    expect(breaker.getAbortController()).toBe(abortController);
    expect(breaker.getSignal()).toBe(abortController.signal);
    const call = breaker.fire().catch(() => undefined);
    await clock.advance(50);
    await call;
    expect(abortController.signal.aborted).toBe(true);
  });

  it('renews an aborted controller when half-opening and closing (autoRenewAbortController)', async () => {
    const { breaker, clock } = setup(() => new Promise<never>(() => undefined), {
      timeout: 50,
      resetTimeout: 100,
      autoRenewAbortController: true,
    });
    const first = breaker.getAbortController()!;
    void breaker.fire().catch(() => undefined);
    await clock.advance(50);
    expect(first.signal.aborted).toBe(true);
    expect(breaker.getAbortController()).toBe(first);
    await clock.advance(100);
    expect(breaker.halfOpen).toBe(true);
    expect(breaker.getAbortController()).not.toBe(first);
    expect(breaker.getSignal()?.aborted).toBe(false);
  });
});

describe('capacity (semaphore)', () => {
  it("rejects calls beyond capacity with opossum's ESEMLOCKED, as failures", async () => {
    const gate = deferred<string>();
    const { breaker, events } = setup(() => gate.promise, {
      timeout: false,
      capacity: 1,
      volumeThreshold: 10,
    });
    const running = breaker.fire();
    const locked: unknown[] = [];
    breaker.on('semaphoreLocked', (error, latencyMs) => locked.push([error.message, latencyMs]));
    const error = (await breaker.fire().catch((e: unknown) => e)) as Error & { code: string };
    expect([error.message, error.code]).toEqual(['Semaphore locked', 'ESEMLOCKED']);
    expect(locked).toEqual([['Semaphore locked', 0]]);
    gate.resolve('done');
    await expect(running).resolves.toBe('done');
    await expect(breaker.fire()).resolves.toBe('done');
    expect(events).toEqual([
      'fire',
      'fire',
      'semaphoreLocked',
      'failure',
      'success',
      'fire',
      'success',
    ]);
    expect(breaker.stats).toMatchObject({ semaphoreRejections: 1, failures: 1, successes: 2 });
  });

  it('frees the slot when a call times out, fails or throws', async () => {
    let mode = 'hang';
    const { breaker, clock } = setup(
      (): Promise<string> => {
        if (mode === 'throw') throw new Error('sync');
        if (mode === 'reject') return Promise.reject(new Error('async'));
        return new Promise(() => undefined);
      },
      { timeout: 10, capacity: 1, volumeThreshold: 100 },
    );
    const hung = breaker.fire().catch((e: Error) => e.message);
    await clock.advance(10);
    await expect(hung).resolves.toBe('Timed out after 10ms');
    mode = 'reject';
    await expect(breaker.fire()).rejects.toThrow('async');
    mode = 'throw';
    await expect(breaker.fire()).rejects.toThrow('sync');
    await expect(breaker.fire()).rejects.toThrow('sync');
  });
});

describe('fallback()', () => {
  it('resolves a failed call with the fallback, called with (...args, error)', async () => {
    const { state, action } = switchable();
    state.failing = true;
    const { breaker, events } = setup(action, { timeout: false });
    const seen: unknown[] = [];
    const returned = breaker.fallback((...args: unknown[]) => {
      seen.push(args);
      return 'fallback';
    });
    expect(returned).toBe(breaker);
    const results: unknown[] = [];
    breaker.on('fallback', (result, error) => results.push([result, error.message]));
    await expect(breaker.fire('x')).resolves.toBe('fallback');
    await expect(breaker.fire('y')).resolves.toBe('fallback');
    expect(seen).toEqual([
      ['x', new Error('boom')],
      ['y', expect.objectContaining({ code: 'EOPENBREAKER' })],
    ]);
    expect(results).toEqual([
      ['fallback', 'boom'],
      ['fallback', 'Breaker is open'],
    ]);
    expect(events).toEqual(['fire', 'failure', 'open', 'fallback', 'fire', 'reject', 'fallback']);
    expect(breaker.stats.fallbacks).toBe(2);
  });

  it("rejects with the fallback's error when it throws or rejects", async () => {
    const { breaker } = setup(() => Promise.reject(new Error('boom')), {
      timeout: false,
      volumeThreshold: 10,
    });
    breaker.fallback(() => {
      throw new Error('fallback threw');
    });
    await expect(breaker.fire()).rejects.toThrow('fallback threw');
    breaker.fallback(() => Promise.reject(new Error('fallback rejected')));
    await expect(breaker.fire()).rejects.toThrow('fallback rejected');
  });

  it('fires another breaker as the fallback, with the arguments and the error', async () => {
    const { breaker } = setup((_query: string) => Promise.reject(new Error('primary down')), {
      timeout: false,
    });
    const seen: unknown[] = [];
    const backup = setup(async (...args: unknown[]) => {
      seen.push(args);
      return 'backup';
    }).breaker;
    breaker.fallback(backup);
    await expect(breaker.fire('q')).resolves.toBe('backup');
    expect(seen).toEqual([['q', new Error('primary down')]]);
  });

  it('runs for timeouts and semaphore rejections too', async () => {
    const { breaker, clock } = setup(() => new Promise<string>(() => undefined), {
      timeout: 20,
      capacity: 1,
      volumeThreshold: 10,
    });
    breaker.fallback((error: Error & { code: string }) => error.code);
    const slow = breaker.fire();
    await expect(breaker.fire()).resolves.toBe('ESEMLOCKED');
    await clock.advance(20);
    await expect(slow).resolves.toBe('ETIMEDOUT');
  });
});

describe('errorFilter', () => {
  it('counts a filtered error as a success: emitted as the result, no fallback, still rejected', async () => {
    const notFound = Object.assign(new Error('not found'), { status: 404 });
    const filtered: unknown[] = [];
    const { breaker, events } = setup(async (_id: string) => Promise.reject(notFound), {
      timeout: false,
      errorFilter: (error: { status?: number }, ...args) => {
        filtered.push(args);
        return error.status === 404;
      },
    });
    breaker.fallback(() => 'unused');
    const successes: unknown[] = [];
    breaker.on('success', (result) => successes.push(result));
    await expect(breaker.fire('id-1')).rejects.toBe(notFound);
    expect(filtered).toEqual([['id-1']]);
    expect(successes).toEqual([notFound]);
    expect(events).toEqual(['fire', 'success']);
    expect(breaker.stats).toMatchObject({ successes: 1, failures: 0, fallbacks: 0 });
    expect(breaker.closed).toBe(true);
  });
});
