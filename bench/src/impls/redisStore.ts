import { randomUUID } from 'node:crypto';
import { CircuitBreaker, MemoryStore } from '@breakwater/core';
import { RedisStore } from '@breakwater/redis';
import { Redis } from 'ioredis';
import { resolveOne, unexpected } from '../actions.ts';
import type { Impl, Subject } from '../harness.ts';
import { redisPort, redisUnavailable } from '../redis/redisAvailable.ts';

/**
 * The closed hot path of a breaker with a store: the store hears of transitions only, so a
 * Redis store should cost exactly what the memory store costs.
 */

function subject(name: string, breaker: CircuitBreaker, dispose: () => void): Subject {
  return {
    async run(count) {
      for (let i = 0; i < count; i++) {
        if ((await breaker.execute(resolveOne)) !== 1) throw unexpected(name, 'resolved wrongly');
      }
    },
    dispose,
  };
}

export const memoryStoreClosed: Impl = {
  name: 'memory-store',
  config: "new CircuitBreaker({ name: 'bench', store: new MemoryStore() }).execute(fn)",
  create() {
    const store = new MemoryStore();
    const breaker = new CircuitBreaker({ name: 'bench', store });
    return subject('memory-store', breaker, () => {
      breaker.dispose();
      store.dispose();
    });
  },
};

export const redisStoreClosed: Impl = {
  name: 'redis-store',
  config:
    "new CircuitBreaker({ name: 'bench', store: new RedisStore({ client }) }).execute(fn), " +
    'Redis on loopback',
  ...(redisUnavailable ? { unavailable: redisUnavailable } : {}),
  async create() {
    const store = new RedisStore({
      client: new Redis({ port: redisPort, lazyConnect: true }),
      prefix: `bench:${randomUUID().slice(0, 8)}:`,
    });
    await new Promise<void>((resolve) => {
      const off = store.on('reconciled', () => resolve(off()));
    });
    const breaker = new CircuitBreaker({ name: 'bench', store });
    await breaker.ready;
    return subject('redis-store', breaker, () => {
      breaker.dispose();
      void store.dispose();
    });
  },
};
