import {
  BreakerOpenError,
  type BreakerOptions,
  CircuitBreaker,
  constantBackoff,
  exponentialBackoff,
  failure,
  isBreakerOpenError,
  ManualClock,
  type Outcome,
  type Permit,
  pipeline,
  success,
  TimeoutError,
  timeout,
} from '@breakwater/core';
import type { StateChangeEvent } from '@breakwater/core/adapter';
import { afterEach, describe, expect, it } from 'vitest';

const boom = () => Promise.reject(new Error('boom'));
const ok = () => Promise.resolve('ok');

function response(status: number, headers: Record<string, string> = {}): Outcome {
  return {
    kind: 'response',
    status,
    header: (name) => headers[name.toLowerCase()] ?? null,
  };
}

let breakers: CircuitBreaker[] = [];
function create(options: BreakerOptions = {}) {
  const clock = new ManualClock();
  const breaker = new CircuitBreaker({ clock, openMs: 1_000, ...options });
  breakers.push(breaker);
  const transitions: string[] = [];
  breaker.on('stateChange', (e) => transitions.push(`${e.from}->${e.to}:${e.reason}`));
  return { breaker, clock: (options.clock as ManualClock | undefined) ?? clock, transitions };
}

async function failTimes(breaker: CircuitBreaker, n: number) {
  for (let i = 0; i < n; i++) await expect(breaker.execute(boom)).rejects.toThrow('boom');
}

afterEach(() => {
  for (const breaker of breakers) breaker.dispose();
  breakers = [];
});

describe('closed state', () => {
  it('passes results and errors through unchanged', async () => {
    const { breaker } = create();
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    const error = new Error('exact');
    await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
  });

  it('opens after failureCount consecutive failures, not before', async () => {
    const { breaker, transitions } = create({ strategy: { type: 'consecutive', failureCount: 3 } });
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['closed->open:failures']);
  });

  it('starts the count again after a success', async () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 2 } });
    await failTimes(breaker, 1);
    await breaker.execute(ok);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('closed');
  });

  it('treats a synchronous throw from the action as a failure', async () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    await expect(
      breaker.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(breaker.state).toBe('open');
  });

  it('does not count client errors, auth errors or cancellations', async () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    for (const status of [400, 401, 403, 404, 422]) {
      breaker.acquire().settle(response(status));
    }
    const abort = new DOMException('aborted', 'AbortError');
    await expect(breaker.execute(() => Promise.reject(abort))).rejects.toBe(abort);
    expect(breaker.state).toBe('closed');
    // A cancellation gives its permit back (released), on every path; 4xx are ignored.
    expect(breaker.snapshot().counters).toMatchObject({ ignored: 5, released: 1, failures: 0 });
  });
});

