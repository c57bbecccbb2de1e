import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { RedisStore, type RedisStoreEvents, type RedisStoreOptions } from '@breakwater/redis';
import { Redis } from 'ioredis';

/** The shared Redis every machine runs (CI starts it). */
export const sharedPort = 6379;

/** A key prefix no other test uses. */
export function randomPrefix(): string {
  return `bw-test:${randomUUID().slice(0, 8)}:`;
}

/** A client that never connects itself: the store only copies its options. */
export function template(port = sharedPort): Redis {
  return new Redis({ host: '127.0.0.1', port, lazyConnect: true });
}

/** A plain connection for a test to look at or tamper with Redis. */
export async function inspector(port = sharedPort): Promise<Redis> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
  // Tests kill servers this connection talks to.
  redis.on('error', () => {});
  await redis.connect();
  return redis;
}

/** Resolves with the next `event` of `store` that satisfies `accept`. */
export function nextEvent<K extends keyof RedisStoreEvents>(
  store: RedisStore,
  event: K,
  accept: (payload: RedisStoreEvents[K]) => boolean = () => true,
): Promise<RedisStoreEvents[K]> {
  return new Promise((resolve) => {
    const off = store.on(event, (payload) => {
      if (!accept(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** A store connected and reconciled, ready for breakers. */
export async function connectedStore(
  options: Omit<RedisStoreOptions, 'client'> & { port?: number },
): Promise<RedisStore> {
  const { port, ...rest } = options;
  const store = new RedisStore({ client: template(port), ...rest });
  await nextEvent(store, 'reconciled');
  return store;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A `redis-server` of a test's own, on a free loopback port, without persistence. */
export class RedisServer {
  readonly port: number;
  readonly #extraArgs: readonly string[];
  #process: ChildProcess | undefined;

  private constructor(port: number, extraArgs: readonly string[]) {
    this.port = port;
    this.#extraArgs = extraArgs;
  }

  /** `extraArgs` may depend on the port the server gets. */
  static async start(
    extraArgs: (port: number) => readonly string[] = () => [],
  ): Promise<RedisServer> {
    const port = await freePort();
    const server = new RedisServer(port, extraArgs(port));
    await server.restart();
    return server;
  }

  /** Starts the server (again) and resolves once it accepts connections. */
  restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        ...this.#extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.#process = child;
    return new Promise((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
    });
  }

  /** SIGKILLs the server and resolves once it is gone. */
  kill(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (child === undefined || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.removeAllListeners('exit');
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
