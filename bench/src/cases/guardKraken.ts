import { bareGuardKraken, breakwaterGuardKraken } from '../impls/guard/fetch.ts';
import type { BenchCase } from './types.ts';

export const guardKraken: BenchCase = {
  name: 'guard-kraken',
  summary:
    'withBreaker(fetch, krakenPreset()) over a stub fetch, JSON body read by rules and caller',
  reference: 'bare',
  batch: 2_000,
  impls: [bareGuardKraken, breakwaterGuardKraken],
};