describe('open state', () => {
  it('rejects without calling the action while open', async () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    await failTimes(breaker, 1);
    let called = 0;
    const error = await breaker.execute(() => Promise.resolve(called++)).catch((e) => e);
    expect(called).toBe(0);
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(error).toMatchObject({ state: 'open', breaker: 'default', retryAfterMs: 1_000 });
    expect(error.message).toBe('Breaker "default" is open; retry after 1000 ms.');
  });

  it('reports the remaining wait in retryAfterMs', async () => {
    const { breaker, clock } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    await failTimes(breaker, 1);
    await clock.advance(400);
    const rejection = breaker.tryAcquire();
    expect(isBreakerOpenError(rejection)).toBe(true);
    expect((rejection as BreakerOpenError).retryAfterMs).toBe(600);
  });

  it('runs no timer while open', async () => {
    const { breaker, clock } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    await failTimes(breaker, 1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('words each rejection for its own breaker, state and wait', async () => {
    const first = create({ name: 'a', strategy: { type: 'consecutive', failureCount: 1 } });
    const second = create({ name: 'b', strategy: { type: 'consecutive', failureCount: 1 } });
    await failTimes(first.breaker, 1);
    await failTimes(second.breaker, 1);
    const messages: string[] = [];
    const reject = (breaker: CircuitBreaker) => {
      messages.push((breaker.tryAcquire() as BreakerOpenError).message);
    };
    reject(first.breaker);
    reject(first.breaker);
    await first.clock.advance(0.5);
    reject(first.breaker);
    reject(second.breaker);
    await first.clock.advance(0.5);
    reject(first.breaker);
    first.breaker.forceOpen();
    reject(first.breaker);
    reject(second.breaker);
    expect(messages).toEqual([
      'Breaker "a" is open; retry after 1000 ms.',
      'Breaker "a" is open; retry after 1000 ms.',
      'Breaker "a" is open; retry after 1000 ms.',
      'Breaker "b" is open; retry after 1000 ms.',
      'Breaker "a" is open; retry after 999 ms.',
      'Breaker "a" is forced open; call reset() or enable() to allow calls.',
      'Breaker "b" is open; retry after 1000 ms.',
    ]);
  });

  it('creates fast-fail errors without a stack trace', async () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    await failTimes(breaker, 1);
    const error = breaker.tryAcquire() as BreakerOpenError;
    expect(error.stack ?? '').not.toMatch(/\n\s+at /);
  });
});

describe('half-open state', () => {
  it('lets one probe through after the recovery delay and closes on its success', async () => {
    const { breaker, clock, transitions } = create({
      strategy: { type: 'consecutive', failureCount: 1 },
    });
    await failTimes(breaker, 1);
    await clock.advance(999);
    expect(isBreakerOpenError(breaker.tryAcquire())).toBe(true);
    await clock.advance(1);
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual([
      'closed->open:failures',
      'open->half_open:recoveryDue',
      'half_open->closed:probeSucceeded',
    ]);
  });

  it('re-opens when a probe fails', async () => {
    const { breaker, clock, transitions } = create({
      strategy: { type: 'consecutive', failureCount: 1 },
    });
    await failTimes(breaker, 1);
    await clock.advance(1_000);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(transitions.at(-1)).toBe('half_open->open:probeFailed');
  });

  it('admits at most maxProbes concurrent probes and rejects the rest', async () => {
    const { breaker, clock } = create({
      strategy: { type: 'consecutive', failureCount: 1 },
      halfOpen: { maxProbes: 2, successCount: 2 },
    });
    await failTimes(breaker, 1);
    await clock.advance(1_000);
    const first = breaker.tryAcquire();
    const second = breaker.tryAcquire();
    const third = breaker.tryAcquire();
    expect(first).not.toBeInstanceOf(BreakerOpenError);
    expect(second).not.toBeInstanceOf(BreakerOpenError);
    expect(third).toBeInstanceOf(BreakerOpenError);
    expect((third as BreakerOpenError).state).toBe('half_open');
    (first as Permit).settle(success());
    expect(breaker.state).toBe('half_open');
    (second as Permit).settle(success());
    expect(breaker.state).toBe('closed');
  });

  it('frees a probe slot when the probe is released', async () => {
    const { breaker, clock } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    await failTimes(breaker, 1);
    await clock.advance(1_000);
    const probe = breaker.acquire();
    expect(isBreakerOpenError(breaker.tryAcquire())).toBe(true);
    probe.release();
    expect(breaker.state).toBe('half_open');
    expect(isBreakerOpenError(breaker.tryAcquire())).toBe(false);
  });

  it('counts a probe left unsettled past probeTimeoutMs as failed', async () => {
    const { breaker, clock, transitions } = create({
      strategy: { type: 'consecutive', failureCount: 1 },
      halfOpen: { probeTimeoutMs: 5_000 },
    });
    await failTimes(breaker, 1);
    await clock.advance(1_000);
    breaker.acquire();
    await clock.advance(5_000);
    expect(isBreakerOpenError(breaker.tryAcquire())).toBe(true);
    expect(transitions.at(-1)).toBe('half_open->open:probeTimedOut');
  });

  it('does not let a call started while closed decide a half-open probe', async () => {
    const { breaker, clock } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    const early = breaker.acquire();
    await failTimes(breaker, 1);
    await clock.advance(1_000);
    const probe = breaker.acquire();
    early.settle(success());
    expect(breaker.state).toBe('half_open');
    probe.settle(success());
    expect(breaker.state).toBe('closed');
  });
});

describe('recovery backoff', () => {
  it('grows the open period with each failed recovery and resets it on close', async () => {
    const { breaker, clock } = create({
      strategy: { type: 'consecutive', failureCount: 1 },
      openMs: exponentialBackoff({ initialMs: 1_000, factor: 2, maxMs: 10_000 }),
    });
    const openFor = () => breaker.snapshot().openUntil - clock.now();
    await failTimes(breaker, 1);
    expect(openFor()).toBe(1_000);
    await clock.advance(1_000);
    await failTimes(breaker, 1);
    expect(openFor()).toBe(2_000);
    await clock.advance(2_000);
    await failTimes(breaker, 1);
    expect(openFor()).toBe(4_000);
    await clock.advance(4_000);
    await breaker.execute(ok);
    await failTimes(breaker, 1);
    expect(openFor()).toBe(1_000);
  });

  it('applies jitter from the clock so a fleet does not probe in step', async () => {
    const clock = new ManualClock({ random: () => 1 });
    const { breaker } = create({
      clock,
      strategy: { type: 'consecutive', failureCount: 1 },
      openMs: exponentialBackoff({ initialMs: 1_000, jitter: 0.2 }),
    });
    await failTimes(breaker, 1);
    expect(breaker.snapshot().openUntil - clock.now()).toBe(1_200);
  });

  it('stays open until reset after maxRecoveryAttempts failed recoveries', async () => {
    const { breaker, clock } = create({
      strategy: { type: 'consecutive', failureCount: 1 },
      maxRecoveryAttempts: 2,
    });
    await failTimes(breaker, 1);
    for (let i = 0; i < 2; i++) {
      await clock.advance(1_000);
      await failTimes(breaker, 1);
    }
    expect(breaker.snapshot().openUntil).toBe(Infinity);
    await clock.advance(1_000_000);
    const rejection = breaker.tryAcquire() as BreakerOpenError;
    expect(rejection).toBeInstanceOf(BreakerOpenError);
    expect(rejection.message).toContain('call reset()');
    breaker.reset();
    await expect(breaker.execute(ok)).resolves.toBe('ok');
  });
});

describe('Retry-After', () => {
  it('opens at once on a 429 with Retry-After and stays open at least that long', async () => {
    const { breaker, clock, transitions } = create({ openMs: 1_000 });
    breaker.acquire().settle(response(429, { 'retry-after': '30' }));
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['closed->open:retryAfter']);
    await clock.advance(29_999);
    expect(isBreakerOpenError(breaker.tryAcquire())).toBe(true);
    await clock.advance(1);
    expect(isBreakerOpenError(breaker.tryAcquire())).toBe(false);
  });

  it('caps a server-requested wait at maxRetryAfterMs', async () => {
    const { breaker, clock } = create({ maxRetryAfterMs: 60_000 });
    breaker.acquire().settle(response(503, { 'retry-after': '99999999' }));
    expect(breaker.snapshot().openUntil - clock.now()).toBe(60_000);
  });

  it('only counts the failure when openOnRetryAfter is off', async () => {
    const { breaker } = create({ openOnRetryAfter: false });
    breaker.acquire().settle(response(429, { 'retry-after': '30' }));
    expect(breaker.state).toBe('closed');
  });
});

