/**
 * A receiving process of the `redis-propagation` case, forked by `propagation.ts`: one breaker
 * on a RedisStore that reports each transition it applies with the time it applied it,
 * `performance.timeOrigin + performance.now()` (comparable between processes of one host).
 *
 * Messages in: `{ op: 'init', prefix, name }` → `{ op: 'ready' }`; `{ op: 'exit' }`.
 * Messages out: `{ op: 'change', to, at }`.
 */
import { CircuitBreaker } from '@breakwater/core';
import { RedisStore } from '@breakwater/redis';
import { Redis } from 'ioredis';
import { redisPort } from './redisAvailable.ts';

let store: RedisStore | undefined;
let breaker: CircuitBreaker | undefined;

process.on('message', async (message: { op: string; prefix?: string; name?: string }) => {
  if (message.op === 'init') {
    store = new RedisStore({
      client: new Redis({ port: redisPort, lazyConnect: true }),
      prefix: message.prefix!,
    });
    await new Promise<void>((resolve) => {
      const off = store!.on('reconciled', () => resolve(off()));
    });
    breaker = new CircuitBreaker({ name: message.name!, store, openMs: 60_000 });
    breaker.on('stateChange', (event) => {
      const at = performance.timeOrigin + performance.now();
      process.send?.({ op: 'change', to: event.to, at });
    });
    await breaker.ready;
    process.send?.({ op: 'ready' });
  } else if (message.op === 'exit') {
    breaker?.dispose();
    await store?.dispose();
    process.disconnect();
  }
});
