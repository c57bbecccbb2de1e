import {
  BreakerRegistry,
  CircuitBreaker,
  constantBackoff,
  isBreakerOpenError,
  ManualClock,
  MemoryStore,
  type Outcome,
  pipeline,
  retry,
} from '@breakwater/core';
import { fetchResponseAdapter, HttpGuard } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

const year = 365 * 24 * 3_600_000;
const boom = () => Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));

function rateLimited(retryAfter: string): Outcome {
  return {
    kind: 'response',
    status: 429,
    header: (name) => (name.toLowerCase() === 'retry-after' ? retryAfter : null),
  };
}

describe('restored and remote states are bounded', () => {
  it('caps an initialState that is open for years at maxRetryAfterMs', () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      maxRetryAfterMs: 3_600_000,
      initialState: {
        state: 'open',
        version: 3,
        openedAt: clock.now(),
        openUntil: clock.now() + year,
        recoveryAttempt: 0,
      },
    });
    const rejected = breaker.tryAcquire();
    expect(isBreakerOpenError(rejected) && rejected.retryAfterMs).toBe(3_600_000);
  });

  it('caps a remote state pushed by a store the same way', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const breaker = new CircuitBreaker({ clock, store, name: 'x', openMs: 1_000 });
    await breaker.ready;
    store.save('x', {
      state: 'open',
      version: 9,
      openedAt: clock.now(),
      openUntil: clock.now() + year,
      recoveryAttempt: 2,
    });
    await Promise.resolve(); // the memory store delivers in a microtask
    const rejected = breaker.tryAcquire();
    expect(isBreakerOpenError(rejected) && rejected.retryAfterMs).toBe(3_600_000);
  });

  it('keeps an explicit "open until reset" (openUntil Infinity) as it is', () => {
    const breaker = new CircuitBreaker({
      clock: new ManualClock(),
      initialState: {
        state: 'open',
        version: 1,
        openedAt: 0,
        openUntil: Infinity,
        recoveryAttempt: 5,
      },
    });
    const rejected = breaker.tryAcquire();
    expect(isBreakerOpenError(rejected) && rejected.retryAfterMs).toBe(Infinity);
  });
});

describe("Retry-After: the server's word decides the open period", () => {
  it('opens for exactly Retry-After, even when the recovery delay is longer', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, openMs: 10_000 });
    breaker.acquire().settle(rateLimited('1'));
    const rejected = breaker.tryAcquire();
    expect(isBreakerOpenError(rejected) && rejected.retryAfterMs).toBe(1_000);
    await clock.advance(1_000);
    expect(isBreakerOpenError(breaker.tryAcquire())).toBe(false);
  });

  it('uses the recovery backoff for trips without one', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      openMs: 10_000,
      strategy: { type: 'consecutive', failureCount: 1 },
    });
    await breaker.execute(boom).catch(() => {});
    const rejected = breaker.tryAcquire();
    expect(isBreakerOpenError(rejected) && rejected.retryAfterMs).toBe(10_000);
  });

  it('lets a retry that waits on Retry-After through the breaker it opened', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, openMs: 10_000 });
    // What axios, got and ky reject with: an error carrying the response.
    const rateLimitedError = Object.assign(new Error('429'), {
      response: { status: 429, headers: { 'retry-after': '1' } },
    });
    const answers: Array<() => Promise<string>> = [
      () => Promise.reject(rateLimitedError),
      () => Promise.resolve('ok'),
    ];
    const opened: string[] = [];
    breaker.on('stateChange', ({ to }) => opened.push(to));
    const policy = pipeline(retry({ clock, backoff: constantBackoff(0) }), breaker);
    const call = policy.execute(() => answers.shift()!(), { context: { idempotent: true } });
    await clock.advance(1_000);
    await expect(call).resolves.toBe('ok');
    expect(opened).toEqual(['open', 'half_open', 'closed']);
  });

  it('through the HTTP guard, a 429 with Retry-After: 1 then a 200 resolves with the 200 after 1 s', async () => {
    const clock = new ManualClock();
    const registry = new BreakerRegistry({ defaults: { clock, openMs: 10_000 } });
    const guard = new HttpGuard({ registry, retry: { maxAttempts: 3, clock } });
    const replies = [
      new Response('slow down', { status: 429, headers: { 'retry-after': '1' } }),
      new Response('ok', { status: 200 }),
    ];
    const get = { url: new URL('https://api.example.com/ticker'), method: 'GET' };
    const call = guard.execute(
      get,
      undefined,
      () => Promise.resolve(replies.shift()!),
      fetchResponseAdapter,
      undefined,
    );
    await clock.advance(1_000);
    expect((await call).status).toBe(200);
    expect(replies).toHaveLength(0);
  });

  it('rejects a retry the breaker does not admit with BreakerOpenError, as every client does', async () => {
    const clock = new ManualClock();
    const registry = new BreakerRegistry({ defaults: { clock, openMs: 10_000 } });
    const guard = new HttpGuard({ registry, retry: { maxAttempts: 3, clock } });
    const get = { url: new URL('https://api.example.com/ticker'), method: 'GET' };
    let sent = 0;
    const call = guard
      .execute(
        get,
        undefined,
        () => {
          sent++;
          return Promise.resolve(
            new Response('slow down', { status: 429, headers: { 'retry-after': '1' } }),
          );
        },
        fetchResponseAdapter,
        undefined,
      )
      .catch((error: unknown) => error);
    // An operator isolates the dependency while the retry waits.
    await clock.advance(999);
    registry.get('https://api.example.com').forceOpen();
    await clock.advance(1);
    expect(isBreakerOpenError(await call)).toBe(true);
    expect(sent).toBe(1);
  });
});