describe('timeouts', () => {
  it('counts a timeout policy inside it as a timeout failure that aborts the signal', async () => {
    const { breaker, clock } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    const policy = pipeline(breaker, timeout(100, { clock }));
    let seen: AbortSignal | undefined;
    const call = policy.execute(
      (signal) =>
        new Promise((_, reject) => {
          seen = signal;
          signal?.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    const settled = expect(call).rejects.toBeInstanceOf(TimeoutError);
    await clock.advance(100);
    await settled;
    expect(seen?.aborted).toBe(true);
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot().counters.timeouts).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('leaves no timer behind when the call settles first', async () => {
    const { breaker, clock } = create();
    await pipeline(breaker, timeout(1_000, { clock })).execute(ok);
    expect(clock.pendingTimers).toBe(0);
  });

  it('releases the permit when the caller aborts', async () => {
    const { breaker, clock } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    const controller = new AbortController();
    const call = breaker.execute(() => new Promise(() => {}), { signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().counters).toMatchObject({ failures: 0, released: 1 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('treats an abort with a custom reason as a cancellation, on every path', async () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    const reason = new Error('user cancelled');
    const hang = () => new Promise<never>(() => {});
    const fast = new AbortController();
    const fastCall = breaker.execute(hang, { signal: fast.signal });
    fast.abort(reason);
    await expect(fastCall).rejects.toBe(reason);
    const withPermit = new AbortController();
    const permitCall = breaker.execute(hang, {
      signal: withPermit.signal,
      context: { method: 'GET' },
    });
    withPermit.abort(reason);
    await expect(permitCall).rejects.toBe(reason);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().counters).toMatchObject({ failures: 0, released: 2 });
  });

  it('rejects an invalid per-call timeoutMs without calling the action', async () => {
    const { breaker, clock } = create();
    const policy = pipeline(breaker, timeout(1_000, { clock }));
    for (const timeoutMs of [0, -5, Number.NaN, '100']) {
      await expect(policy.execute(ok, { timeoutMs: timeoutMs as number })).rejects.toThrow(
        'Invalid option `timeoutMs`',
      );
    }
    await expect(policy.execute(ok, { timeoutMs: Infinity })).resolves.toBe('ok');
  });

  it('does not call the action when the signal is already aborted', async () => {
    const { breaker } = create();
    let called = false;
    const reason = new Error('gone');
    await expect(
      breaker.execute(
        () => {
          called = true;
          return ok();
        },
        { signal: AbortSignal.abort(reason) },
      ),
    ).rejects.toBe(reason);
    expect(called).toBe(false);
  });
});

describe('permits', () => {
  it('records a permit settled twice only once', () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 2 } });
    const permit = breaker.acquire();
    const first = permit.settle({ kind: 'error', error: new Error('x') });
    const second = permit.settle({ kind: 'error', error: new Error('x') });
    expect(second).toBe(first);
    permit.settle(success());
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().counters.failures).toBe(1);
  });

  it('releases an unsettled permit on Symbol.dispose', async () => {
    const { breaker, clock } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    await failTimes(breaker, 1);
    await clock.advance(1_000);
    {
      using _probe = breaker.acquire();
    }
    expect(breaker.snapshot().counters.released).toBe(1);
    expect(isBreakerOpenError(breaker.tryAcquire())).toBe(false);
  });

  it('ignores permits settled after dispose()', () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    const permit = breaker.acquire();
    breaker.dispose();
    permit.settle({ kind: 'error', error: new Error('late') });
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot()).toMatchObject({
      counters: { failures: 0 },
      lastFailure: undefined,
    });
  });

  it('acquire() throws the BreakerOpenError that tryAcquire() returns', async () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    await failTimes(breaker, 1);
    expect(() => breaker.acquire()).toThrow(BreakerOpenError);
  });

  it('passes the call context to events', () => {
    const { breaker } = create();
    const seen: unknown[] = [];
    breaker.on('failure', (e) => seen.push(e));
    breaker.acquire({ method: 'POST', idempotent: false }).settle(response(500));
    expect(seen).toEqual([
      expect.objectContaining({
        category: 'server',
        uncertainEffect: true,
        context: { method: 'POST', idempotent: false },
      }),
    ]);
  });
});

