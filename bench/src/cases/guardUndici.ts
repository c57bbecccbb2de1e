import { bareGuardUndici, breakwaterGuardUndici } from '../impls/guard/undici.ts';
import type { BenchCase } from './types.ts';

export const guardUndici: BenchCase = {
  name: 'guard-undici',
  summary: 'the undici interceptor over a stub dispatcher answering in a microtask',
  reference: 'bare',
  batch: 2_000,
  impls: [bareGuardUndici, breakwaterGuardUndici],
};
