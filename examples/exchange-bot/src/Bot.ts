import { randomBytes } from 'node:crypto';
import { type BreakerRegistry, isBreakerOpenError, isRateLimitedError } from '@breakwater/core';
import ccxt, { type Exchange } from 'ccxt';
import { type Clients, createClients } from './clients.ts';
import type { BotMode, BreakerRow } from './report.ts';
import type { ScaledClock } from './ScaledClock.ts';
import type { Stage } from './stage.ts';
import type { ExchangeId } from './timeline.ts';
import { type MarketFeed, openMarketFeeds } from './wsFeeds.ts';

/** What a bot is made of. */
export interface BotOptions {
  readonly mode: BotMode;
  /** The simulator it trades on. */
  readonly stage: Stage;
  readonly clock: ScaledClock;
  /** The Breakwater bot's breakers; the bare bot has none. */
  readonly registry?: BreakerRegistry;
  /** Where the stream guards say what they do (a socket given up, a reconnect). */
  readonly log?: (line: string) => void;
  /** Binance's request weight per minute for the bot's IP, as its `exchangeInfo` would say. */
  readonly binanceWeightLimit: number;
}

/** What one client did, counted by the bot (the bare bot's live table). */
interface ClientTally {
  calls: number;
  failures: number;
  fastFails: number;
  /** An answer the exchange gave that means "stop": a 418 ban or a 429. */
  lastStatus?: string;
}

const symbols: Record<ExchangeId, string> = { kraken: 'BTC/USD', binance: 'BTC/USDT' };

/**
 * How often each part of the bot acts, in story milliseconds. ccxt spaces Kraken requests by
 * a second: the Kraken loops together stay under that.
 */
const every = {
  ticker: { kraken: 1_500, binance: 250 },
  stats: 500,
  status: 2_000,
  balance: 6_000,
  order: 5_000,
};

/**
 * The trading bot. The Breakwater bot and the bare bot run this very code; only the clients
 * differ (see `createClients`), and the Breakwater bot hears from its breakers whether a
 * failed order may have been placed.
 *
 * On errors it does what ccxt's manual advises: a `NetworkError` (which includes
 * `RequestTimeout`, `RateLimitExceeded` and `ExchangeNotAvailable`) is retried after a short
 * backoff, anything else is given up. That advice is what gets bots banned and orders doubled.
 */