describe('manual modes', () => {
  it('forceOpen rejects everything until enable()', async () => {
    const { breaker, clock } = create();
    breaker.forceOpen();
    await clock.advance(1_000_000);
    const error = breaker.tryAcquire() as BreakerOpenError;
    expect(error.state).toBe('forced_open');
    expect(error.retryAfterMs).toBeUndefined();
    breaker.enable();
    expect(breaker.state).toBe('closed');
  });

  it('disable lets every call through, records outcomes and never opens', async () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    breaker.disable();
    await failTimes(breaker, 5);
    expect(breaker.state).toBe('disabled');
    expect(breaker.snapshot().counters.failures).toBe(5);
  });

  it('trip opens for the recovery delay, then lets a probe decide', async () => {
    const { breaker, clock, transitions } = create();
    breaker.trip();
    expect(breaker.state).toBe('open');
    expect((breaker.tryAcquire() as BreakerOpenError).retryAfterMs).toBe(1_000);
    await clock.advance(1_000);
    const probe = breaker.acquire();
    expect(probe.probe).toBe(true);
    probe.settle(success());
    expect(transitions).toEqual([
      'closed->open:manual',
      'open->half_open:recoveryDue',
      'half_open->closed:probeSucceeded',
    ]);
  });

  it('trip starts a new open period when open or half-open, not when forced open or disabled', async () => {
    const { breaker, clock, transitions } = create();
    breaker.trip();
    await clock.advance(600);
    breaker.trip();
    expect((breaker.tryAcquire() as BreakerOpenError).retryAfterMs).toBe(1_000);
    await clock.advance(1_000);
    breaker.acquire();
    breaker.trip();
    expect(breaker.state).toBe('open');
    breaker.forceOpen();
    breaker.trip();
    breaker.disable();
    breaker.trip();
    expect(breaker.state).toBe('disabled');
    expect(transitions).toEqual([
      'closed->open:manual',
      'open->open:manual',
      'open->half_open:recoveryDue',
      'half_open->open:manual',
      'open->forced_open:manual',
      'forced_open->disabled:manual',
    ]);
  });

  it('reset closes an open breaker and forgets failures', async () => {
    const { breaker, transitions } = create({ strategy: { type: 'consecutive', failureCount: 2 } });
    await failTimes(breaker, 2);
    breaker.reset();
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual(['closed->open:failures', 'open->closed:manual']);
  });
});

