import { bareGuardFetch, breakwaterGuardFetch } from '../impls/guard/fetch.ts';
import type { BenchCase } from './types.ts';

export const guardFetch: BenchCase = {
  name: 'guard-fetch',
  summary: 'withBreaker(fetch) over a stub fetch resolving a ready Response (no socket)',
  reference: 'bare',
  batch: 5_000,
  impls: [bareGuardFetch, breakwaterGuardFetch],
};
