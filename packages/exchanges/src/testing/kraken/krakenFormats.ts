import type { HeldOrder, MarketState } from '../SimMarket.ts';
import { krakenAssets, krakenMarkets } from './krakenMarkets.ts';

const fmt = (state: MarketState, value: number) => value.toFixed(state.spec.priceDecimals);
const vol = (state: MarketState, value: number) => value.toFixed(state.spec.amountDecimals);

/** Kraken's txid format: three groups of 6, 5 and 6 characters. */
export function txid(seq: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let state = seq * 2_654_435_761;
  let text = '';
  for (let i = 0; i < 17; i++) {
    // A small linear congruential step: ids look like Kraken's and stay deterministic.
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    text += alphabet[state % 32];
  }
  return `${text.slice(0, 6)}-${text.slice(6, 11)}-${text.slice(11)}`;
}

/** Seconds since the epoch with Kraken's 4 decimals. */
const seconds = (ms: number): number => Math.round(ms / 0.1) / 10_000;

/** An order as `QueryOrders` and `OpenOrders` return it (placed at `placedAt`, epoch ms). */
export function krakenOrder(
  order: HeldOrder,
  state: MarketState,
  placedAt: number,
): Record<string, unknown> {
  const filled = order.status === 'filled';
  const price = order.price ?? state.price;
  const spec = state.spec as (typeof krakenMarkets)[number];
  const opentm = seconds(placedAt);
  return {
    refid: null,
    userref: 0,
    cl_ord_id: order.clientOrderId,
    status:
      order.status === 'filled' ? 'closed' : order.status === 'canceled' ? 'canceled' : 'open',
    opentm,
    ...(order.status === 'open' ? {} : { closetm: opentm }),
    starttm: 0,
    expiretm: 0,
    descr: {
      pair: spec.altname,
      type: order.side,
      ordertype: order.type,
      price: order.type === 'limit' ? fmt(state, price) : '0',
      price2: '0',
      leverage: 'none',
      order: `${order.side} ${vol(state, order.amount)} ${spec.altname} @ ${order.type}${order.type === 'limit' ? ` ${fmt(state, price)}` : ''}`,
      close: '',
    },
    vol: vol(state, order.amount),
    vol_exec: filled ? vol(state, order.amount) : vol(state, 0),
    cost: filled ? fmt(state, price * order.amount) : '0.00000',
    fee: '0.00000',
    price: filled ? fmt(state, price) : '0.00000',
    stopprice: '0.00000',
    limitprice: '0.00000',
    misc: '',
    oflags: 'fciq',
  };
}

/** `Assets`: the assets of the simulator's pairs. */
export function krakenAssetInfo(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(krakenAssets).map(([id, asset]) => [
      id,
      { aclass: 'currency', ...asset, display_decimals: 5, status: 'enabled' },
    ]),
  );
}

/** `AssetPairs`: the simulator's pairs, as Kraken lists them. */
export function krakenAssetPairs(): Record<string, unknown> {
  return Object.fromEntries(
    krakenMarkets.map((spec) => [
      spec.id,
      {
        altname: spec.altname,
        wsname: spec.wsname,
        aclass_base: 'currency',
        base: spec.base,
        aclass_quote: 'currency',
        quote: spec.quote,
        lot: 'unit',
        cost_decimals: 5,
        pair_decimals: spec.priceDecimals,
        lot_decimals: spec.amountDecimals,
        lot_multiplier: 1,
        leverage_buy: [],
        leverage_sell: [],
        fees: [[0, 0.4]],
        fees_maker: [[0, 0.25]],
        fee_volume_currency: 'ZUSD',
        margin_call: 80,
        margin_stop: 40,
        ordermin: String(spec.minAmount),
        costmin: '0.5',
        tick_size: (10 ** -spec.priceDecimals).toFixed(spec.priceDecimals),
        status: 'online',
      },
    ]),
  );
}

/** One pair's entry of `Ticker`. */
export function krakenTicker(
  state: MarketState,
  book: { bids: [number, number][]; asks: [number, number][] },
): Record<string, unknown> {
  const [bid, ask] = [book.bids[0]!, book.asks[0]!];
  const volume = vol(state, state.volume);
  return {
    a: [fmt(state, ask[0]), '1', vol(state, ask[1])],
    b: [fmt(state, bid[0]), '1', vol(state, bid[1])],
    c: [fmt(state, state.price), vol(state, state.spec.minAmount)],
    v: [volume, volume],
    p: [fmt(state, state.price), fmt(state, state.price)],
    t: [state.trades, state.trades],
    l: [fmt(state, state.low), fmt(state, state.low)],
    h: [fmt(state, state.high), fmt(state, state.high)],
    o: fmt(state, state.open),
  };
}
