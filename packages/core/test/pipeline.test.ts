import {
  type Action,
  bulkhead,
  CircuitBreaker,
  type ExecuteOptions,
  isBulkheadRejectedError,
  isRateLimitedError,
  ManualClock,
  type Policy,
  pipeline,
  rateLimiter,
  TimeoutError,
  timeout,
} from '@breakwater/core';
import type { TimeoutExecuteOptions } from '@breakwater/core/adapter';
import { describe, expect, expectTypeOf, it } from 'vitest';

/** A policy that records when it is entered and left, the options it got and its signal. */
class Recorder implements Policy {
  readonly seen: Array<ExecuteOptions | undefined> = [];
  readonly name: string;
  readonly log: string[];

  constructor(name: string, log: string[]) {
    this.name = name;
    this.log = log;
  }

  async execute<T>(fn: Action<T>, options?: ExecuteOptions): Promise<T> {
    this.log.push(`enter ${this.name}`);
    this.seen.push(options);
    try {
      return await fn(options?.signal);
    } finally {
      this.log.push(`exit ${this.name}`);
    }
  }
}

describe('pipeline', () => {
  it('runs its policies outermost first and unwinds innermost first', async () => {
    const log: string[] = [];
    const policy = pipeline(new Recorder('a', log), new Recorder('b', log), new Recorder('c', log));
    const result = await policy.execute(async () => {
      log.push('action');
      return 42;
    });
    expect(result).toBe(42);
    expect(log).toEqual(['enter a', 'enter b', 'enter c', 'action', 'exit c', 'exit b', 'exit a']);
  });

  it('passes the context and the options to every member', async () => {
    const log: string[] = [];
    const [a, b] = [new Recorder('a', log), new Recorder('b', log)];
    const context = { method: 'GET', endpoint: 'ticker', idempotent: true };
    const options: TimeoutExecuteOptions = { context, timeoutMs: 500 };
    await pipeline(a, b).execute(async () => 'ok', options);
    expect(a.seen[0]?.context).toBe(context);
    expect(b.seen[0]?.context).toBe(context);
    expect((b.seen[0] as TimeoutExecuteOptions | undefined)?.timeoutMs).toBe(500);
  });

  it('hands each member the signal its outer neighbour passed down', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const inner = new Recorder('inner', log);
    const policy = pipeline(timeout(100, { clock }), inner);
    const caller = new AbortController();
    let actionSignal: AbortSignal | undefined;
    const result = policy
      .execute(
        (signal) => {
          actionSignal = signal;
          return new Promise<never>(() => {});
        },
        { signal: caller.signal },
      )
      .catch((error: unknown) => error);
    const deadlineSignal = inner.seen[0]?.signal;
    expect(deadlineSignal).toBeDefined();
    expect(deadlineSignal).not.toBe(caller.signal);
    expect(actionSignal).toBe(deadlineSignal);
    caller.abort('stop');
    expect(await result).toBe('stop');
    expect(actionSignal?.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it("keeps the caller's signal flowing past a member that passes none down", async () => {
    const passesNothing: Policy = { execute: (fn) => Promise.resolve(fn(undefined)) };
    const caller = new AbortController();
    let seen: AbortSignal | undefined;
    await pipeline(passesNothing, bulkhead({ maxConcurrent: 1 })).execute(
      async (signal) => {
        seen = signal;
      },
      { signal: caller.signal },
    );
    expect(seen).toBe(caller.signal);
  });

  it('lets a timeout outside a bulkhead take a queued call out of the queue', async () => {
    const clock = new ManualClock();
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 1, clock });
    const policy = pipeline(timeout(50, { clock }), pool);
    void policy.execute(() => new Promise<never>(() => {})).catch(() => {});
    const queued = policy.execute(async () => 'never').catch((error: unknown) => error);
    expect(pool.queued).toBe(1);
    await clock.advance(50);
    expect(await queued).toBeInstanceOf(TimeoutError);
    expect(pool.queued).toBe(0);
  });

  it("routes each member's own options to it: weight to the limiter, priority to the bulkhead", async () => {
    const clock = new ManualClock();
    const limiter = rateLimiter({
      capacity: 10,
      refill: { amount: 1, intervalMs: 1_000 },
      clock,
    });
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 5 });
    const policy = pipeline(limiter, pool);
    expectTypeOf(policy.execute<string>)
      .parameter(1)
      .toExtend<{ weight?: number; priority?: number } | undefined>();
    await policy.execute(async () => 'ok', { weight: 7, priority: 3 });
    expect(limiter.available).toBe(3);
  });

  it("re-emits its members' events and unsubscribes from all of them at once", async () => {
    const limiter = rateLimiter({
      name: 'api',
      capacity: 1,
      refill: { amount: 1, intervalMs: 1_000 },
    });
    const pool = bulkhead({ name: 'pool', maxConcurrent: 1 });
    const policy = pipeline(limiter, pool);
    const events: string[] = [];
    const offLimited = policy.on('rateLimited', (event) => events.push(`limited ${event.limiter}`));
    const offRejected = policy.on('bulkheadRejected', (event) =>
      events.push(`rejected ${event.bulkhead}`),
    );
    const inner = pipeline(pool);
    let release: () => void = () => {};
    const blocker = inner.execute(() => new Promise<void>((resolve) => (release = resolve)));
    const full = await policy.execute(async () => 1).catch((error: unknown) => error);
    expect(isBulkheadRejectedError(full)).toBe(true);
    const limited = await policy.execute(async () => 1).catch((error: unknown) => error);
    expect(isRateLimitedError(limited)).toBe(true);
    expect(events).toEqual(['rejected pool', 'limited api']);
    offLimited();
    offRejected();
    offRejected();
    await policy.execute(async () => 1).catch(() => {});
    expect(events).toHaveLength(2);
    release();
    await blocker;
  });

  it('makes bulkhead and rate-limiter rejections ignored by an outer breaker, timeouts failures', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      name: 'api',
      strategy: { type: 'consecutive', failureCount: 1 },
      clock,
    });
    const pool = bulkhead({ maxConcurrent: 1, clock });
    const policy = pipeline(breaker, timeout(100, { clock }), pool);
    const hang = policy.execute(() => new Promise<never>(() => {})).catch((e: unknown) => e);
    const full = await policy.execute(async () => 1).catch((error: unknown) => error);
    expect(isBulkheadRejectedError(full)).toBe(true);
    expect(breaker.state).toBe('closed');
    await clock.advance(100);
    expect(await hang).toBeInstanceOf(TimeoutError);
    expect(breaker.state).toBe('open');
    breaker.dispose();
  });

  it('wraps a function into one with the same signature', async () => {
    const log: string[] = [];
    const policy = pipeline(new Recorder('a', log));
    const add = async (x: number, y: number) => x + y;
    const wrapped = policy.wrap(add);
    expectTypeOf(wrapped).toEqualTypeOf<(x: number, y: number) => Promise<number>>();
    await expect(wrapped(2, 3)).resolves.toBe(5);
    const viaPolicy = timeout(1_000, { clock: new ManualClock() }).wrap(add);
    expectTypeOf(viaPolicy).toEqualTypeOf<(x: number, y: number) => Promise<number>>();
    await expect(viaPolicy(1, 1)).resolves.toBe(2);
    expect(log).toEqual(['enter a', 'exit a']);
  });

  it('nests, since a pipeline is itself a policy', async () => {
    const log: string[] = [];
    const policy = pipeline(new Recorder('a', log), pipeline(new Recorder('b', log)));
    await policy.execute(async () => log.push('action'));
    expect(log).toEqual(['enter a', 'enter b', 'action', 'exit b', 'exit a']);
  });

  it('rejects an empty pipeline and members that are not policies', () => {
    expect(() => pipeline()).toThrow('Invalid option `policies`');
    expect(() => pipeline({} as Policy)).toThrow('Invalid option `policies[0]`');
  });
});
