import type { SimOrder } from './types.ts';

/** One market as an exchange lists it. */
export interface MarketSpec {
  /** Unified symbol, `BTC/USD`. */
  readonly symbol: string;
  /** The exchange's own id (`XXBTZUSD`, `BTCUSDT`). */
  readonly id: string;
  readonly base: string;
  readonly quote: string;
  /** The price the simulator starts at. */
  readonly price: number;
  /** Decimals of a price. */
  readonly priceDecimals: number;
  /** Decimals of an amount. */
  readonly amountDecimals: number;
  /** The smallest order amount. */
  readonly minAmount: number;
}

/** A market's moving state. */
export interface MarketState {
  readonly spec: MarketSpec;
  price: number;
  open: number;
  high: number;
  low: number;
  volume: number;
  trades: number;
}

/** An order as the simulator holds it; the public {@link SimOrder} plus what venues need. */
export interface HeldOrder extends SimOrder {
  /** Sequence number, for the venues' own id formats. */
  readonly seq: number;
  /** Changed by cancels. */
  status: SimOrder['status'];
}

/**
 * One exchange's markets, prices, balances and orders. Prices move by a small random walk on
 * each tick, from the simulator clock's `random()`, so a seeded `ManualClock` gives the same
 * market every run.
 */
export class SimMarket {
  readonly markets: ReadonlyMap<string, MarketState>;
  readonly balances: Map<string, number>;
  readonly orders: HeldOrder[] = [];
  #clientIds = new Set<string>();

  constructor(specs: readonly MarketSpec[], balances: Readonly<Record<string, number>>) {
    this.markets = new Map(
      specs.map((spec) => [
        spec.symbol,
        {
          spec,
          price: spec.price,
          open: spec.price,
          high: spec.price,
          low: spec.price,
          volume: 0,
          trades: 0,
        },
      ]),
    );
    this.balances = new Map(Object.entries(balances));
  }

  /** The market with the exchange id `id`. */
  byId(id: string): MarketState | undefined {
    for (const market of this.markets.values()) if (market.spec.id === id) return market;
    return undefined;
  }

  /** Moves every price by up to ±0.05 % and records a trade. */
  step(random: () => number): void {
    for (const market of this.markets.values()) {
      const move = (random() - 0.5) * 0.001;
      this.setPrice(market, market.price * (1 + move));
      market.volume += market.spec.minAmount * (1 + Math.floor(random() * 10));
      market.trades++;
    }
  }

  setPrice(market: MarketState, price: number): void {
    const rounded = round(price, market.spec.priceDecimals);
    market.price = rounded;
    market.high = Math.max(market.high, rounded);
    market.low = Math.min(market.low, rounded);
  }

  /** `depth` levels each side around the price, best first, as `[price, amount]`. */
  book(market: MarketState, depth: number): { bids: [number, number][]; asks: [number, number][] } {
    const { price, spec } = market;
    const tick = 10 ** -spec.priceDecimals;
    const levels = (sign: number): [number, number][] =>
      Array.from({ length: depth }, (_, i) => [
        round(price + sign * tick * (i + 1), spec.priceDecimals),
        round(spec.minAmount * 1_000 * (1 + i), spec.amountDecimals),
      ]);
    return { bids: levels(-1), asks: levels(1) };
  }

  /** Whether `clientOrderId` was used before (and remembers it). */
  seen(clientOrderId: string | undefined): boolean {
    if (clientOrderId === undefined) return false;
    if (this.#clientIds.has(clientOrderId)) return true;
    this.#clientIds.add(clientOrderId);
    return false;
  }

  /** Places an order: a market order fills at the price, a limit order rests. */
  place(order: Omit<HeldOrder, 'seq' | 'status' | 'id'>, idOf: (seq: number) => string): HeldOrder {
    const seq = this.orders.length + 1;
    const held: HeldOrder = {
      ...order,
      seq,
      id: idOf(seq),
      status: order.type === 'market' ? 'filled' : 'open',
    };
    this.orders.push(held);
    return held;
  }

  find(id: string | undefined, clientOrderId?: string): HeldOrder | undefined {
    return this.orders.find(
      (order) =>
        (id !== undefined && order.id === id) ||
        (clientOrderId !== undefined && order.clientOrderId === clientOrderId),
    );
  }
}

/** Rounds to `decimals` places. */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
