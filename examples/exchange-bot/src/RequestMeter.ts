import type { ExchangeSim, SimCounters } from '@breakwater/exchanges/testing';
import type { ScaledClock } from './ScaledClock.ts';
import type { ExchangeId, FailingWindow } from './timeline.ts';

/** Requests per route (`'POST /0/private/Balance'`), all statuses together. */
type RouteCounts = Map<string, number>;

/** Kraken's and Binance's account endpoints that are no order calls. */
const privateRoute =
  /^(POST \/0\/private\/(?!AddOrder|AddOrderBatch|EditOrder|AmendOrder|Cancel)|GET \/api\/v3\/(account|openOrders|allOrders|myTrades)|GET \/api\/v3\/order\b)/;

function routeCounts(counters: SimCounters): RouteCounts {
  const counts: RouteCounts = new Map();
  for (const [route, byStatus] of Object.entries(counters.routes)) {
    counts.set(
      route,
      Object.values(byStatus).reduce((sum, n) => sum + n, 0),
    );
  }
  return counts;
}

/**
 * Counts the requests a simulated exchange received while it was failing: it reads the
 * simulator's per-route counters when each failing window opens and closes, and keeps the
 * routes the incident hit (every route, or the account endpoints only).
 */
export class RequestMeter {
  readonly #sim: ExchangeSim;
  readonly #clock: ScaledClock;
  readonly #timers: unknown[] = [];
  readonly #cued: FailingWindow[] = [];
  readonly #counted: Record<ExchangeId, number> = { kraken: 0, binance: 0 };
  readonly #discounted: Record<ExchangeId, number> = { kraken: 0, binance: 0 };
  /** The open window on each exchange, and the counters when it opened. */
  readonly #open: Partial<Record<ExchangeId, { window: FailingWindow; at: RouteCounts }>> = {};

  constructor(sim: ExchangeSim, clock: ScaledClock, windows: readonly FailingWindow[]) {
    this.#sim = sim;
    this.#clock = clock;
    for (const window of windows) {
      const { exchange } = window;
      if (window.cued) this.#cued.push(window);
      else this.#timers.push(clock.setTimeout(() => this.#openNow(window), window.startMs));
      this.#timers.push(clock.setTimeout(() => this.#close(exchange), window.endMs));
    }
  }

  /** Opens the cued window of `exchange` that is due now (see `FailingWindow.cued`). */
  cue(exchange: ExchangeId, storyMs: number): void {
    const window = this.#cued.find(
      (w) => w.exchange === exchange && storyMs >= w.startMs && storyMs < w.endMs,
    );
    if (window !== undefined && this.#open[exchange] === undefined) this.#openNow(window);
  }

  #openNow(window: FailingWindow): void {
    this.#open[window.exchange] = { window, at: routeCounts(this.#sim.counters(window.exchange)) };
  }

  /** Requests received during failing windows, after the story (closes a window still open). */
  whileFailing(exchange: ExchangeId): number {
    this.#close(exchange);
    return this.#counted[exchange];
  }

  /**
   * One request to `exchange` that someone else sent (the job that spends Binance's weight):
   * not the bot's, so not counted.
   */
  discount(exchange: ExchangeId): void {
    this.#discounted[exchange]++;
    if (this.#open[exchange] !== undefined) this.#counted[exchange]--;
  }

  /** Requests to `exchange` that were not the bot's. */
  discounted(exchange: ExchangeId): number {
    return this.#discounted[exchange];
  }

  /** Stops the timers of windows to come. */
  dispose(): void {
    for (const timer of this.#timers) this.#clock.clearTimeout(timer);
  }

  #close(exchange: ExchangeId): void {
    const open = this.#open[exchange];
    if (open === undefined) return;
    delete this.#open[exchange];
    for (const [route, count] of routeCounts(this.#sim.counters(exchange))) {
      if (open.window.scope === 'private' && !privateRoute.test(route)) continue;
      this.#counted[exchange] += count - (open.at.get(route) ?? 0);
    }
  }
}
