import { randomUUID } from 'node:crypto';
import { duplicate, type RedisClient } from '../Connections.ts';
import {
  BreakwaterConfigError,
  Emitter,
  PolicyBase,
  type RateBudget,
  type RateLimiter,
  type RateLimiterExecuteOptions,
  type RateLimitReport,
  rateLimiter,
} from '../core.ts';
import { breakerId } from '../keys.ts';
import { LuaScript } from '../LuaScript.ts';
import type { RedisRateLimiterEvents } from './events.ts';
import { LimiterEvents } from './LimiterEvents.ts';
import { acquireScript, reportScript } from './limiterLua.ts';
import { type AcquireReply, parseAcquireReply } from './parseReply.ts';
import { isStop, ReportSender, type ScriptReport, scriptReport } from './ReportSender.ts';
import {
  type RedisRateLimiterOptions,
  type ResolvedRedisRateLimiterOptions,
  resolveRedisRateLimiterOptions,
} from './resolveRedisRateLimiterOptions.ts';
import { WaitQueue } from './WaitQueue.ts';

/** {@link RateLimiterExecuteOptions} plus the call's priority across the fleet. */
export interface RedisRateLimiterExecuteOptions extends RateLimiterExecuteOptions {
  /**
   * `'low'` (market data) leaves `lowPriorityReserveRate` of the budget to the other calls
   * (orders), in every process, and waits behind them in this one.
   * @defaultValue `'normal'`
   */
  readonly priority?: 'normal' | 'low';
}

const acquire = new LuaScript(acquireScript, 2);
const report = new LuaScript(reportScript, 1);
/** How long after a failed command the limiter stays local before it tries Redis again. */
const retrySharedMs = 1_000;
/** How long calls made before the first connection wait for it, at least. */
const firstConnectMs = 1_000;
/** See the core `RateLimiter.update()`: a fixed-window count this early may be the last one's. */
const lateReportMs = 1_000;

type Mode = 'connecting' | 'shared' | 'local';

/**
 * A rate limiter whose budget is shared by every process on one Redis: the core
 * {@link RateLimiter}'s interface (weights, a bounded wait, `tryAcquire`, abortable waits,
 * `update()` from the server's headers) on a token bucket kept in Redis and spent by one atomic
 * Lua script per acquisition, timed by Redis' clock. A local pre-claim serves most calls without
 * a round trip; when Redis cannot be reached, the limiter spends its share of the budget on its
 * own and says so with a `fallback` event.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const weight = new RedisRateLimiter({
 *   client: new Redis({ lazyConnect: true }),
 *   name: 'binance:ip',
 *   capacity: 6000,
 *   refill: { amount: 6000, intervalMs: 60_000 },
 *   windowMs: 60_000,
 *   maxWaitMs: 5_000,
 * });
 * await weight.execute((signal) => fetch(url, { signal }), { weight: 20 });
 * ```
 */