describe('events', () => {
  it('emits stateChange with the reason, time and failure category', async () => {
    const { breaker, clock } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    const events: StateChangeEvent[] = [];
    breaker.on('stateChange', (e) => events.push(e));
    breaker.acquire().settle(response(502));
    expect(events).toEqual([
      {
        breaker: 'default',
        from: 'closed',
        to: 'open',
        reason: 'failures',
        at: clock.now(),
        openUntil: clock.now() + 1_000,
        category: 'server',
      },
    ]);
  });

  it('measures durations only when someone listens', async () => {
    const { breaker, clock } = create();
    const durations: Array<number | undefined> = [];
    const call = breaker.acquire();
    await clock.advance(50);
    call.settle(success());
    const off = breaker.on('success', (e) => durations.push(e.durationMs));
    const timed = breaker.acquire();
    await clock.advance(30);
    timed.settle(success());
    off();
    expect(durations).toEqual([30]);
  });

  it('sends a throwing listener to onListenerError without affecting the call', async () => {
    const errors: unknown[] = [];
    const { breaker } = create({ onListenerError: (error) => errors.push(error) });
    breaker.on('success', () => {
      throw new Error('listener');
    });
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(errors).toEqual([new Error('listener')]);
  });

  it('emits rejected with the remaining wait', async () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    const rejected: unknown[] = [];
    breaker.on('rejected', (e) => rejected.push(e));
    await failTimes(breaker, 1);
    breaker.tryAcquire();
    expect(rejected).toEqual([
      { breaker: 'default', state: 'open', retryAfterMs: 1_000, context: undefined },
    ]);
  });

  it('unsubscribes idempotently', () => {
    const { breaker } = create();
    let calls = 0;
    const off = breaker.on('success', () => calls++);
    off();
    off();
    breaker.acquire().settle(success());
    expect(calls).toBe(0);
  });
});