export class Bot {
  readonly mode: BotMode;
  readonly #clock: ScaledClock;
  readonly #clients: Clients;
  readonly #registry: BreakerRegistry | undefined;
  readonly #tallies = new Map<string, ClientTally>();
  #feeds: MarketFeed[] = [];
  readonly #openFeeds: () => MarketFeed[];
  /** `clock.monotonic()` of each successful ticker, per exchange: when the bot had prices. */
  readonly tickers: Record<ExchangeId, number[]> = { kraken: [], binance: [] };
  /** Set by the order breakers' `failure` events: the last failed order may exist. */
  readonly #orderMayExist: Record<ExchangeId, boolean> = { kraken: false, binance: false };
  readonly #lastPrice: Record<ExchangeId, number | undefined> = {
    kraken: undefined,
    binance: undefined,
  };
  #orderSeq = 0;
  /** In client order ids: two bots on one exchange (`--redis`) never share one. */
  readonly #tag = randomBytes(4).toString('hex');

  constructor({ mode, stage, clock, registry, log = () => {}, binanceWeightLimit }: BotOptions) {
    this.mode = mode;
    this.#clock = clock;
    this.#registry = registry;
    this.#clients = createClients(stage, clock, binanceWeightLimit, registry);
    // A 5xx or a timeout on an order means "it may exist": the presets mark such failures.
    registry?.on('added', ({ name, breaker }) => {
      const id: ExchangeId = name.startsWith('kraken') ? 'kraken' : 'binance';
      breaker.on('failure', ({ uncertainEffect }) => {
        if (uncertainEffect) this.#orderMayExist[id] = true;
      });
    });
    this.#openFeeds = () => openMarketFeeds(stage, clock, registry, log);
  }

  /**
   * Loads both exchanges' markets, as every ccxt bot does first, before the story starts: with
   * a real-time timeout, since a cold start (modules, connections) is no part of the story.
   */
  async start(): Promise<void> {
    await Promise.all(
      [this.#clients.kraken, this.#clients.binance].map(async (exchange) => {
        const storyTimeout = exchange.timeout;
        exchange.timeout = 30_000;
        try {
          await exchange.loadMarkets();
        } finally {
          exchange.timeout = storyTimeout;
        }
      }),
    );
    this.#feeds = this.#openFeeds();
  }

  /** Runs every loop of the bot until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { kraken, binance, binanceAxios, krakenGot, binanceKy } = this.#clients;
    const loops: [string, number, () => Promise<unknown>][] = [
      ['kraken ticker (ccxt)', every.ticker.kraken, () => this.#ticker('kraken', kraken)],
      ['binance ticker (ccxt)', every.ticker.binance, () => this.#ticker('binance', binance)],
      ['kraken balance (ccxt)', every.balance, () => kraken.fetchBalance()],
      ['binance balance (ccxt)', every.balance, () => binance.fetchBalance()],
      ['kraken orders (ccxt)', every.order, () => this.#order('kraken', kraken)],
      ['binance orders (ccxt)', every.order, () => this.#order('binance', binance)],
      [
        'binance 24 h stats (axios)',
        every.stats,
        () => binanceAxios.get('/api/v3/ticker/24hr', { params: { symbol: 'BTCUSDT' } }),
      ],
      ['kraken status (got)', every.status, () => krakenGot('0/public/SystemStatus').json()],
      ['binance status (ky)', every.status, () => binanceKy('sapi/v1/system/status').json()],
    ];
    await Promise.all(
      loops.map(async ([name, intervalMs, action]) => {
        while (!signal.aborted) {
          // Orders retry on their own terms (see #order); everything else as ccxt advises.
          const retried = name.includes('orders') ? action : () => this.#withRetry(action);
          await this.#counted(name, retried);
          await this.#clock.sleep(intervalMs, signal);
        }
      }),
    );
  }

  /** The rows of the live table: breakers for the Breakwater bot, clients for the bare one. */
  rows(): BreakerRow[] {
    const feeds = this.#feeds.map((feed) => feed.row());
    if (this.#registry !== undefined) {
      const now = this.#clock.now();
      // The stream breakers show as their guards' rows (connection state, same counters).
      const http = this.#registry.list().filter((snapshot) => !snapshot.name.endsWith(':stream'));
      const breakers = http.map((snapshot) => ({
        name: snapshot.name,
        state: snapshot.state,
        openForMs: snapshot.openUntil > 0 ? snapshot.openUntil - now : undefined,
        calls: snapshot.counters.calls,
        failures: snapshot.counters.failures,
        fastFails: snapshot.counters.rejected,
      }));
      return [...breakers.sort((a, b) => a.name.localeCompare(b.name)), ...feeds];
    }
    const clients = [...this.#tallies].map(([name, tally]) => ({
      name,
      state: tally.lastStatus ?? '-',
      calls: tally.calls,
      failures: tally.failures,
      fastFails: tally.fastFails,
    }));
    return [...clients, ...feeds];
  }

  /** Closes the sockets and the clients' connections. */
  async close(): Promise<void> {
    await Promise.all(this.#feeds.map((feed) => feed.close()));
    await Promise.all([this.#clients.kraken.close(), this.#clients.binance.close()]);
  }

  async #ticker(id: ExchangeId, exchange: Exchange): Promise<void> {
    const ticker = await exchange.fetchTicker(symbols[id]);
    this.#lastPrice[id] = ticker.last;
    this.tickers[id].push(this.#clock.monotonic());
  }

  /**
   * Places one limit order with a client order id of its own. After a failure that may have
   * placed it (Breakwater says so), the bot looks for it before sending it again; without that
   * knowledge it can only follow ccxt's advice and send it again.
   */
  async #order(id: ExchangeId, exchange: Exchange): Promise<void> {
    const clientOrderId = `demo-${this.#tag}-${++this.#orderSeq}`;
    const last = this.#lastPrice[id];
    if (last === undefined) return; // no market data yet: no order
    const price = Math.round(last * 0.9);
    const place = () =>
      exchange.createOrder(symbols[id], 'limit', 'buy', 0.001, price, { clientOrderId });
    for (let attempt = 0; ; attempt++) {
      this.#orderMayExist[id] = false;
      try {
        return void (await place());
      } catch (error) {
        if (isBreakerOpenError(error) || !(error instanceof ccxt.NetworkError) || attempt >= 2) {
          throw error;
        }
        if (this.#orderMayExist[id]) {
          const open = await exchange.fetchOpenOrders(symbols[id]);
          if (open.some((order) => order.clientOrderId === clientOrderId)) return;
        }
        await this.#clock.sleep(250 * 2 ** attempt);
      }
    }
  }

  /** ccxt's advice: retry a `NetworkError` twice, after 250 and 500 ms; never an open breaker. */
  async #withRetry<T>(action: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await action();
      } catch (error) {
        if (isBreakerOpenError(error) || !(error instanceof ccxt.NetworkError) || attempt >= 2) {
          throw error;
        }
        await this.#clock.sleep(250 * 2 ** attempt);
      }
    }
  }

  async #counted(name: string, action: () => Promise<unknown>): Promise<void> {
    const tally = this.#tallies.get(name) ?? { calls: 0, failures: 0, fastFails: 0 };
    this.#tallies.set(name, tally);
    tally.calls++;
    try {
      await action();
      tally.lastStatus = 'ok';
    } catch (error) {
      if (isBreakerOpenError(error) || isRateLimitedError(error)) tally.fastFails++;
      else tally.failures++;
      tally.lastStatus = describe(error);
    }
  }
}

/** A short name for what went wrong, for the bare bot's table. */
function describe(error: unknown): string {
  if (isBreakerOpenError(error) || isRateLimitedError(error)) return 'fast-fail';
  const status =
    (error as { response?: { status?: number } })?.response?.status ??
    /\b(4\d\d|5\d\d)\b/.exec(String((error as Error)?.message))?.[1];
  const name = (error as Error)?.constructor?.name ?? 'error';
  return status === undefined ? name : `${name} ${status}`;
}
