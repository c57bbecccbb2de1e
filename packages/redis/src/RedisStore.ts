import { randomUUID } from 'node:crypto';
import { BreakerEntry, type PendingSave } from './BreakerEntry.ts';
import { Connections } from './Connections.ts';
import {
  type BreakerStore,
  type DurableState,
  Emitter,
  redactError,
  reportCallbackError,
} from './core.ts';
import type { InvalidDataEvent, RedisStoreEvents, StoreFailureEvent } from './events.ts';
import { type BreakerKeys, transitionChannel } from './keys.ts';
import { LuaScript, type ScriptReply } from './LuaScript.ts';
import { claimScript, readScript, writeScript } from './lua.ts';
import {
  type RedisStoreOptions,
  type ResolvedRedisStoreOptions,
  resolveRedisStoreOptions,
} from './resolveRedisStoreOptions.ts';
import { Throttle } from './Throttle.ts';
import { type FleetRecord, parseMessage, parseRecord, stateArguments } from './wire.ts';

// One instance per process: the scripts are stateless, and each connection loads them once.
const read = new LuaScript(readScript, 1);
const write = new LuaScript(writeScript, 3);
const claim = new LuaScript(claimScript, 2);

/**
 * A {@link BreakerStore} that shares breaker transitions across processes through Redis:
 * local windows, shared transitions. Create one per process and give it to every breaker (or
 * to a registry's defaults); all its breakers share its two connections.
 *
 * - The closed hot path never touches Redis: the store hears only of transitions.
 * - A transition is written with an atomic, versioned compare-and-set (Lua) and pushed to
 *   every process over one pub/sub channel; each applies it within milliseconds.
 * - Half-open admission takes a lease (`SET NX PX`, the breaker's `probeTimeoutMs`) that
 *   expires if its holder dies: one probe at a time in the whole fleet.
 * - Open periods are stored on Redis' clock (`TIME`) and handed to each process as remaining
 *   durations, so clock skew between hosts never lengthens or shortens them.
 * - Redis down or slow never makes a call wait: the breakers keep deciding locally, failed
 *   writes are reported (`storeError` on the breaker, `error` here) and written once Redis is
 *   back, and every breaker is reconciled with Redis after each reconnection.
 *
 * See the package README for the tie-break between conflicting writes and for quorum mode.
 *
 * @example
 * ```ts
 * const store = new RedisStore({ client: new Redis(process.env.REDIS_URL) });
 * const breaker = new CircuitBreaker({ name: 'https://api.kraken.com', store });
 * await breaker.ready; // the fleet's state is applied
 * ```
 */
export class RedisStore implements BreakerStore, AsyncDisposable {
  readonly #options: ResolvedRedisStoreOptions;
  /** This store's id in leases, votes and records: random, carries nothing about the host. */
  readonly #id = randomUUID().replaceAll('-', '');
  readonly #channel: string;
  readonly #entries = new Map<string, BreakerEntry>();
  readonly #byId = new Map<string, BreakerEntry>();
  readonly #emitter: Emitter<RedisStoreEvents>;
  readonly #connections: Connections;
  /** Loads and reconciliations: many at once, but never so many that commands time out. */
  readonly #bulk = new Throttle(128);
  #disposed = false;

