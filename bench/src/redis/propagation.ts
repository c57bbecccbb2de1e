import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CircuitBreaker } from '@breakwater/core';
import { RedisStore } from '@breakwater/redis';
import { Redis } from 'ioredis';
import type { SelfTimedCase } from '../cases/types.ts';
import { percentile } from '../stats.ts';
import { redisPort, redisUnavailable } from './redisAvailable.ts';

const memberPath = fileURLToPath(new URL('./propagationMember.ts', import.meta.url));

interface Change {
  readonly op: string;
  readonly to?: string;
  readonly at?: number;
}

/** A forked receiver, with a queue of the messages nobody waited for yet. */
class Receiver {
  readonly child: ChildProcess;
  readonly #queue: Change[] = [];
  #waiter:
    | { test: (m: Change) => boolean; resolve: (m: Change) => void; reject: (e: Error) => void }
    | undefined;
  #exited: Error | undefined;

  constructor() {
    // The sources run as they are (Node strips the types), as in the bench's own process.
    this.child = fork(memberPath, [], {
      execArgv: ['--conditions=@breakwater/source'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.once('exit', (code, signal) => {
      this.#exited = new Error(`bench: a propagation receiver exited (${code ?? signal})`);
      this.#waiter?.reject(this.#exited);
    });
    this.child.on('message', (message: Change) => {
      if (this.#waiter?.test(message)) {
        const { resolve } = this.#waiter;
        this.#waiter = undefined;
        resolve(message);
      } else {
        this.#queue.push(message);
      }
    });
  }

  next(test: (m: Change) => boolean): Promise<Change> {
    const index = this.#queue.findIndex(test);
    if (index >= 0) return Promise.resolve(this.#queue.splice(index, 1)[0]!);
    if (this.#exited) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => {
      this.#waiter = { test, resolve, reject };
    });
  }

  close(): Promise<void> {
    if (this.#exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      if (this.child.connected) this.child.send({ op: 'exit' });
      else this.child.kill();
    });
  }
}

const wallNow = () => performance.timeOrigin + performance.now();

/**
 * `redis-propagation`: the time from an open in one process (this one) to its application in
 * each of 8 others (1 in a smoke run), over Redis on loopback. Each round opens the breaker by
 * one failure, waits for every receiver, then resets it and waits for the close everywhere.
 */
export const redisPropagation: SelfTimedCase = {
  name: 'redis-propagation',
  summary: 'ms from an open in one process to its application in 8 others (Redis pub/sub)',
  ...(redisUnavailable ? { unavailable: redisUnavailable } : {}),
  async measure(smoke) {
    const receiverCount = smoke ? 1 : 8;
    const rounds = smoke ? 2 : 100;
    const prefix = `bench:${randomUUID().slice(0, 8)}:`;
    const name = 'https://api.kraken.com';
    const receivers = Array.from({ length: receiverCount }, () => new Receiver());
    const store = new RedisStore({
      client: new Redis({ port: redisPort, lazyConnect: true }),
      prefix,
    });
    const reconciled = new Promise<void>((resolve) => {
      const off = store.on('reconciled', () => resolve(off()));
    });
    const breaker = new CircuitBreaker({
      name,
      store,
      openMs: 60_000,
      strategy: { type: 'consecutive', failureCount: 1 },
    });
    try {
      await Promise.all(
        receivers.map((receiver) => {
          const ready = receiver.next((m) => m.op === 'ready');
          receiver.child.send({ op: 'init', prefix, name });
          return ready;
        }),
      );
      await reconciled;
      await breaker.ready;
      const latencies: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const opened = receivers.map((r) => r.next((m) => m.op === 'change' && m.to === 'open'));
        const openedAt = wallNow();
        breaker.acquire().settle({ kind: 'error', error: new Error('bench: exchange down') });
        for (const change of await Promise.all(opened)) latencies.push(change.at! - openedAt);
        const closed = receivers.map((r) => r.next((m) => m.op === 'change' && m.to === 'closed'));
        breaker.reset();
        await Promise.all(closed);
      }
      return {
        'redis-store': {
          p50Ms: round2(percentile(latencies, 50)),
          p99Ms: round2(percentile(latencies, 99)),
          samples: latencies.length,
          config:
            `${rounds} opens by one process (consecutive(1)), each applied by ${receiverCount} ` +
            'forked processes; RedisStore on loopback',
        },
      };
    } finally {
      breaker.dispose();
      await Promise.all(receivers.map((receiver) => receiver.close()));
      const cleaner = new Redis({ port: redisPort, lazyConnect: true });
      await cleaner.connect();
      const keys = await cleaner.keys(`${prefix}*`);
      if (keys.length > 0) await cleaner.del(...keys);
      cleaner.disconnect();
      await store.dispose();
    }
  },
};

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