export class RedisRateLimiter
  extends PolicyBase<RedisRateLimiterEvents, RedisRateLimiterExecuteOptions>
  implements RateBudget
{
  readonly #options: ResolvedRedisRateLimiterOptions;
  readonly #connection: RedisClient;
  readonly #keys: readonly string[];
  /**
   * The budget's keys, for operators: a hash (`budget`) and the sorted set of the limiters
   * using it (`members`). They hold the SHA-256 of the name, never the name.
   */
  readonly keys: { readonly budget: string; readonly members: string };
  readonly #fixedArgs: readonly number[];
  readonly #id = randomUUID();
  readonly #queue = new WaitQueue();
  readonly #events: LimiterEvents;
  #mode: Mode = 'connecting';
  #wasShared = false;
  #erred = false;
  /** Weight claimed from Redis and not spent yet, and until when (monotonic) it may be. */
  #lease = 0;
  #leaseUntil = Infinity;
  /** Weight Redis had left at the last round trip; limiters sharing the budget. */
  #left: number;
  #processes = 1;
  #claiming = false;
  /**
   * Monotonic time before which Redis said a call of `#refusedWeight` (normal or low priority)
   * would not fit: a call at least as heavy is refused without asking again.
   */
  #nextTryAt = 0;
  #refusedWeight = Infinity;
  #refusedLow = false;
  #timer: unknown = undefined;
  #netTimer: ReturnType<typeof setTimeout> | undefined;
  #fallback: RateLimiter | undefined;
  readonly #reports = new ReportSender(
    (next) => this.#sendReport(next),
    () => this.#mode === 'shared' && !this.#disposed,
  );
  #disposed = false;

  constructor(options: RedisRateLimiterOptions) {
    const resolved = resolveRedisRateLimiterOptions(options);
    super(new Emitter(resolved.onListenerError));
    this.#options = resolved;
    this.#events = new LimiterEvents(this.emitter, resolved.name);
    this.#left = resolved.capacity;
    const id = breakerId(resolved.name);
    const base = `${resolved.prefix}limit:{${id}}:`;
    this.keys = Object.freeze({ budget: `${base}budget`, members: `${base}members` });
    this.#keys = [this.keys.budget, this.keys.members];
    this.#fixedArgs = [resolved.capacity, resolved.refillPerMs, resolved.windowMs];
    this.#connection = duplicate(resolved.client, resolved, true);
    this.#watch();
    // Calls made before the first connection wait for it (a refused one sends them to the
    // fallback at once): a fleet starting on a loaded machine must not spend whole budgets
    // locally because a connection took 300 ms.
    this.#netTimer = setTimeout(
      () => {
        if (this.#mode === 'connecting') this.#goLocal();
      },
      Math.max(resolved.commandTimeoutMs, firstConnectMs),
    );
    this.#netTimer.unref?.();
  }

  /** The budget's name. */
  get name(): string {
    return this.#options.name;
  }

  /**
   * Weight a call could take now without waiting: this limiter's pre-claim plus what Redis had
   * left at the last round trip (or, while local, the fallback's).
   */
  get available(): number {
    if (this.#mode === 'local') return this.#lease + this.#local().available;
    return this.#lease + this.#left;
  }

  /** Calls of this limiter waiting for their weight. */
  get queued(): number {
    return this.#queue.length + (this.#fallback?.queued ?? 0);
  }

  /** Limiters that shared the budget at the last round trip, this one included. */
  get processes(): number {
    return this.#processes;
  }

  /** True while Redis cannot be used and the limiter spends its share on its own. */
  get isLocal(): boolean {
    return this.#mode === 'local';
  }

  /**
   * Takes `options.weight` from the shared budget and runs `fn`, waiting up to `maxWaitMs`.
   * @throws RateLimitedError (as a rejection) when the weight would take longer than
   *   `maxWaitMs`, or exceeds the capacity
   * @throws the caller's `signal.reason` (as a rejection) when the signal aborts while waiting
   * @throws BreakwaterConfigError (as a rejection) on an invalid `weight` or `priority`
   */
  execute<T>(
    fn: (signal: AbortSignal | undefined) => PromiseLike<T>,
    options?: RedisRateLimiterExecuteOptions,
  ): Promise<T> {
    // hot path: a call the pre-claim covers reads the clock once and allocates nothing.
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const weight = options?.weight ?? 1;
    if (!(weight >= 0 && weight !== Infinity)) {
      return Promise.reject(new BreakwaterConfigError('weight', 'a finite number >= 0', weight));
    }
    const priority = options?.priority;
    if (priority !== undefined && priority !== 'normal' && priority !== 'low') {
      return Promise.reject(new BreakwaterConfigError('priority', "'normal' or 'low'", priority));
    }
    const context = options?.context;
    if (weight > this.#options.capacity) {
      return Promise.reject(this.#events.rejection('too_heavy', weight, undefined, context));
    }
    if (this.#queue.length === 0 && this.#takeLease(weight)) return run(fn, signal);
    if (this.#mode === 'local') {
      return this.#local().execute(fn, { weight, signal, context });
    }
    const now = this.#options.clock.monotonic();
    const deadline = now + this.#options.maxWaitMs;
    if (this.#nextTryAt > deadline && this.#knownToWait(weight, priority === 'low')) {
      return Promise.reject(
        this.#events.rejection('exhausted', weight, this.#nextTryAt - now, context),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.add(
        { weight, low: priority === 'low', deadline, signal, context, resolve, reject },
        this.#pump,
      );
      this.#pump();
    }).then(() => fn(signal));
  }

  /**
   * Takes `weight` from this limiter's pre-claim and returns `0`, or takes nothing and returns
   * the milliseconds after which to try again (`Infinity` when the weight exceeds the capacity).
   * Never waits for Redis: when the pre-claim is short it asks Redis for more in the
   * background, so a retry after the returned time usually finds it.
   * @defaultValue `weight`: `1`
   * @throws BreakwaterConfigError when `weight` is not a finite number >= 0
   */
  tryAcquire(weight = 1): number {
    if (!(weight >= 0 && weight !== Infinity)) {
      throw new BreakwaterConfigError('weight', 'a finite number >= 0', weight);
    }
    if (weight > this.#options.capacity) return Infinity;
    if (this.#queue.length === 0 && this.#takeLease(weight)) return 0;
    if (this.#mode === 'local') return this.#local().tryAcquire(weight);
    const now = this.#options.clock.monotonic();
    const waits = now < this.#nextTryAt && this.#knownToWait(weight, false);
    if (!this.#claiming && this.#mode === 'shared' && !waits) {
      this.#claim(weight - this.#lease, 0, false);
    }
    return waits ? Math.ceil(this.#nextTryAt - now) : 1;
  }

  /**
   * Tightens the shared budget with what the server reported, for every process: as the core
   * `RateLimiter.update()` (the same fields, the same safety margin), computed by the script on
   * Redis' clock. A report that nothing remains until a reset (a 429 or 418 with `Retry-After`)
   * also drops this limiter's pre-claim. Never waits: a report Redis cannot take is dropped
   * with an `error` event.
   */
  update(serverReport: RateLimitReport): void {
    this.#fallback?.update(serverReport);
    const { capacity, safetyMarginRate } = this.#options;
    const next = scriptReport(serverReport, capacity, safetyMarginRate);
    if (next === undefined) return;
    if (isStop(next)) this.#lease = 0;
    if (this.#mode !== 'local') this.#reports.offer(next);
  }

  #sendReport({ allowed, kind, value }: ScriptReport): Promise<void> {
    const args = [...this.#fixedArgs, allowed, kind, value, this.#options.maxResetWaitMs];
    return report.call(this.#connection, this.#keys.slice(0, 1), [...args, lateReportMs]).then(
      (reply) => {
        const invalid = Number((reply as unknown[] | undefined)?.[1]);
        this.#events.invalid(Number.isNaN(invalid) ? 0 : invalid);
      },
      (error: unknown) => this.#events.error('report', error),
    );
  }

  /**
   * Stops the limiter: waiting calls reject, the connection closes, no timer stays behind.
   * Weight this process pre-claimed is not given back (it counts as spent).
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#clearTimer();
    clearTimeout(this.#netTimer);
    this.#queue.rejectAll(new Error(`The rate limiter "${this.#options.name}" is disposed.`));
    try {
      if (this.#connection.status === 'ready') await this.#connection.quit();
    } catch {
      // Disconnecting below anyway.
    }
    this.#connection.disconnect();
  }

  /** `await using limiter = …`: the same as {@link RedisRateLimiter.dispose}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Whether the last refusal holds for a call of `weight`: it is at least as heavy. */
  #knownToWait(weight: number, low: boolean): boolean {
    return weight >= this.#refusedWeight && (low || !this.#refusedLow);
  }

  #takeLease(weight: number): boolean {
    if (this.#lease < weight) return false;
    if (this.#leaseUntil !== Infinity && this.#options.clock.monotonic() >= this.#leaseUntil) {
      this.#lease = 0;
      return weight === 0;
    }
    this.#lease -= weight;
    return true;
  }

  /** Serves waiting calls from the pre-claim, then asks Redis for the first one still waiting. */
  readonly #pump = (): void => {
    this.#clearTimer();
    if (this.#disposed) return;
    for (let head = this.#queue.head; head !== undefined; head = this.#queue.head) {
      if (!this.#takeLease(head.weight)) break;
      this.#queue.remove(head);
      head.resolve();
    }
    const head = this.#queue.head;
    if (head === undefined || this.#claiming || this.#mode === 'connecting') return;
    if (this.#mode === 'local') {
      this.#queue.moveTo(this.#local());
      return;
    }
    this.#claim(head.weight - this.#lease, this.#queue.weight - head.weight, head.low);
  };

  #claim(need: number, more: number, low: boolean): void {
    this.#refusedWeight = need + this.#lease;
    this.#refusedLow = low;
    const { clock, capacity, lowPriorityReserveRate, maxBatchWeight, safetyMarginRate } =
      this.#options;
    this.#claiming = true;
    const sentAt = clock.monotonic();
    const args = [
      ...this.#fixedArgs,
      need,
      more,
      low ? lowPriorityReserveRate * capacity : 0,
      maxBatchWeight,
      safetyMarginRate * capacity,
      this.#id,
      this.#options.activeTtlMs,
    ];
    acquire
      .call(this.#connection, this.#keys, args)
      .then(parseAcquireReply)
      .then(
        (reply) => this.#claimed(reply, sentAt),
        (error: unknown) => {
          this.#claiming = false;
          if (this.#disposed) return;
          this.#events.error('acquire', error);
          this.#goLocal();
          this.#pump();
        },
      );
  }

  #claimed(reply: AcquireReply, sentAt: number): void {
    this.#claiming = false;
    if (this.#disposed) return;
    this.#events.invalid(reply.invalid);
    this.#processes = reply.processes;
    this.#left = reply.left;
    const now = this.#options.clock.monotonic();
    if (reply.granted) {
      // Measured from when the request left, so a pre-claim never outlives its window here.
      const until = sentAt + reply.leaseMs;
      if (this.#leaseUntil !== Infinity && now >= this.#leaseUntil) this.#lease = 0;
      this.#lease += reply.amount;
      this.#leaseUntil = until;
      this.#nextTryAt = 0;
      this.#pump();
      return;
    }
    this.#nextTryAt = now + reply.amount;
    for (const waiter of this.#queue.late(this.#nextTryAt)) {
      this.#queue.remove(waiter);
      waiter.reject(
        this.#events.rejection('exhausted', waiter.weight, reply.amount, waiter.context),
      );
    }
    this.#queue.announce(reply.amount, (waiter) =>
      this.#events.delayed(waiter.weight, reply.amount, waiter.context),
    );
    if (this.#queue.length > 0) {
      this.#timer = this.#options.clock.setTimeout(
        this.#pump,
        Math.max(1, Math.ceil(reply.amount)),
      );
    }
  }

  #watch(): void {
    const connection = this.#connection;
    const shared = () => {
      if (this.#disposed || connection.status !== 'ready') return;
      this.#erred = false;
      const wasLocal = this.#mode === 'local';
      this.#mode = 'shared';
      this.#wasShared = true;
      if (wasLocal) this.#announce(false);
      this.#reports.flush();
      this.#pump();
    };
    // Loaded first, so that a report and the acquisition after it run in that order.
    connection.on('ready', () => {
      Promise.all([acquire.preload(connection), report.preload(connection)]).then(shared, shared);
    });
    connection.on('close', () => {
      if (this.#disposed || this.#mode !== 'shared') return;
      this.#goLocal();
    });
    // Without a listener ioredis logs every failed reconnection attempt to the console.
    connection.on('error', (error: unknown) => {
      if (this.#disposed || this.#erred) return;
      this.#erred = true;
      this.#events.error('connection', error);
      if (this.#mode === 'connecting') this.#goLocal();
    });
  }

  #goLocal(): void {
    if (this.#mode === 'local' || this.#disposed) return;
    this.#mode = 'local';
    this.#fallback = undefined;
    this.#announce(true);
    this.#queue.moveTo(this.#local());
    // A command that failed on a live connection (a slow Redis): try it again after a while.
    if (this.#connection.status === 'ready') {
      clearTimeout(this.#netTimer);
      this.#netTimer = setTimeout(() => {
        if (this.#mode !== 'local' || this.#connection.status !== 'ready') return;
        this.#mode = 'shared';
        this.#announce(false);
      }, retrySharedMs);
      this.#netTimer.unref?.();
    }
  }

  /** The local limiter of the fallback: this process's share of the budget. */
  #local(): RateLimiter {
    if (this.#fallback !== undefined) return this.#fallback;
    const { local, capacity, refillPerMs } = this.#options;
    const n = Math.max(this.#processes, this.#options.fallbackProcesses);
    const fallback = rateLimiter({
      ...local,
      capacity: capacity / n,
      refill: { amount: (refillPerMs * 1_000) / n, intervalMs: 1_000 },
      name: this.#options.name,
      onListenerError: this.#options.onListenerError,
    });
    fallback.on('rateLimited', (event) => this.emitter.emit('rateLimited', event));
    fallback.on('rateLimitDelayed', (event) => this.emitter.emit('rateLimitDelayed', event));
    this.#fallback = fallback;
    return fallback;
  }

  #announce(active: boolean): void {
    if (!active && !this.#wasShared) return;
    this.#events.fallback(active, Math.max(this.#processes, this.#options.fallbackProcesses));
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function run<T>(
  fn: (signal: AbortSignal | undefined) => PromiseLike<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  try {
    return Promise.resolve(fn(signal));
  } catch (error) {
    return Promise.reject(error);
  }
}
