import { bareGuardKy, breakwaterGuardKy } from '../impls/guard/ky.ts';
import type { BenchCase } from './types.ts';

export const guardKy: BenchCase = {
  name: 'guard-ky',
  summary: 'ky with breakerHooks() over a fetch option resolving a fresh Response',
  reference: 'bare',
  batch: 2_000,
  impls: [bareGuardKy, breakwaterGuardKy],
};
