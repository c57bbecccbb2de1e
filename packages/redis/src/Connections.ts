import type { Cluster, Redis } from 'ioredis';

/** Either kind of ioredis client. */
export type RedisClient = Redis | Cluster;

/** Which of the store's two connections an event is about. */
export type ConnectionName = 'commands' | 'subscriber';

/** What {@link Connections} tells the store. */
export interface ConnectionsHost {
  /** Both connections are usable again (at start, or after either was lost): time to reconcile. */
  up(): void;
  status(connection: ConnectionName, status: 'ready' | 'lost'): void;
  /** The first error of each outage of a connection (later ones repeat it). */
  error(connection: ConnectionName, error: unknown): void;
  message(text: string): void;
}

export interface ConnectionSettings {
  readonly maxReconnectDelayMs: number;
  readonly commandTimeoutMs: number;
  readonly channel: string;
}

/**
 * The store's two connections, copied from the user's client: one for commands (auto-pipelined,
 * so thousands of breakers loading at once share round trips) and one subscriber for the
 * transition channel. Neither queues commands while disconnected or resends them after a
 * reconnect: a store command that cannot run now fails now, and the store reconciles once both
 * connections are back. Reconnection backs off from 25 ms, doubling up to `maxReconnectDelayMs`
 * (ioredis' default grows to seconds).
 */
export class Connections {
  readonly commands: RedisClient;
  readonly subscriber: RedisClient;
  readonly #host: ConnectionsHost;
  readonly #channel: string;
  #commandsReady = false;
  #subscribed = false;
  #wasUp = false;
  #closed = false;
  readonly #erred = new Set<ConnectionName>();
  #waiters: (() => void)[] = [];

  constructor(client: RedisClient, settings: ConnectionSettings, host: ConnectionsHost) {
    this.#host = host;
    this.#channel = settings.channel;
    this.commands = duplicate(client, settings, true);
    this.subscriber = duplicate(client, settings, false);
    this.#watch(this.commands, 'commands');
    this.#watch(this.subscriber, 'subscriber');
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.#channel && !this.#closed) host.message(text);
    });
  }

  /** True while the command connection can take commands. */
  get commandsReady(): boolean {
    return this.#commandsReady;
  }

  /**
   * Resolves once commands can be sent; rejects when that takes longer than `timeoutMs` (real
   * time, like every network timeout) or the store is closed.
   */
  whenCommandsReady(timeoutMs: number): Promise<void> {
    if (this.#commandsReady) return Promise.resolve();
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== done);
        reject(new Error(`Redis is not connected (waited ${timeoutMs} ms).`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        if (this.#closed) reject(closedError());
        else resolve();
      };
      this.#waiters.push(done);
    });
  }

  /** Closes both connections; pending waits reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    await Promise.all([quit(this.commands), quit(this.subscriber)]);
  }

  #watch(connection: RedisClient, name: ConnectionName): void {
    connection.on('ready', () => {
      if (this.#closed) return;
      this.#erred.delete(name);
      this.#host.status(name, 'ready');
      if (name === 'commands') {
        this.#commandsReady = true;
        this.#release();
        this.#checkUp();
      } else {
        this.subscriber.subscribe(this.#channel).then(
          () => {
            this.#subscribed = true;
            this.#checkUp();
          },
          (error: unknown) => this.#reportError(name, error),
        );
      }
    });
    connection.on('close', () => {
      if (this.#closed) return;
      const wasReady = name === 'commands' ? this.#commandsReady : this.#subscribed;
      if (name === 'commands') this.#commandsReady = false;
      else this.#subscribed = false;
      this.#wasUp = false;
      if (wasReady) this.#host.status(name, 'lost');
    });
    // Without a listener ioredis logs every failed reconnection attempt to the console.
    connection.on('error', (error: unknown) => this.#reportError(name, error));
  }

  #reportError(name: ConnectionName, error: unknown): void {
    if (this.#closed || this.#erred.has(name)) return;
    this.#erred.add(name);
    this.#host.error(name, error);
  }

  #checkUp(): void {
    const up = this.#commandsReady && this.#subscribed;
    if (up && !this.#wasUp) {
      this.#wasUp = true;
      this.#host.up();
    }
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/**
 * A connection of our own with `client`'s options: no offline queue, no resends, a reconnect
 * backoff from 25 ms doubling up to `maxReconnectDelayMs`. Commands are auto-pipelined.
 */
export function duplicate(
  client: RedisClient,
  settings: Omit<ConnectionSettings, 'channel'>,
  forCommands: boolean,
): RedisClient {
  const max = settings.maxReconnectDelayMs;
  const backoff = (attempt: number): number => Math.min(25 * 2 ** Math.min(attempt - 1, 16), max);
  const shared = {
    // Fail at once while disconnected: nothing the store sends is worth sending late.
    enableOfflineQueue: false,
    enableAutoPipelining: forCommands,
  };
  const perNode = {
    commandTimeout: settings.commandTimeoutMs,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // The store subscribes again itself, so it knows when the subscription is back.
    autoResubscribe: false,
  };
  if (client.isCluster) {
    const cluster = client as Cluster;
    return cluster.duplicate([], {
      ...shared,
      lazyConnect: false,
      clusterRetryStrategy: backoff,
      redisOptions: { ...cluster.options.redisOptions, ...perNode },
    });
  }
  return (client as Redis).duplicate({
    ...shared,
    ...perNode,
    lazyConnect: false,
    retryStrategy: backoff,
  });
}

async function quit(connection: RedisClient): Promise<void> {
  try {
    if (connection.status === 'ready') {
      await connection.quit();
      return;
    }
  } catch {
    // Closing anyway below.
  }
  connection.disconnect();
}

function closedError(): Error {
  return new Error('The Redis store is disposed.');
}
