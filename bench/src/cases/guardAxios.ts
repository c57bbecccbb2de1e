import { bareGuardAxios, breakwaterGuardAxios } from '../impls/guard/axios.ts';
import type { BenchCase } from './types.ts';

export const guardAxios: BenchCase = {
  name: 'guard-axios',
  summary: 'axios with useBreaker() over an adapter resolving a ready response',
  reference: 'bare',
  batch: 2_000,
  impls: [bareGuardAxios, breakwaterGuardAxios],
};
