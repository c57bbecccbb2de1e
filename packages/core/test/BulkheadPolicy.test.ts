import {
  BulkheadRejectedError,
  bulkhead,
  isBulkheadRejectedError,
  ManualClock,
} from '@breakwater/core';
import type { BulkheadRejectedEvent } from '@breakwater/core/adapter';
import { describe, expect, it } from 'vitest';

/** A call the test settles by hand. */
function deferred<T = string>() {
  let resolve: (value: T) => void = () => {};
  let reject: (reason: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Flushes pending promise reactions (slot hand-over runs in a `.then`). */
async function flush() {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('BulkheadPolicy', () => {
  it('runs at most maxConcurrent calls at once and starts a queued call when a slot frees', async () => {
    const pool = bulkhead({ maxConcurrent: 2, maxQueue: 1 });
    const calls = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = calls.map((call, index) =>
      pool.execute(() => {
        started.push(index);
        return call.promise;
      }),
    );
    expect(started).toEqual([0, 1]);
    expect(pool.active).toBe(2);
    expect(pool.queued).toBe(1);
    calls[0]!.resolve('a');
    await expect(results[0]).resolves.toBe('a');
    await flush();
    expect(started).toEqual([0, 1, 2]);
    expect(pool.active).toBe(2);
    expect(pool.queued).toBe(0);
    calls[1]!.resolve('b');
    calls[2]!.resolve('c');
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c']);
    expect(pool.active).toBe(0);
  });

  it('grants queued calls by priority, highest first, then first in first out', async () => {
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 10 });
    const blocker = deferred();
    const order: string[] = [];
    const running = pool.execute(() => blocker.promise);
    const queued = [
      ['low-1', -1],
      ['normal-1', 0],
      ['high-1', 5],
      ['normal-2', undefined],
      ['high-2', 5],
      ['low-2', -1],
    ] as const;
    const results = queued.map(([label, priority]) =>
      pool.execute(
        async () => {
          order.push(label);
        },
        priority === undefined ? {} : { priority },
      ),
    );
    blocker.resolve('done');
    await running;
    await Promise.all(results);
    expect(order).toEqual(['high-1', 'high-2', 'normal-1', 'normal-2', 'low-1', 'low-2']);
  });

  it('rejects at once with BulkheadRejectedError when every slot and queue place is taken', async () => {
    const pool = bulkhead({ name: 'orders', maxConcurrent: 1, maxQueue: 1 });
    const events: BulkheadRejectedEvent[] = [];
    pool.on('bulkheadRejected', (event) => events.push(event));
    const blocker = deferred();
    void pool.execute(() => blocker.promise);
    void pool.execute(() => blocker.promise);
    let called = false;
    const context = { endpoint: 'place-order' };
    const error = await pool
      .execute(
        async () => {
          called = true;
        },
        { context },
      )
      .catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(error).toBeInstanceOf(BulkheadRejectedError);
    expect(isBulkheadRejectedError(error)).toBe(true);
    expect(isBulkheadRejectedError(new Error('wrapped', { cause: error }))).toBe(true);
    expect(error).toMatchObject({
      name: 'BulkheadRejectedError',
      code: 'BREAKWATER_BULKHEAD_REJECTED',
      bulkhead: 'orders',
      reason: 'full',
      message: 'Bulkhead "orders" is full; retry later or raise maxConcurrent or maxQueue.',
    });
    expect(events).toEqual([{ bulkhead: 'orders', reason: 'full', active: 1, queued: 1, context }]);
    blocker.resolve('x');
  });

  it('has no queue by default', async () => {
    const pool = bulkhead({ maxConcurrent: 1 });
    const blocker = deferred();
    void pool.execute(() => blocker.promise);
    await expect(pool.execute(async () => 1)).rejects.toMatchObject({ reason: 'full' });
    blocker.resolve('x');
  });

  it('rejects a queued call when the queue timeout passes and clears timers of granted calls', async () => {
    const clock = new ManualClock();
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 5, queueTimeoutMs: 100, clock });
    const events: BulkheadRejectedEvent[] = [];
    pool.on('bulkheadRejected', (event) => events.push(event));
    const first = deferred();
    void pool.execute(() => first.promise);
    const timedOut = pool.execute(async () => 'never').catch((e: unknown) => e);
    await clock.advance(60);
    const granted = pool.execute(async () => 'granted');
    expect(clock.pendingTimers).toBe(2);
    await clock.advance(40);
    const error = await timedOut;
    expect(error).toMatchObject({
      reason: 'queue_timeout',
      message:
        'Bulkhead "default" found no free slot within 100 ms; retry later or raise maxConcurrent.',
    });
    expect(events.map((event) => event.reason)).toEqual(['queue_timeout']);
    expect(pool.queued).toBe(1);
    first.resolve('first');
    await expect(granted).resolves.toBe('granted');
    expect(clock.pendingTimers).toBe(0);
    expect(pool.active).toBe(0);
  });

  it("removes a queued call whose signal aborts and rejects it with the signal's reason", async () => {
    const clock = new ManualClock();
    const pool = bulkhead({
      maxConcurrent: 1,
      maxQueue: 1,
      queueTimeoutMs: 1_000,
      clock,
    });
    const blocker = deferred();
    void pool.execute(() => blocker.promise);
    const caller = new AbortController();
    let called = false;
    const aborted = pool
      .execute(
        async () => {
          called = true;
        },
        { signal: caller.signal },
      )
      .catch((e: unknown) => e);
    expect(pool.queued).toBe(1);
    const reason = new Error('user left');
    caller.abort(reason);
    expect(await aborted).toBe(reason);
    expect(pool.queued).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    // The freed queue place is usable again.
    const next = pool.execute(async () => 'next');
    blocker.resolve('x');
    await expect(next).resolves.toBe('next');
    expect(called).toBe(false);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const pool = bulkhead({ maxConcurrent: 1 });
    await expect(pool.execute(async () => 1, { signal: AbortSignal.abort('no') })).rejects.toBe(
      'no',
    );
    expect(pool.active).toBe(0);
  });

  it('passes the caller signal to the action', async () => {
    const pool = bulkhead({ maxConcurrent: 1 });
    const caller = new AbortController();
    let seen: AbortSignal | undefined;
    await pool.execute(
      async (signal) => {
        seen = signal;
      },
      { signal: caller.signal },
    );
    expect(seen).toBe(caller.signal);
  });

  it('releases the slot when a call fails, rejects or throws synchronously', async () => {
    const pool = bulkhead({ maxConcurrent: 1, maxQueue: 3 });
    const results = [
      pool.execute(() => Promise.reject(new Error('rejected'))),
      pool.execute(() => {
        throw new Error('thrown');
      }),
      pool.execute(async () => {
        throw new Error('async thrown');
      }),
      pool.execute(async () => 'still works'),
    ];
    const settled = await Promise.allSettled(results);
    expect(
      settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
    ).toEqual(['rejected', 'thrown', 'async thrown', 'still works']);
    expect(pool.active).toBe(0);
    expect(pool.queued).toBe(0);
  });

  it('rejects invalid options and a non-finite priority', async () => {
    expect(() => bulkhead({ maxConcurrent: 0 })).toThrow(
      'Invalid option `maxConcurrent`: expected an integer >= 1, received 0.',
    );
    expect(() => bulkhead({ maxConcurrent: 1, maxQueue: -1 })).toThrow('`maxQueue`');
    expect(() => bulkhead({ maxConcurrent: 1, queueTimeout: 5 } as never)).toThrow(
      '`queueTimeout`',
    );
    await expect(
      bulkhead({ maxConcurrent: 1 }).execute(async () => 1, { priority: NaN }),
    ).rejects.toThrow('`priority`');
  });
});
