import { isRateLimitedError } from '@breakwater/core';
import {
  RedisRateLimiter,
  type RedisRateLimiterEvents,
  type RedisRateLimiterOptions,
} from '@breakwater/redis';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, freePort, inspector, RedisServer, randomPrefix, template } from './helpers.ts';

let redis: Redis;
let prefix = randomPrefix();
const limiters: RedisRateLimiter[] = [];

beforeAll(async () => {
  redis = await inspector();
});
afterAll(async () => {
  await redis.quit();
});
afterEach(async () => {
  await Promise.all(limiters.splice(0).map((limiter) => limiter.dispose()));
  await deleteKeys(redis, prefix);
  prefix = randomPrefix();
});

type Options = Partial<RedisRateLimiterOptions> & { port?: number };

/** A limiter on the shared Redis (or `port`), disposed after the test. */
function limiter(options: Options = {}): RedisRateLimiter {
  const { port, ...rest } = options;
  const created = new RedisRateLimiter({
    client: template(port),
    prefix,
    name: 'binance:ip',
    capacity: 100,
    // Slow enough that nothing refills during a test.
    refill: { amount: 1, intervalMs: 60_000 },
    // A loaded machine must not send a test that is not about the fallback to it.
    commandTimeoutMs: 2_000,
    ...rest,
  });
  limiters.push(created);
  return created;
}