describe('wrap', () => {
  it('returns a function with the same signature that runs through the breaker', async () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    const add = breaker.wrap(async (a: number, b: number) => a + b);
    await expect(add(1, 2)).resolves.toBe(3);
    const fail = breaker.wrap(async (_: string) => {
      throw new Error('x');
    });
    await expect(fail('a')).rejects.toThrow('x');
    await expect(add(1, 2)).rejects.toBeInstanceOf(BreakerOpenError);
  });
});

describe('persistence', () => {
  it('comes back open until openUntil from a saved state', async () => {
    const { breaker: first, clock } = create({
      strategy: { type: 'consecutive', failureCount: 1 },
    });
    await failTimes(first, 1);
    const saved = first.toJSON();
    const { breaker: second } = create({ clock, initialState: saved });
    expect(second.state).toBe('open');
    expect(isBreakerOpenError(second.tryAcquire())).toBe(true);
    await clock.advance(1_000);
    expect(isBreakerOpenError(second.tryAcquire())).toBe(false);
  });

  it('rejects an invalid initialState at construction', () => {
    expect(() => new CircuitBreaker({ initialState: { state: 'weird' } as never })).toThrow(
      /Invalid option `initialState`/,
    );
  });

  it('reconfigure swaps thresholds and keeps the state', async () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 10 } });
    await failTimes(breaker, 2);
    breaker.reconfigure({ strategy: { type: 'consecutive', failureCount: 1 } });
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(() => breaker.reconfigure({ halfOpen: { maxProbes: 0 } })).toThrow('halfOpen.maxProbes');
    expect(breaker.options.maxProbes).toBe(1);
    expect(breaker.name).toBe('default');
  });

  it('reconfigure keeps the name and the options it is not given', () => {
    const { breaker } = create({
      name: 'https://api.kraken.com',
      maxRetryAfterMs: 250,
      halfOpen: { successCount: 3, probeTimeoutMs: 5_000 },
    });
    breaker.reconfigure({ halfOpen: { maxProbes: 3 } });
    expect(breaker.name).toBe('https://api.kraken.com');
    expect(breaker.options).toMatchObject({
      maxProbes: 3,
      successCount: 3,
      probeTimeoutMs: 5_000,
      maxRetryAfterMs: 250,
    });
  });

  it('uses a constant recovery for a number', async () => {
    const { breaker, clock } = create({
      strategy: { type: 'consecutive', failureCount: 1 },
      openMs: constantBackoff(250),
    });
    await failTimes(breaker, 1);
    expect(breaker.snapshot().openUntil - clock.now()).toBe(250);
  });
});

describe('dispose()', () => {
  it('leaves no timer and no listener behind', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      openMs: 100,
      strategy: { type: 'consecutive', failureCount: 1 },
    });
    const seen: string[] = [];
    breaker.on('stateChange', (e) => seen.push(e.to));
    breaker.on('success', () => seen.push('success'));
    await breaker.execute(ok);
    await expect(breaker.execute(boom)).rejects.toThrow('boom');
    await clock.advance(100);
    await breaker.execute(ok);
    expect(seen).toEqual(['success', 'open', 'half_open', 'success', 'closed']);
    breaker.dispose();
    expect(clock.pendingTimers).toBe(0);
    breaker.forceOpen();
    breaker.reset();
    expect(seen).toHaveLength(5);
  });

  it('is idempotent and available as Symbol.dispose', () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    let outer: CircuitBreaker | undefined;
    {
      using breaker = new CircuitBreaker({ clock });
      outer = breaker;
      breaker.on('stateChange', (e) => seen.push(e.to));
      breaker.dispose();
    }
    outer.forceOpen();
    expect(seen).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('permit.settle(verdict)', () => {
  it('records the given category instead of classifying the error', () => {
    const { breaker } = create({ strategy: { type: 'consecutive', failureCount: 1 } });
    const failures: string[] = [];
    breaker.on('failure', (e) => failures.push(e.category));
    const verdict = breaker.acquire().settle(failure('network'));
    expect(verdict).toEqual({ verdict: 'failure', category: 'network' });
    expect(failures).toEqual(['network']);
    expect(breaker.state).toBe('open');
  });
});
