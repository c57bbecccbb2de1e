import {
  CircuitBreaker,
  isBreakerOpenError,
  ManualClock,
  MemoryStore,
  onBody,
  pipeline,
  redactError,
  responseOutcome,
  retry,
  timeout,
} from '@breakwater/core';
import type { BreakerStrategy } from '@breakwater/core/adapter';
import { describe, expect, it, vi } from 'vitest';

const reset = () => Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));

/** Runs `fn` with microtask rethrows captured (scheduled, not run), and returns their errors. */
async function rethrown(fn: () => Promise<void>): Promise<unknown[]> {
  const tasks: (() => void)[] = [];
  const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
    tasks.push(task);
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  const errors: unknown[] = [];
  for (const task of tasks) {
    try {
      task();
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}

describe('what an adversarial pass found, fixed', () => {
  it('keeps the breaker open through a longer Retry-After that arrives while it is open', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const breaker = new CircuitBreaker({ clock, store, name: 'x' });
    const [a, b] = [breaker.acquire(), breaker.acquire()];
    a.settle(responseOutcome(429, { 'retry-after': '1' }));
    // A call already in flight answers with a two-minute ban.
    b.settle(responseOutcome(418, { 'retry-after': '120' }));
    await clock.advance(1_000);
    const rejected = breaker.tryAcquire();
    expect(isBreakerOpenError(rejected) && rejected.retryAfterMs).toBe(119_000);
    // Shared with other processes, under a new version.
    expect(store.load('x')?.openUntil).toBe(clock.now() + 119_000);
  });

  it('checks a hand-made rule verdict like one from failure()', () => {
    const clock = new ManualClock();
    const errors: string[] = [];
    const breaker = new CircuitBreaker({
      clock,
      onListenerError: (_error, source) => errors.push(source),
      classify: onBody(() => ({
        verdict: 'failure',
        category: 'rate_limit',
        retryAfterMs: Number.NaN,
      })),
    });
    const verdict = breaker.acquire().settle(responseOutcome(200, {}, { code: -1003 }));
    // The broken rule counts as no opinion; the default classifies the 200 as a success.
    expect(verdict.verdict).toBe('success');
    expect(errors).toEqual(['classify[0]']);
    expect(Number.isFinite(breaker.snapshot().openUntil)).toBe(true);
    expect(() =>
      breaker.acquire().settle({ verdict: 'failure', category: 'server', retryAfterMs: -5 }),
    ).toThrow('Invalid option `settle(verdict).retryAfterMs`');
  });

  it("contains a custom strategy's errors and reports them", async () => {
    const errors: string[] = [];
    const strategy = (): BreakerStrategy => ({
      usesTime: false,
      tracksLatency: false,
      onSuccess: () => {
        throw new Error('strategy bug');
      },
      onFailure: () => false,
      admit: () => {
        throw new Error('admit bug');
      },
      reset() {},
      describe: () => ({}),
      stats: () => {
        throw new Error('stats bug');
      },
    });
    const breaker = new CircuitBreaker({
      strategy,
      clock: new ManualClock(),
      onListenerError: (_error, source) => errors.push(source),
    });
    await expect(breaker.execute(async () => 42)).resolves.toBe(42);
    expect(() => breaker.snapshot()).not.toThrow();
    expect(errors).toEqual(['strategy', 'strategy', 'strategy']);
  });

  it("sends a retry policy's rule errors to its onListenerError", async () => {
    const routed: string[] = [];
    const policy = retry({
      classify: [
        () => {
          throw new Error('rule');
        },
      ],
      onListenerError: (_error, source) => routed.push(source),
      maxAttempts: 1,
    });
    const errors = await rethrown(() => policy.execute(reset).catch(() => undefined));
    expect(routed).toEqual(['classify[0]']);
    expect(errors).toEqual([]);
  });

  it('survives a result whose then getter throws, under a deadline', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock });
    const hostile = {
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what this test is about
      get then() {
        throw new Error('getter');
      },
    };
    const call = pipeline(breaker, timeout(30, { clock })).execute(() => hostile as never);
    await expect(call).rejects.toThrow('getter');
    await clock.advance(30);
    expect(breaker.snapshot().counters.timeouts).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('settles a call whose abort reason has a throwing name getter', async () => {
    const breaker = new CircuitBreaker({ clock: new ManualClock() });
    const controller = new AbortController();
    const call = breaker.execute(() => new Promise(() => {}), { signal: controller.signal });
    const reason = {
      get name(): string {
        throw new Error('getter');
      },
    };
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(breaker.snapshot().counters.released).toBe(1);
  });

  it('refuses to swap the clock: open periods are deadlines on one clock', () => {
    const breaker = new CircuitBreaker({ clock: new ManualClock() });
    expect(() => breaker.reconfigure({ clock: new ManualClock() } as never)).toThrow(
      'Invalid option `clock`',
    );
  });

  it('refuses a restored version it could not read back after one transition', () => {
    expect(
      () =>
        new CircuitBreaker({
          initialState: {
            state: 'closed',
            version: Number.MAX_SAFE_INTEGER,
            openedAt: 0,
            openUntil: 0,
            recoveryAttempt: 0,
          },
        }),
    ).toThrow('Invalid option `initialState`');
  });

  it.each([
    'sig=S3CR3T',
    'pwd=S3CR3T',
    'PASSPHRASE S3CR3T',
    'CB-ACCESS-SIGN S3CR3T',
    "'x-api-key', 'S3CR3T'",
  ])('redacts the credential in %j', (text) => {
    expect(redactError(new Error(text)).message).not.toContain('S3CR3T');
  });

  it('redacts an error that cannot be read without throwing', () => {
    const hostile = {
      get message(): string {
        throw new Error('x');
      },
    };
    expect(redactError(hostile)).toEqual({
      name: 'NonError',
      message: 'An error that cannot be read was thrown.',
    });
  });

  it('emits nothing after dispose, not even to listeners added afterwards', async () => {
    const breaker = new CircuitBreaker({ clock: new ManualClock() });
    breaker.dispose();
    const events: string[] = [];
    breaker.on('call', () => events.push('call'));
    await breaker.execute(async () => 1);
    expect(events).toEqual([]);
  });

  it('rejects a signal that is not an AbortSignal instead of throwing', async () => {
    const breaker = new CircuitBreaker({ clock: new ManualClock() });
    const call = breaker.execute(async () => 1, { signal: {} as AbortSignal });
    await expect(call).rejects.toThrow('Invalid option `signal`');
    expect(breaker.snapshot().counters.calls).toBe(0);
  });

  it('gives up a probe claim that never settles after its lease', async () => {
    const clock = new ManualClock();
    const errors: string[] = [];
    let claims = 0;
    const store = {
      load: () => undefined,
      save: () => undefined,
      claimProbe: () => {
        claims++;
        return new Promise<boolean>(() => {});
      },
    };
    const breaker = new CircuitBreaker({
      clock,
      store,
      openMs: 1_000,
      strategy: { failureCount: 1 },
      halfOpen: { probeTimeoutMs: 5_000 },
    });
    breaker.on('storeError', ({ operation }) => errors.push(operation));
    await breaker.execute(reset).catch(() => undefined);
    await clock.advance(1_000);
    expect(isBreakerOpenError(breaker.tryAcquire())).toBe(true);
    await clock.advance(5_000);
    breaker.tryAcquire();
    expect(claims).toBe(2);
    expect(errors).toEqual(['claimProbe']);
  });

  it('reads an open period that ends at monotonic 0 as open, not as "not open"', () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, openMs: 0, strategy: { failureCount: 1 } });
    breaker.acquire().settle({ kind: 'error', error: new Error('x') });
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot().openUntil).toBe(clock.now());
  });
});
