import {
  type Backoff,
  BreakerOpenError,
  BreakwaterConfigError,
  type CallContext,
  CircuitBreaker,
  constantBackoff,
  decorrelatedJitterBackoff,
  type ExecuteOptions,
  exponentialBackoff,
  failure,
  fibonacciBackoff,
  isBreakerOpenError,
  linearBackoff,
  ManualClock,
  pipeline,
  RetryBudget,
  type RetryPolicyOptions,
  retry,
  timeout,
} from '@breakwater/core';
import type { GiveUpEvent, RetryEvent } from '@breakwater/core/adapter';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const idempotent: ExecuteOptions = { context: { idempotent: true } };

/** A connection reset, which the default classifier calls a `network` failure. */
function resetError(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/** An error carrying an HTTP response, as axios, got and ky throw. */
function httpError(status: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`HTTP ${status}`), { response: { status, headers } });
}

/** Captures a promise's result at once, so a rejection is never unhandled while time moves. */
function settle<T>(promise: Promise<T>) {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** A policy on a fresh ManualClock, with events recorded. */
function setup(options: RetryPolicyOptions = {}) {
  const clock = new ManualClock({ random: () => 0.5 });
  const policy = retry({ clock, ...options });
  const retries: RetryEvent[] = [];
  const giveUps: GiveUpEvent[] = [];
  policy.on('retry', (event) => retries.push(event));
  policy.on('giveUp', (event) => giveUps.push(event));
  return { clock, policy, retries, giveUps };
}

/** An action failing `failures` times with `error()`, then resolving `'ok'`; records call times. */
function flaky(clock: ManualClock, failures: number, error: () => unknown = resetError) {
  const times: number[] = [];
  const action = async () => {
    times.push(clock.monotonic());
    if (times.length <= failures) throw error();
    return 'ok';
  };
  return { action, times };
}

describe('RetryPolicy', () => {
  it('retries a transient failure and returns the first success', async () => {
    const { clock, policy, retries } = setup({ backoff: constantBackoff(100) });
    const { action, times } = flaky(clock, 2);
    const result = settle(policy.execute(action, idempotent));
    await clock.advance(200);
    expect(await result).toEqual({ ok: true, value: 'ok' });
    expect(times).toEqual([0, 100, 200]);
    expect(retries).toEqual([
      { attempt: 1, delayMs: 100, category: 'network' },
      { attempt: 2, delayMs: 100, category: 'network' },
    ]);
  });

  it('makes 3 attempts by default, then rethrows the last error', async () => {
    const { clock, policy, giveUps } = setup();
    const errors: Error[] = [];
    const result = settle(
      policy.execute(async () => {
        errors.push(resetError());
        throw errors.at(-1);
      }, idempotent),
    );
    await clock.advance(10_000);
    const settled = await result;
    expect(errors).toHaveLength(3);
    expect(settled).toEqual({ ok: false, error: errors[2] });
    expect(giveUps).toEqual([{ attempts: 3, reason: 'maxAttempts', category: 'network' }]);
  });

  it('waits 150 ms then 300 ms by default (exponential from 200 ms, equal jitter)', async () => {
    const { clock, policy } = setup();
    const { action, times } = flaky(clock, 2);
    const result = settle(policy.execute(action, idempotent));
    await clock.advance(1_000);
    expect((await result).ok).toBe(true);
    expect(times).toEqual([0, 150, 450]);
  });

  const sequences: [string, Backoff, number[]][] = [
    ['constant', constantBackoff(250), [250, 250, 250, 250]],
    ['constant with jitter', constantBackoff(1000, { jitter: 0.5 }), [1000, 1000, 1000, 1000]],
    ['linear', linearBackoff({ initialMs: 100, stepMs: 50 }), [100, 150, 200, 250]],
    ['exponential', exponentialBackoff({ initialMs: 100, maxMs: 500 }), [100, 200, 400, 500]],
    [
      'exponential, full jitter',
      exponentialBackoff({ initialMs: 100, jitter: 'full' }),
      [50, 100, 200, 400],
    ],
    [
      'exponential, equal jitter',
      exponentialBackoff({ initialMs: 100, jitter: 'equal' }),
      [75, 150, 300, 600],
    ],
    ['fibonacci', fibonacciBackoff({ initialMs: 100 }), [100, 200, 300, 500]],
    ['decorrelated jitter', decorrelatedJitterBackoff({ initialMs: 100 }), [100, 200, 350, 575]],
  ];

  it.each(sequences)(
    'waits the %s backoff sequence between attempts',
    async (_name, backoff, expected) => {
      const { clock, policy, retries } = setup({ backoff, maxAttempts: 5 });
      const { action, times } = flaky(clock, 4);
      const result = settle(policy.execute(action, idempotent));
      await clock.advance(expected.reduce((a, b) => a + b));
      expect((await result).ok).toBe(true);
      expect(retries.map((event) => event.delayMs)).toEqual(expected);
      const gaps = times.slice(1).map((time, i) => time - times[i]!);
      expect(gaps).toEqual(expected);
    },
  );

  it('does not start the next attempt before the delay is over', async () => {
    const { clock, policy } = setup({ backoff: constantBackoff(1000) });
    const { action, times } = flaky(clock, 1);
    const result = settle(policy.execute(action, idempotent));
    await clock.advance(999);
    expect(times).toHaveLength(1);
    await clock.advance(1);
    expect(times).toHaveLength(2);
    expect((await result).ok).toBe(true);
  });

  it('gives up when the next wait would end after maxElapsedMs', async () => {
    const { clock, policy, giveUps } = setup({
      backoff: constantBackoff(1000),
      maxAttempts: Infinity,
      maxElapsedMs: 2_500,
    });
    const times: number[] = [];
    const result = settle(
      policy.execute(async () => {
        times.push(clock.monotonic());
        // Each attempt takes 300 ms, which counts toward the elapsed time.
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 300));
        throw resetError();
      }, idempotent),
    );
    await clock.advance(10_000);
    expect((await result).ok).toBe(false);
    expect(times).toEqual([0, 1300]);
    expect(giveUps).toEqual([{ attempts: 2, reason: 'maxElapsed', category: 'network' }]);
    expect(clock.pendingTimers).toBe(0);
  });

  describe('Retry-After', () => {
    it("waits at least the server's Retry-After", async () => {
      const { clock, policy, retries } = setup({ backoff: constantBackoff(100) });
      const { action, times } = flaky(clock, 1, () => httpError(429, { 'retry-after': '5' }));
      const result = settle(policy.execute(action, idempotent));
      await clock.advance(4_999);
      expect(times).toHaveLength(1);
      await clock.advance(1);
      expect(await result).toEqual({ ok: true, value: 'ok' });
      expect(times).toEqual([0, 5_000]);
      expect(retries).toEqual([
        { attempt: 1, delayMs: 5_000, category: 'rate_limit', retryAfterMs: 5_000 },
      ]);
    });

    it('keeps a backoff delay longer than the Retry-After', async () => {
      const { clock, policy } = setup({ backoff: constantBackoff(8_000) });
      const { action, times } = flaky(clock, 1, () => httpError(503, { 'retry-after': '5' }));
      const result = settle(policy.execute(action, idempotent));
      await clock.advance(8_000);
      expect((await result).ok).toBe(true);
      expect(times).toEqual([0, 8_000]);
    });

    it('gives up at once when the Retry-After is longer than maxDelayMs', async () => {
      const { clock, policy, giveUps } = setup({ maxDelayMs: 30_000 });
      const error = httpError(429, { 'retry-after': '31' });
      const { action, times } = flaky(clock, 1, () => error);
      const result = await settle(policy.execute(action, idempotent));
      expect(result).toEqual({ ok: false, error });
      expect(times).toHaveLength(1);
      expect(clock.pendingTimers).toBe(0);
      expect(giveUps).toEqual([
        { attempts: 1, reason: 'retryAfterTooLong', category: 'rate_limit' },
      ]);
    });

    it('gives up on an endless ban even without a maxDelayMs', async () => {
      const { clock, policy, giveUps } = setup({
        maxDelayMs: Infinity,
        classify: () => failure('rate_limit', { retryAfterMs: Infinity }),
      });
      const { action } = flaky(clock, 1);
      expect((await settle(policy.execute(action, idempotent))).ok).toBe(false);
      expect(giveUps[0]?.reason).toBe('retryAfterTooLong');
    });

    it('cuts a backoff delay longer than maxDelayMs', async () => {
      const { clock, policy, retries } = setup({
        backoff: constantBackoff(60_000),
        maxDelayMs: 1_000,
      });
      const { action } = flaky(clock, 1);
      const result = settle(policy.execute(action, idempotent));
      await clock.advance(1_000);
      expect((await result).ok).toBe(true);
      expect(retries[0]?.delayMs).toBe(1_000);
    });
  });

  describe('what is never retried', () => {
    it('stops at once when a breaker rejects the call, without waiting', async () => {
      const { clock, policy, giveUps, retries } = setup();
      const open = new BreakerOpenError('https://api.example.com', 'open', 5_000);
      let calls = 0;
      const result = await settle(
        policy.execute(async () => {
          calls++;
          throw open;
        }, idempotent),
      );
      expect(result).toEqual({ ok: false, error: open });
      expect(calls).toBe(1);
      expect(retries).toEqual([]);
      expect(clock.pendingTimers).toBe(0);
      expect(giveUps).toEqual([{ attempts: 1, reason: 'rejected', category: 'rejected' }]);
    });

    it('stops when a breaker opens between attempts', async () => {
      const { clock, policy, giveUps } = setup({ backoff: constantBackoff(100), maxAttempts: 10 });
      const { action, times } = flaky(clock, 10, () =>
        times.length < 3 ? resetError() : BreakerOpenError.fast('api', 'open', 30_000),
      );
      const result = settle(policy.execute(action, idempotent));
      await clock.advance(1_000);
      expect((await result).ok).toBe(false);
      expect(times).toEqual([0, 100, 200]);
      expect(giveUps).toEqual([{ attempts: 3, reason: 'rejected', category: 'rejected' }]);
    });

    it('does not retry a call whose idempotency is unknown', async () => {
      const { clock, policy, giveUps } = setup();
      const { action, times } = flaky(clock, 1);
      expect((await settle(policy.execute(action))).ok).toBe(false);
      expect(times).toHaveLength(1);
      expect(giveUps).toEqual([{ attempts: 1, reason: 'notIdempotent', category: 'network' }]);
    });

    it('does not retry a non-idempotent call such as an order', async () => {
      const { clock, policy } = setup({ retryUnknownIdempotency: true });
      const { action, times } = flaky(clock, 1, () => httpError(502));
      const context: CallContext = { method: 'POST', endpoint: 'AddOrder', idempotent: false };
      expect((await settle(policy.execute(action, { context }))).ok).toBe(false);
      expect(times).toHaveLength(1);
    });

    it('retries an unknown idempotency when retryUnknownIdempotency is set', async () => {
      const { clock, policy } = setup({
        retryUnknownIdempotency: true,
        backoff: constantBackoff(10),
      });
      const { action, times } = flaky(clock, 1);
      const result = settle(policy.execute(action));
      await clock.advance(10);
      expect((await result).ok).toBe(true);
      expect(times).toHaveLength(2);
    });

    it('does not retry a failure with an uncertain effect, even when retryOn says so', async () => {
      const { clock, policy, giveUps } = setup({
        classify: () => failure('server', { uncertainEffect: true }),
        retryOn: () => true,
      });
      const { action, times } = flaky(clock, 1);
      expect((await settle(policy.execute(action, idempotent))).ok).toBe(false);
      expect(times).toHaveLength(1);
      expect(giveUps).toEqual([{ attempts: 1, reason: 'uncertainEffect', category: 'server' }]);
    });

    it('does not retry errors the classifier ignores, and emits no giveUp for them', async () => {
      const { clock, policy, giveUps } = setup();
      const { action, times } = flaky(clock, 1, () => httpError(404));
      expect((await settle(policy.execute(action, idempotent))).ok).toBe(false);
      expect(times).toHaveLength(1);
      expect(giveUps).toEqual([]);
    });

    it('lets retryOn widen what is retried', async () => {
      const { clock, policy } = setup({
        backoff: constantBackoff(10),
        retryOn: (verdict) => verdict.verdict === 'failure' || verdict.category === 'client',
      });
      const { action, times } = flaky(clock, 1, () => httpError(409));
      const result = settle(policy.execute(action, idempotent));
      await clock.advance(10);
      expect((await result).ok).toBe(true);
      expect(times).toHaveLength(2);
    });

    it('lets retryOn narrow what is retried, with the outcome and attempt', async () => {
      const seen: unknown[] = [];
      const { clock, policy } = setup({
        retryOn: (verdict, outcome, attempt) => {
          seen.push([verdict.category, outcome.kind, attempt]);
          return false;
        },
      });
      const { action, times } = flaky(clock, 1);
      expect((await settle(policy.execute(action, idempotent))).ok).toBe(false);
      expect(times).toHaveLength(1);
      expect(seen).toEqual([['network', 'error', 1]]);
    });
  });

  describe('abort', () => {
    it('rejects at once with the reason when aborted during a wait, leaving no timer', async () => {
      const { clock, policy, giveUps } = setup({ backoff: constantBackoff(60_000) });
      const controller = new AbortController();
      const { action, times } = flaky(clock, 5);
      const result = settle(policy.execute(action, { ...idempotent, signal: controller.signal }));
      await clock.advance(10);
      expect(clock.pendingTimers).toBe(1);
      const reason = new Error('user left');
      controller.abort(reason);
      expect(await result).toEqual({ ok: false, error: reason });
      expect(clock.pendingTimers).toBe(0);
      expect(times).toHaveLength(1);
      expect(giveUps).toEqual([{ attempts: 1, reason: 'aborted', category: 'cancelled' }]);
    });

    it('does not call the action when the signal is already aborted', async () => {
      const { policy } = setup();
      let calls = 0;
      const signal = AbortSignal.abort(new Error('gone'));
      const result = await settle(policy.execute(async () => calls++, { signal }));
      expect(result).toEqual({ ok: false, error: signal.reason });
      expect(calls).toBe(0);
    });

    it('passes the caller signal to every attempt and stops when it aborts during one', async () => {
      const { clock, policy } = setup({ backoff: constantBackoff(10) });
      const controller = new AbortController();
      const signals: (AbortSignal | undefined)[] = [];
      const result = settle(
        policy.execute(
          (signal) => {
            signals.push(signal);
            if (signals.length === 1) return Promise.reject(resetError());
            return new Promise((_, reject) => {
              signal!.addEventListener('abort', () => reject(signal!.reason));
            });
          },
          { ...idempotent, signal: controller.signal },
        ),
      );
      await clock.advance(10);
      expect(signals).toEqual([controller.signal, controller.signal]);
      controller.abort(new DOMException('stop', 'AbortError'));
      const settled = await result;
      expect(settled.ok).toBe(false);
      expect(signals).toHaveLength(2);
      expect(clock.pendingTimers).toBe(0);
    });
  });

  it('retries attempts that time out inside it, leaving timeoutMs to the timeout policy', async () => {
    const { clock, policy, retries } = setup({ backoff: constantBackoff(50) });
    const breaker = pipeline(new CircuitBreaker({ clock }), timeout(5_000, { clock }));
    let calls = 0;
    const hangThenAnswer = (signal: AbortSignal | undefined) => {
      calls++;
      if (calls === 2) return Promise.resolve('fast');
      return new Promise<string>((_, reject) => {
        signal!.addEventListener('abort', () => reject(signal!.reason));
      });
    };
    const options = { ...idempotent, timeoutMs: 1_000 };
    const result = settle(
      policy.execute((signal) => breaker.execute(hangThenAnswer, { ...options, signal }), options),
    );
    // Only the inner deadline runs: the retry policy sets no timer during an attempt.
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(1_050);
    expect(await result).toEqual({ ok: true, value: 'fast' });
    expect(retries).toEqual([{ attempt: 1, delayMs: 50, category: 'timeout' }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('stops as soon as the breaker inside it opens', async () => {
    const { clock, policy, giveUps } = setup({ backoff: constantBackoff(100), maxAttempts: 10 });
    const breaker = new CircuitBreaker({
      clock,
      strategy: { type: 'consecutive', failureCount: 2 },
    });
    const { action, times } = flaky(clock, 10);
    const result = settle(
      policy.execute((signal) => breaker.execute(action, { signal }), idempotent),
    );
    await clock.advance(10_000);
    const settled = await result;
    expect(settled.ok).toBe(false);
    expect(!settled.ok && isBreakerOpenError(settled.error)).toBe(true);
    expect(times).toEqual([0, 100]);
    expect(giveUps).toEqual([{ attempts: 3, reason: 'rejected', category: 'rejected' }]);
    expect(clock.pendingTimers).toBe(0);
  });

  describe('classifyResult', () => {
    const statusOutcome = (value: unknown) => {
      const status = (value as { status: number }).status;
      return status >= 400 ? { kind: 'response' as const, status, header: () => null } : undefined;
    };

    it('retries a resolved 503 and returns the success', async () => {
      const { clock, policy } = setup({
        backoff: constantBackoff(10),
        classifyResult: statusOutcome,
      });
      const responses = [{ status: 503 }, { status: 200 }];
      const result = settle(policy.execute(async () => responses.shift(), idempotent));
      await clock.advance(10);
      expect(await result).toEqual({ ok: true, value: { status: 200 } });
    });

    it('returns the last value when it gives up', async () => {
      const { clock, policy, giveUps } = setup({
        backoff: constantBackoff(10),
        maxAttempts: 2,
        classifyResult: statusOutcome,
      });
      let n = 0;
      const result = settle(policy.execute(async () => ({ status: 503, n: ++n }), idempotent));
      await clock.advance(10);
      expect(await result).toEqual({ ok: true, value: { status: 503, n: 2 } });
      expect(giveUps).toEqual([{ attempts: 2, reason: 'maxAttempts', category: 'server' }]);
    });

    it('returns a resolved 404 as it is', async () => {
      const { policy } = setup({ classifyResult: statusOutcome });
      let calls = 0;
      const value = await policy.execute(async () => ({ status: 404, n: ++calls }), idempotent);
      expect(value).toEqual({ status: 404, n: 1 });
    });
  });

  describe('budget', () => {
    it('stops retrying when the budget is exhausted and rethrows the last error', async () => {
      const clock = new ManualClock();
      const budget = new RetryBudget({ retryRate: 0.1, minRetriesPerSecond: 0, clock });
      const policy = retry({ clock, budget, backoff: constantBackoff(0) });
      const exhausted: unknown[] = [];
      policy.on('retryBudgetExhausted', (event) => exhausted.push(event));
      let calls = 0;
      for (let i = 0; i < 20; i++) {
        const result = await settle(
          policy.execute(async () => {
            calls++;
            throw resetError();
          }, idempotent),
        );
        expect(result.ok).toBe(false);
      }
      // 20 calls earn 2 retries: the 10th and the 20th call retry once.
      expect(calls).toBe(22);
      expect(exhausted).toHaveLength(20);
      expect(exhausted[0]).toEqual({ attempts: 1, category: 'network' });
    });

    it('caps the retries of several policies sharing one budget', async () => {
      const clock = new ManualClock();
      const budget = new RetryBudget({ retryRate: 0.2, minRetriesPerSecond: 1, clock });
      const policies = [1, 2, 3].map(() =>
        retry({ clock, budget, maxAttempts: 5, backoff: constantBackoff(0) }),
      );
      let calls = 0;
      const fail = async () => {
        calls++;
        throw resetError();
      };
      for (let i = 0; i < 100; i++) {
        await settle(policies[i % 3]!.execute(fail, idempotent));
      }
      // Without a budget: 500 attempts. With it: 100 calls + 20 % of them + 10 in reserve.
      expect(calls).toBe(130);
    });
  });

  describe('events', () => {
    it('carry categories and counts, never the error', async () => {
      const { clock, policy, retries, giveUps } = setup({ backoff: constantBackoff(10) });
      const secret = httpError(503, { 'retry-after': '1' });
      secret.message = 'GET https://api.example.com/?apikey=secret';
      const context: CallContext = { key: 'https://api.example.com', idempotent: true };
      const result = settle(
        policy.execute(
          async () => {
            throw secret;
          },
          { context },
        ),
      );
      await clock.advance(5_000);
      await result;
      for (const event of [...retries, ...giveUps]) {
        expect(JSON.stringify(event)).not.toContain('secret');
        expect(event.key).toBe('https://api.example.com');
      }
      expect(retries).toHaveLength(2);
      expect(giveUps).toHaveLength(1);
    });

    it('sends a throwing listener to onListenerError without breaking the call', async () => {
      const clock = new ManualClock();
      const listenerErrors: unknown[] = [];
      const policy = retry({
        clock,
        backoff: constantBackoff(0),
        onListenerError: (error) => listenerErrors.push(error),
      });
      const boom = new Error('listener');
      const off = policy.on('retry', () => {
        throw boom;
      });
      const { action } = flaky(clock, 1);
      expect(await policy.execute(action, idempotent)).toBe('ok');
      expect(listenerErrors).toEqual([boom]);
      off();
      off();
      await policy.execute(flaky(clock, 1).action, idempotent);
      expect(listenerErrors).toHaveLength(1);
    });
  });

  it('never makes more than maxAttempts attempts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.boolean(), { maxLength: 12 }),
        fc.integer({ min: 0, max: 1000 }),
        async (maxAttempts, failures, seed) => {
          const clock = new ManualClock({ seed });
          const policy = retry({
            clock,
            maxAttempts,
            backoff: exponentialBackoff({ initialMs: 10, jitter: 'full' }),
          });
          let calls = 0;
          const result = settle(
            policy.execute(async () => {
              const fails = failures[calls++] ?? true;
              if (fails) throw resetError();
              return calls;
            }, idempotent),
          );
          await clock.advance(1_000_000);
          const settled = await result;
          expect(calls).toBeLessThanOrEqual(maxAttempts);
          const firstSuccess = failures.indexOf(false);
          if (firstSuccess !== -1 && firstSuccess < maxAttempts) {
            expect(settled).toEqual({ ok: true, value: firstSuccess + 1 });
          } else {
            expect(calls).toBe(maxAttempts);
            expect(settled.ok).toBe(false);
          }
          expect(clock.pendingTimers).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  describe('options', () => {
    it('are validated at construction', () => {
      expect(() => retry({ maxAtempts: 3 } as never)).toThrow(/`maxAtempts`/);
      expect(() => retry({ maxAttempts: 0 })).toThrow(/`maxAttempts`: expected an integer/);
      expect(() => retry({ maxAttempts: 1.5 })).toThrow(BreakwaterConfigError);
      expect(() => retry({ maxElapsedMs: -1 })).toThrow(/`maxElapsedMs`/);
      expect(() => retry({ maxDelayMs: Number.NaN })).toThrow(/`maxDelayMs`/);
      expect(() => retry({ backoff: {} as never })).toThrow(/`backoff`/);
      expect(() => retry({ budget: { withdraw: () => true } as never })).toThrow(/`budget`/);
      expect(() => retry({ classify: 'server' as never })).toThrow(/`classify`/);
      expect(() => retry({ retryOn: true as never })).toThrow(/`retryOn`/);
      expect(() => retry({ retryUnknownIdempotency: 'yes' as never })).toThrow(
        /`retryUnknownIdempotency`/,
      );
    });

    it('accept one attempt, which never retries', async () => {
      const { clock, policy } = setup({ maxAttempts: 1 });
      const { action, times } = flaky(clock, 1);
      expect((await settle(policy.execute(action, idempotent))).ok).toBe(false);
      expect(times).toHaveLength(1);
    });
  });
});
