import { binanceCases } from './binance.ts';
import { bybitCases } from './bybit.ts';
import { coinbaseCases } from './coinbase.ts';
import { krakenCases } from './kraken.ts';
import { okxCases } from './okx.ts';
import type { ExchangeCase } from './types.ts';

export type { ExchangeCase } from './types.ts';
export { caseNowMs } from './types.ts';

/**
 * Every documented case, by exchange: at least 100 responses as the exchanges send them, with
 * the verdict each preset must give.
 */
export const exchangeCases: readonly ExchangeCase[] = [
  ...krakenCases,
  ...binanceCases,
  ...coinbaseCases,
  ...bybitCases,
  ...okxCases,
];