  /**
   * Opens the store's two connections (copies of `options.client`) at once.
   * @throws BreakwaterConfigError when an option is invalid (the message names it)
   */
  constructor(options: RedisStoreOptions) {
    this.#options = resolveRedisStoreOptions(options);
    this.#emitter = new Emitter(this.#options.onListenerError);
    this.#channel = transitionChannel(this.#options.prefix);
    this.#connections = new Connections(
      this.#options.client,
      {
        maxReconnectDelayMs: this.#options.maxReconnectDelayMs,
        commandTimeoutMs: this.#options.commandTimeoutMs,
        channel: this.#channel,
      },
      {
        up: () => void this.#reconcile(),
        status: (connection, status) => this.#emitter.emit('connection', { connection, status }),
        error: (_connection, error) => this.#fail('connection', error, undefined),
        message: (text) => this.#receive(text),
      },
    );
  }

  /**
   * Subscribes to a store event; returns an idempotent unsubscribe function. A listener that
   * throws goes to `onListenerError`.
   */
  on<K extends keyof RedisStoreEvents>(
    event: K,
    listener: (payload: RedisStoreEvents[K]) => void,
  ): () => void {
    return this.#emitter.on(event, listener);
  }

  /** The Redis keys of breaker `name`, for operators and tests (the name itself is hashed). */
  keysOf(name: string): BreakerKeys {
    return this.#entry(name).keys;
  }

  /**
   * The fleet's state of breaker `name`, or `undefined` when Redis has none (or nothing newer
   * than what this process already applied). Waits at most `commandTimeoutMs` for a
   * connection. A value under the key that is not a Breakwater record is reported
   * (`invalidData`) and ignored.
   */
  async load(name: string): Promise<DurableState | undefined> {
    const entry = this.#entry(name);
    try {
      await this.#connections.whenCommandsReady(this.#options.commandTimeoutMs);
      const reply = await this.#bulk.run(() =>
        read.run(this.#connections.commands, [entry.keys.state], []),
      );
      const record = this.#recordOf(entry, reply);
      if (record === undefined || record.writer === this.#id) return undefined;
      return entry.adopt(record, reply.redisNow, this.#options.clock);
    } catch (error) {
      this.#fail('load', error, entry.name);
      throw error;
    }
  }

  /**
   * Shares a transition of breaker `name`. Resolves once Redis decided: written, kept local
   * (quorum mode), or lost to a conflicting transition, which the breaker is then given.
   * Rejects when Redis cannot be reached; the transition is then written on reconnection.
   */
  async save(name: string, state: DurableState): Promise<void> {
    if (this.#disposed) throw disposedError();
    const entry = this.#entry(name);
    const pending = entry.saving(state, this.#options.clock);
    try {
      if (!this.#connections.commandsReady) {
        throw new Error('Redis is not connected; the transition is shared on reconnection.');
      }
      await this.#write(entry, pending);
    } catch (error) {
      this.#fail('save', error, entry.name);
      throw error;
    }
  }

  /**
   * Calls `onRemote` with each transition another process shares for `name`.
   * @returns An idempotent unsubscribe function; the last one forgets the breaker.
   */
  subscribe(name: string, onRemote: (state: DurableState) => void): () => void {
    if (this.#disposed) return () => {};
    const entry = this.#entry(name);
    const subscriber = (state: DurableState) => onRemote(state);
    entry.subscribers.add(subscriber);
    return () => {
      if (!entry.subscribers.delete(subscriber) || entry.subscribers.size > 0) return;
      if (this.#entries.get(name) === entry) {
        this.#entries.delete(name);
        this.#byId.delete(entry.id);
      }
    };
  }

  /**
   * Claims the fleet's probe lease of `name` for `ttlMs`. Granted at once, without Redis, when
   * Redis is unreachable (the breaker decides locally then) and, in quorum mode, while the
   * breaker is open only for this process. While another process holds the lease, answers
   * `false` without asking Redis until the lease would expire or a new transition arrives.
   */
  claimProbe(name: string, ttlMs: number): boolean | Promise<boolean> {
    if (this.#disposed || !this.#connections.commandsReady) return true;
    const entry = this.#entry(name);
    const shared = entry.fleetState?.state;
    if (this.#options.quorumMinProcesses > 0 && shared !== 'open' && shared !== 'half_open') {
      return true;
    }
    const clock = this.#options.clock;
    if (entry.leaseHeldUntil > clock.monotonic()) return false;
    const ttl = Math.max(1, Math.ceil(Math.min(ttlMs, 2_147_483_647)));
    const keys = [entry.keys.state, entry.keys.lease];
    return claim.run(this.#connections.commands, keys, [entry.fleetVersion, ttl, this.#id]).then(
      (reply) => {
        const record = this.#recordOf(entry, reply);
        if (reply.code === 'granted') return true;
        if (reply.code === 'held') entry.leaseHeldUntil = clock.monotonic() + reply.extra;
        else if (record !== undefined) this.#deliver(entry, record, reply.redisNow);
        return false;
      },
      (error: unknown) => {
        // Redis failed mid-claim: decide locally, as when it is down.
        this.#fail('claimProbe', error, entry.name);
        return true;
      },
    );
  }

  /** Closes both connections and forgets every breaker; saves and loads then reject. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#entries.clear();
    this.#byId.clear();
    await this.#connections.close();
    this.#emitter.clear();
  }

  /** `await using store = new RedisStore(…)`: the same as {@link RedisStore.dispose}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #entry(name: string): BreakerEntry {
    let entry = this.#entries.get(name);
    if (entry === undefined) {
      entry = new BreakerEntry(this.#options.prefix, name);
      if (!this.#disposed) {
        this.#entries.set(name, entry);
        this.#byId.set(entry.id, entry);
      }
    }
    return entry;
  }

  async #write(entry: BreakerEntry, pending: PendingSave): Promise<void> {
    const options = this.#options;
    const epoch = entry.epoch;
    const { keys } = entry;
    const reply = await write.run(
      this.#connections.commands,
      [keys.state, keys.lease, keys.votes],
      [
        'save',
        pending.base,
        ...stateArguments(pending.held, options.clock.monotonic()),
        options.stateTtlMs,
        this.#id,
        this.#channel,
        entry.id,
        options.quorumMinProcesses,
        options.quorumWindowMs,
      ],
    );
    const record = this.#recordOf(entry, reply);
    const needed = options.quorumMinProcesses;
    switch (reply.code) {
      case 'ok':
      case 'quorum':
        if (record === undefined) break;
        if (entry.epoch === epoch) {
          entry.shared(pending, record.version);
        } else {
          // The breaker applied another process's state meanwhile; this one came later.
          entry.settled(pending);
          this.#deliver(entry, record, reply.redisNow, true);
        }
        if (reply.code === 'quorum') {
          this.#emit('vote', { breaker: entry.name, votes: reply.extra, needed, opened: true });
        }
        break;
      case 'stale':
        entry.settled(pending);
        if (record === undefined) break;
        this.#emit('conflict', {
          breaker: entry.name,
          kept: record.state,
          rejected: pending.held.state,
        });
        this.#deliver(entry, record, reply.redisNow);
        break;
      case 'vote':
        entry.settled(pending);
        this.#emit('vote', { breaker: entry.name, votes: reply.extra, needed, opened: false });
        break;
      default:
        entry.settled(pending);
    }
  }

  /** Brings every breaker in line with Redis once both connections are (back) up. */
  async #reconcile(): Promise<void> {
    const entries = [...this.#entries.values()];
    await Promise.all(
      entries.map((entry) =>
        this.#bulk
          .run(() => this.#reconcileOne(entry))
          .catch((error: unknown) => this.#fail('reconcile', error, entry.name)),
      ),
    );
    if (!this.#disposed) this.#emit('reconciled', { breakers: entries.length });
  }

  async #reconcileOne(entry: BreakerEntry): Promise<void> {
    if (entry.pending !== undefined) {
      await this.#write(entry, entry.pending);
      return;
    }
    const commands = this.#connections.commands;
    let reply: ScriptReply;
    if (entry.fleetState !== undefined) {
      // Written back only if Redis lost it (a restart without persistence, an expiry).
      const options = this.#options;
      const { keys } = entry;
      reply = await write.run(
        commands,
        [keys.state, keys.lease, keys.votes],
        [
          'restore',
          entry.fleetVersion,
          ...stateArguments(entry.fleetState, options.clock.monotonic()),
          options.stateTtlMs,
          this.#id,
          this.#channel,
          entry.id,
          0,
          0,
        ],
      );
      if (reply.code !== 'current') return;
    } else {
      reply = await read.run(commands, [entry.keys.state], []);
    }
    const record = this.#recordOf(entry, reply);
    if (record !== undefined) this.#deliver(entry, record, reply.redisNow);
  }

  #receive(text: string): void {
    let record: FleetRecord & { readonly breakerId: string };
    try {
      record = parseMessage(text);
    } catch (error) {
      this.#invalid({ source: 'message', problem: (error as Error).message });
      return;
    }
    const entry = this.#byId.get(record.breakerId);
    if (entry !== undefined) this.#deliver(entry, record, record.writtenAt);
  }

  /**
   * Gives the breakers of `entry` a fleet state newer than the last one known. A record this
   * store wrote is only taken note of, unless `ours` says the breaker left that state meanwhile:
   * a breaker must never hear its own echo (a half-open echo reads "another process probes").
   */
  #deliver(entry: BreakerEntry, record: FleetRecord, redisNow: number, ours = false): void {
    // Replies still arriving while the store closes reach no breaker.
    if (this.#disposed) return;
    if (record.writer === this.#id && !ours) {
      entry.fleetVersion = Math.max(entry.fleetVersion, record.version);
      return;
    }
    const state = entry.adopt(record, redisNow, this.#options.clock);
    if (state === undefined) return;
    for (const subscriber of [...entry.subscribers]) {
      try {
        subscriber(state);
      } catch (error) {
        reportCallbackError(this.#options.onListenerError, error, 'subscribe');
      }
    }
  }

  /** The record in a script's reply, after reporting anything invalid it found. */
  #recordOf(entry: BreakerEntry, reply: ScriptReply): FleetRecord | undefined {
    if (reply.invalid & 1) {
      this.#invalid({
        breaker: entry.name,
        source: 'state',
        problem: 'the key holds a value that is not a Breakwater state record',
      });
    }
    if (reply.invalid & 2) {
      this.#invalid({
        breaker: entry.name,
        source: reply.code === 'granted' ? 'lease' : 'votes',
        problem: 'the key held a foreign value; it was replaced',
      });
    }
    if (reply.record === '') return undefined;
    try {
      return parseRecord(reply.record);
    } catch (error) {
      this.#invalid({ breaker: entry.name, source: 'state', problem: (error as Error).message });
      return undefined;
    }
  }

  #invalid(event: InvalidDataEvent): void {
    this.#emit('invalidData', event);
  }

  #fail(
    operation: StoreFailureEvent['operation'],
    error: unknown,
    breaker: string | undefined,
  ): void {
    const payload: StoreFailureEvent =
      breaker === undefined
        ? { operation, error: redactError(error) }
        : { operation, breaker, error: redactError(error) };
    this.#emit('error', payload);
  }

  #emit<K extends keyof RedisStoreEvents>(event: K, payload: RedisStoreEvents[K]): void {
    if (!this.#disposed) this.#emitter.emit(event, payload);
  }
}

function disposedError(): Error {
  return new Error('The Redis store is disposed.');
}
