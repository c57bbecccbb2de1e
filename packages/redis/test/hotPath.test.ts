import { CircuitBreaker, ManualClock } from '@breakwater/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedStore, inspector, RedisServer, randomPrefix } from './helpers.ts';

/** Calls per command from `INFO commandstats`, without the INFO calls that read them. */
async function commandCounts(redis: Redis): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match && match[1] !== 'info') counts[match[1]!] = Number(match[2]);
  }
  return counts;
}

// A server of its own: the shared one counts every other test's commands too.
let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await RedisServer.start();
  redis = await inspector(server.port);
});
afterAll(async () => {
  await redis.quit();
  await server.kill();
});

describe('the closed hot path', () => {
  it.each([
    { mode: 'default', quorum: undefined },
    { mode: 'quorum', quorum: { minProcesses: 2 } },
  ])(
    'sends no command to Redis for 10k closed calls, failures mixed in ($mode mode)',
    async ({ quorum }) => {
      const clock = new ManualClock();
      const store = await connectedStore({
        prefix: randomPrefix(),
        clock,
        port: server.port,
        ...(quorum ? { quorum } : {}),
      });
      const breakers = ['a', 'b', 'c'].map(
        (name) =>
          new CircuitBreaker({
            name,
            clock,
            store,
            strategy: { type: 'count', callCount: 100, minCalls: 10, failureRate: 0.5 },
          }),
      );
      await Promise.all(breakers.map((breaker) => breaker.ready));
      const before = await commandCounts(redis);
      // The counts are live: loading the three breakers ran the store's scripts.
      expect((before.eval ?? 0) + (before.evalsha ?? 0)).toBeGreaterThanOrEqual(3);

      let failures = 0;
      for (let i = 0; i < 10_000; i++) {
        const breaker = breakers[i % 3]!;
        const fail = i % 4 === 0;
        try {
          await breaker.execute(() =>
            fail ? Promise.reject(new Error('boom')) : Promise.resolve(i),
          );
        } catch {
          failures++;
        }
        if (i % 1_000 === 0) await clock.advance(1_000);
      }

      expect(failures).toBe(2_500);
      expect(breakers.map((breaker) => breaker.state)).toEqual(['closed', 'closed', 'closed']);
      expect(await commandCounts(redis)).toEqual(before);
      for (const breaker of breakers) breaker.dispose();
      await store.dispose();
    },
  );
});
