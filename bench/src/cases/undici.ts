import { bareUndici, breakwaterUndici } from '../impls/undici.ts';
import type { BenchCase } from './types.ts';

export const undiciCase: BenchCase = {
  name: 'undici',
  summary: 'one GET to a loopback node:http server with the global fetch over an undici Agent',
  reference: 'bare',
  batch: 500,
  impls: [bareUndici, breakwaterUndici],
};
