import {
  adaptiveConcurrency,
  BreakwaterConfigError,
  isBulkheadRejectedError,
  ManualClock,
} from '@breakwater/core';
import { describe, expect, it } from 'vitest';
import { QueueingServer } from './trafficModel.ts';

const windowMs = 200;

/** Keeps the limiter saturated: every millisecond, more calls than it may admit. */
async function saturate(
  clock: ManualClock,
  windows: number,
  send: () => Promise<unknown>,
  onWindow?: (window: number) => void,
): Promise<void> {
  for (let w = 0; w < windows; w++) {
    for (let t = 0; t < windowMs; t++) {
      for (let i = 0; i < 10; i++) send().catch(() => {});
      await clock.advance(1);
    }
    onWindow?.(w);
  }
}

describe('adaptiveConcurrency', () => {
  it('converges within 10 windows to within 20 % of capacity, and backs off within 2 when it halves', async () => {
    for (const capacity of [40, 100]) {
      const clock = new ManualClock();
      const server = new QueueingServer(clock, capacity, 20);
      const limiter = adaptiveConcurrency({ clock, windowMs, initialLimit: 5, minWindowCalls: 5 });
      const limits: number[] = [];
      await saturate(
        clock,
        10,
        () => limiter.execute(server.call),
        () => limits.push(limiter.limit),
      );
      expect(limiter.limit).toBeGreaterThan(capacity * 0.8);
      expect(limiter.limit).toBeLessThan(capacity * 1.2);
      // It stays there.
      await saturate(clock, 10, () => limiter.execute(server.call));
      expect(limiter.limit).toBeGreaterThan(capacity * 0.8);
      expect(limiter.limit).toBeLessThan(capacity * 1.2);

      server.workers = capacity / 2;
      await saturate(clock, 2, () => limiter.execute(server.call));
      expect(limiter.limit).toBeLessThan((capacity / 2) * 1.2);
      expect(limiter.limit).toBeGreaterThan((capacity / 2) * 0.8);
      // Drain what is still queued at the server.
      await clock.advance(10_000);
      expect(limiter.inFlight).toBe(0);
    }
  });

  it('grows again when capacity comes back', async () => {
    const clock = new ManualClock();
    const server = new QueueingServer(clock, 30, 20);
    const limiter = adaptiveConcurrency({ clock, windowMs, initialLimit: 5, minWindowCalls: 5 });
    await saturate(clock, 10, () => limiter.execute(server.call));
    expect(limiter.limit).toBeLessThan(36);
    server.workers = 60;
    await saturate(clock, 15, () => limiter.execute(server.call));
    expect(limiter.limit).toBeGreaterThan(60 * 0.8);
    expect(limiter.limit).toBeLessThan(60 * 1.2);
    await clock.advance(10_000);
  });

  it('does not grow while the load leaves it unused', async () => {
    const clock = new ManualClock();
    const server = new QueueingServer(clock, 100, 20);
    const limiter = adaptiveConcurrency({ clock, windowMs, initialLimit: 20, minWindowCalls: 5 });
    // 2 calls every 5 ms with 20 ms latency: about 8 in flight, under half the limit.
    for (let t = 0; t < 5_000; t += 5) {
      for (let i = 0; i < 2; i++) limiter.execute(server.call).catch(() => {});
      await clock.advance(5);
    }
    expect(limiter.limit).toBe(20);
    const snapshot = limiter.snapshot();
    expect(snapshot.slowStart).toBe(true);
    expect(snapshot.noLoadLatencyMs).toBeGreaterThan(18);
    expect(snapshot.noLoadLatencyMs).toBeLessThan(21);
    await clock.advance(1_000);
  });

  it('rejects over the limit with a BulkheadRejectedError, and tells why the limit moved', async () => {
    const clock = new ManualClock();
    const server = new QueueingServer(clock, 10, 20);
    const limiter = adaptiveConcurrency({
      name: 'orders',
      clock,
      windowMs,
      initialLimit: 5,
      minWindowCalls: 5,
    });
    const changes: unknown[] = [];
    const rejections: unknown[] = [];
    limiter.on('limitChanged', (event) => changes.push(event));
    limiter.on('bulkheadRejected', (event) => rejections.push(event));
    let error: unknown;
    await saturate(clock, 5, () =>
      limiter.execute(server.call).catch((e: unknown) => {
        error = e;
      }),
    );
    expect(isBulkheadRejectedError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'limit', bulkhead: 'orders' });
    expect((error as Error).message).toMatch(/^Concurrency limit "orders" reached/);
    expect(rejections[0]).toMatchObject({ bulkhead: 'orders', reason: 'limit', queued: 0 });
    expect(changes[0]).toMatchObject({ limiter: 'orders', from: 5, to: 10, reason: 'grow' });
    expect(changes).toContainEqual(expect.objectContaining({ reason: 'queueing' }));
    await clock.advance(1_000);
  });

  it('frees the slot of a call that throws, rejects or whose signal aborted', async () => {
    const limiter = adaptiveConcurrency({ clock: new ManualClock(), initialLimit: 1 });
    await expect(
      limiter.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(limiter.execute(() => Promise.reject(new Error('async')))).rejects.toThrow(
      'async',
    );
    const aborted = AbortSignal.abort(new Error('gone'));
    await expect(limiter.execute(async () => 1, { signal: aborted })).rejects.toThrow('gone');
    await expect(limiter.execute(async () => 2)).resolves.toBe(2);
    expect(limiter.inFlight).toBe(0);
  });

  it('keeps adapting when a limitChanged listener throws, and reports the error', async () => {
    const clock = new ManualClock();
    const server = new QueueingServer(clock, 40, 20);
    const errors: unknown[] = [];
    const limiter = adaptiveConcurrency({
      clock,
      windowMs,
      initialLimit: 5,
      minWindowCalls: 5,
      onListenerError: (error) => errors.push(error),
    });
    limiter.on('limitChanged', () => {
      throw new Error('listener bug');
    });
    await saturate(clock, 4, () => limiter.execute(server.call));
    expect(limiter.limit).toBe(40);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    await clock.advance(1_000);
  });

  it('passes the caller’s signal to the call; a timeout reason rejects and frees the slot', async () => {
    const limiter = adaptiveConcurrency({ initialLimit: 1 });
    const signal = AbortSignal.timeout(1);
    const call = limiter.execute(
      (received) =>
        new Promise((_, reject) =>
          received!.addEventListener('abort', () => reject(received!.reason)),
        ),
      { signal },
    );
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(limiter.inFlight).toBe(0);
    await expect(limiter.execute(async () => 'next')).resolves.toBe('next');
  });

  it('rejects bad options naming them', () => {
    expect(() => adaptiveConcurrency({ minLimit: 0 })).toThrow(BreakwaterConfigError);
    expect(() => adaptiveConcurrency({ minLimit: 10, maxLimit: 5 })).toThrow(/`maxLimit`/);
    expect(() => adaptiveConcurrency({ initialLimit: 5000 })).toThrow(/`initialLimit`/);
    expect(() => adaptiveConcurrency({ tolerance: 0.9 })).toThrow(/`tolerance`/);
    expect(() => adaptiveConcurrency({ limit: 3 } as never)).toThrow(/`limit`/);
  });
});
