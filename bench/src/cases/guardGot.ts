import { bareGuardGot, breakwaterGuardGot } from '../impls/guard/got.ts';
import type { BenchCase } from './types.ts';

export const guardGot: BenchCase = {
  name: 'guard-got',
  summary: 'got with breakerHooks() over a request function returning a ready response stream',
  reference: 'bare',
  batch: 1_000,
  impls: [bareGuardGot, breakwaterGuardGot],
};