function next<K extends keyof RedisRateLimiterEvents>(
  limiter: RedisRateLimiter,
  event: K,
  accept: (payload: RedisRateLimiterEvents[K]) => boolean = () => true,
): Promise<RedisRateLimiterEvents[K]> {
  return new Promise((resolve) => {
    const off = limiter.on(event, (payload) => {
      if (!accept(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** Calls `execute` `count` times at once; resolves with how many were granted. */
async function spend(target: RedisRateLimiter, count: number, weight = 1): Promise<number> {
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => target.execute(async () => 'sent', { weight })),
  );
  for (const result of results) {
    if (result.status === 'rejected') expect(isRateLimitedError(result.reason)).toBe(true);
  }
  return results.filter((result) => result.status === 'fulfilled').length;
}

// Real time and real connections: a loaded 2-core machine can take seconds where an idle one
// takes milliseconds.
describe('RedisRateLimiter', { timeout: 20_000 }, () => {
  it('lets 16 limiters on one budget spend it once between them', async () => {
    const fleet = Array.from({ length: 16 }, () => limiter());
    const granted = await Promise.all(fleet.map((member) => spend(member, 20)));
    const first = granted.reduce((a, b) => a + b);
    // Weight pre-claimed by limiters whose calls were done stays with them: at most the
    // safety margin (10 % of 100).
    expect(first).toBeLessThanOrEqual(100);
    expect(first).toBeGreaterThanOrEqual(90);
    const again = await Promise.all(fleet.map((member) => spend(member, 20)));
    expect(first + again.reduce((a, b) => a + b)).toBe(100);
    const late = await limiter()
      .execute(async () => 'sent')
      .catch((error: unknown) => error);
    expect(isRateLimitedError(late)).toBe(true);
    expect((late as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(1_000);
  });

  it('serves most calls from a pre-claim, without a round trip each', async () => {
    const alone = limiter({ capacity: 1_000, maxBatchWeight: 50 });
    await alone.execute(async () => 'sent');
    const tokens = async () => Number(await redis.hget(alone.keys.budget, 't'));
    const afterFirst = await tokens();
    // The first call pre-claimed 50 more (within the 10 % margin, 100).
    expect(afterFirst).toBeCloseTo(1_000 - 51, 0);
    for (let i = 0; i < 50; i++) expect(alone.tryAcquire()).toBe(0);
    expect(await tokens()).toBe(afterFirst);
    // The pre-claim is spent: the next one asks Redis, in the background.
    expect(alone.tryAcquire()).toBeGreaterThan(0);
  });

  it('makes a call wait for weight another process frees, and lets an abort end the wait', async () => {
    // 10 weight, 1 more every 20 ms of Redis time (real time: Redis' clock cannot be faked).
    const options = { capacity: 10, refill: { amount: 1, intervalMs: 20 }, maxBatchWeight: 0 };
    const waiting = limiter({ ...options, maxWaitMs: 5_000 });
    expect(await spend(limiter(options), 10)).toBe(10);
    const delayed = next(waiting, 'rateLimitDelayed');
    const aborted = waiting
      .execute(async () => 'sent', { signal: AbortSignal.abort(new Error('gone')) })
      .catch((error: unknown) => error);
    expect(await aborted).toMatchObject({ message: 'gone' });
    const controller = new AbortController();
    const cancelled = waiting
      .execute(async () => 'sent', { weight: 5, signal: controller.signal })
      .catch((error: unknown) => error);
    const { waitMs } = await delayed;
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(100);
    expect(waiting.queued).toBe(1);
    controller.abort(new DOMException('stop', 'TimeoutError'));
    expect(await cancelled).toMatchObject({ name: 'TimeoutError' });
    expect(waiting.queued).toBe(0);
    // The limiter waits for Redis to have refilled 2, and retries by itself.
    const started = performance.now();
    expect(await waiting.execute(async () => 'sent', { weight: 2 })).toBe('sent');
    expect(performance.now() - started).toBeLessThan(1_000);
    const timed = await waiting
      .execute(async () => 'sent', { weight: 10, signal: AbortSignal.timeout(30) })
      .catch((error: unknown) => error);
    expect(timed).toMatchObject({ name: 'TimeoutError' });
    expect(waiting.queued).toBe(0);
  });

  it('rejects at once what would wait longer than maxWaitMs, or exceeds the capacity', async () => {
    const target = limiter({ maxWaitMs: 1_000 });
    expect(await spend(target, 100)).toBe(100);
    const events: unknown[] = [];
    target.on('rateLimited', (event) => events.push(event));
    const error = await target.execute(async () => 'sent').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RateLimitedError', reason: 'exhausted' });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(1_000);
    const heavy = await target.execute(async () => 'sent', { weight: 101 }).catch((e) => e);
    expect(heavy).toMatchObject({ reason: 'too_heavy' });
    expect(target.tryAcquire(101)).toBe(Infinity);
    expect(events).toHaveLength(2);
    expect(() => target.tryAcquire(-1)).toThrow(/`weight`/);
  });

  it('asks Redis again for a lighter call after refusing a heavier one', async () => {
    const target = limiter({ maxBatchWeight: 0 });
    await target.execute(async () => 'sent', { weight: 70 });
    const heavy = await target.execute(async () => 'sent', { weight: 50 }).catch((e) => e);
    expect(isRateLimitedError(heavy)).toBe(true);
    expect(target.tryAcquire(50)).toBeGreaterThan(1_000);
    expect(await target.execute(async () => 'sent', { weight: 30 })).toBe('sent');
  });

  it("spends no more than the server's report allows, in every process", async () => {
    const a = limiter({ maxBatchWeight: 0 });
    const b = limiter({ maxBatchWeight: 0 });
    await a.execute(async () => 'sent');
    // A 418 with Retry-After: nothing for 5 s, for the whole fleet.
    a.update({ remaining: 0, limit: 100, resetInMs: 5_000 });
    const error = await a.execute(async () => 'sent').catch((e: unknown) => e);
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(4_000);
    const other = await b.execute(async () => 'sent').catch((e: unknown) => e);
    expect((other as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(4_000);
  });

  it("holds the fleet for a 429's Retry-After, not to the end of a counted window", async () => {
    const a = limiter({ maxBatchWeight: 0 });
    await a.execute(async () => 'sent');
    // The exchange's count: 90 left until the window resets in 50 s.
    a.update({ remaining: 90, limit: 100, resetInMs: 50_000 });
    await a.execute(async () => 'sent');
    // Then a 429 with Retry-After: 5.
    a.update({ remaining: 0, limit: 100, resetInMs: 5_000 });
    const error = await a.execute(async () => 'sent').catch((e: unknown) => e);
    const { retryAfterMs } = error as { retryAfterMs: number };
    expect(retryAfterMs).toBeGreaterThan(4_000);
    expect(retryAfterMs).toBeLessThanOrEqual(5_000);
  });

  it('applies a report made before its connection was up, before its first acquisition', async () => {
    const early = limiter({ maxBatchWeight: 0 });
    early.update({ remaining: 0, limit: 100, resetInMs: 5_000 });
    const error = await early.execute(async () => 'sent').catch((e: unknown) => e);
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(4_000);
  });

  it('leaves the low-priority reserve to normal calls across limiters', async () => {
    const marketData = limiter({ capacity: 10, lowPriorityReserveRate: 0.3, maxBatchWeight: 0 });
    const orders = limiter({ capacity: 10, lowPriorityReserveRate: 0.3, maxBatchWeight: 0 });
    const low = await Promise.allSettled(
      Array.from({ length: 10 }, () => marketData.execute(async () => 'sent', { priority: 'low' })),
    );
    expect(low.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    expect(await spend(orders, 5)).toBe(3);
  });

  it('reports garbage under its keys, replaces it, and starts from an empty budget', async () => {
    const target = limiter({ maxBatchWeight: 0 });
    await target.execute(async () => 'sent');
    const { budget, members } = target.keys;
    await redis.hset(budget, 't', 'NaN-garbage');
    await redis.del(members);
    await redis.set(members, 'not a set');
    const reports: unknown[] = [];
    target.on('invalidData', (event) => reports.push(event));
    const error = await target.execute(async () => 'sent').catch((e: unknown) => e);
    expect(isRateLimitedError(error)).toBe(true);
    expect(reports).toEqual([
      expect.objectContaining({ source: 'budget', limiter: 'binance:ip' }),
      expect.objectContaining({ source: 'members' }),
    ]);
    expect(await redis.type(budget)).toBe('hash');
    expect(await redis.type(members)).toBe('zset');
    await redis.set(budget, 'a string');
    const fresh = limiter({ maxBatchWeight: 0 });
    const again = next(fresh, 'invalidData');
    expect(await spend(fresh, 1)).toBe(0);
    expect(await again).toMatchObject({ source: 'budget' });
  });

  it('spends a local share of the budget when Redis cannot be reached, and says so', async () => {
    const port = await freePort();
    const target = limiter({ port, commandTimeoutMs: 50, maxReconnectDelayMs: 20 });
    const fallback = next(target, 'fallback');
    const sent = await target.execute(async () => 'sent');
    expect(sent).toBe('sent');
    expect(await fallback).toEqual({ limiter: 'binance:ip', active: true, processes: 1 });
    expect(target.isLocal).toBe(true);
    expect(await spend(target, 150)).toBe(99);
    // A fleet of 4 that starts while Redis is down: a quarter each.
    const member = limiter({ port, commandTimeoutMs: 50, fallbackProcesses: 4 });
    const quarter = next(member, 'fallback');
    expect(await spend(member, 50)).toBe(25);
    expect(await quarter).toMatchObject({ active: true, processes: 4 });
  });

  it('goes local with 1/N of the budget when its Redis dies, and back when it returns', async () => {
    const server = await RedisServer.start();
    try {
      const options = { port: server.port, maxReconnectDelayMs: 20, maxBatchWeight: 0 };
      const [a, b, c, d] = [limiter(options), limiter(options), limiter(options), limiter(options)];
      for (const member of [a, b, c, d]) await member.execute(async () => 'sent');
      expect(await spend(d, 1)).toBe(1);
      expect(d.processes).toBe(4);
      const local = next(d, 'fallback');
      await server.kill();
      expect(await local).toMatchObject({ active: true, processes: 4 });
      // 100 / 4 processes.
      expect(await spend(d, 40)).toBe(25);
      const back = next(d, 'fallback');
      await server.restart();
      expect(await back).toMatchObject({ active: false });
      // A restarted Redis without data: a fresh budget.
      expect(await spend(d, 10)).toBe(10);
      expect(d.isLocal).toBe(false);
    } finally {
      await Promise.all(limiters.splice(0).map((l) => l.dispose()));
      await server.kill();
    }
  });

  it('sends one report at a time and only the tightest of those that waited', async () => {
    const server = await RedisServer.start();
    const own = await inspector(server.port);
    try {
      const target = limiter({ port: server.port, maxBatchWeight: 0 });
      await target.execute(async () => 'sent');
      await own.config('RESETSTAT');
      // An exchange answers every call with its count: 50 answers in a burst.
      for (let used = 1; used <= 50; used++) {
        target.update({ usedWeight: used, limit: 100, resetInMs: 30_000 });
      }
      // The first report went out at once, the tightest of the other 49 after it.
      let budget: string | null = null;
      for (let turn = 0; turn < 100 && budget !== '40'; turn++) {
        budget = await own.hget(target.keys.budget, 'b');
      }
      expect(budget).toBe('40'); // 100 - 50 used - 10 margin
      const stats = await own.info('commandstats');
      expect(Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1])).toBe(2);
    } finally {
      await Promise.all(limiters.splice(0).map((l) => l.dispose()));
      own.disconnect();
      await server.kill();
    }
  });

  it('rejects invalid options naming the option', () => {
    const client = template();
    const base = { client, name: 'x', capacity: 10, refill: { amount: 1, intervalMs: 1_000 } };
    expect(() => new RedisRateLimiter({ ...base, client: {} as never })).toThrow(/`client`/);
    expect(() => new RedisRateLimiter({ ...base, name: undefined as never })).toThrow(/`name`/);
    expect(() => new RedisRateLimiter({ ...base, windowMs: -1 })).toThrow(/`windowMs`/);
    expect(() => new RedisRateLimiter({ ...base, maxBatchWeight: 11 })).toThrow(/`maxBatchWeight`/);
    expect(() => new RedisRateLimiter({ ...base, capacity: 0 })).toThrow(/`capacity`/);
    expect(() => new RedisRateLimiter({ ...base, refil: 1 } as never)).toThrow(/refil/);
  });
});
