import type { BreakerRegistry } from '@breakwater/core';
import {
  binancePreset,
  bybitPreset,
  coinbasePreset,
  type ExchangeId,
  type ExchangePreset,
  krakenPreset,
  okxPreset,
} from '@breakwater/exchanges';

const presets = {
  kraken: krakenPreset,
  binance: binancePreset,
  coinbase: coinbasePreset,
  bybit: bybitPreset,
  okx: okxPreset,
} as const satisfies Record<ExchangeId, unknown>;

/** The exchange's preset with its default options, its breakers in `registry`. */
export function presetFor(exchange: ExchangeId, registry?: BreakerRegistry): ExchangePreset {
  return presets[exchange](registry === undefined ? {} : { registry });
}
