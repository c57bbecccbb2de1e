import { baselineTimeoutClosed } from '../impls/baseline.ts';
import { breakwaterWithTimeout } from '../impls/breakwater.ts';
import { cockatielWithTimeout } from '../impls/cockatiel.ts';
import { opossumWithTimeout } from '../impls/opossum.ts';
import type { BenchCase } from './types.ts';

export const closedWithTimeout: BenchCase = {
  name: 'closed-with-timeout',
  summary: 'closed breaker, 1000 ms timeout per call, action resolves immediately',
  reference: 'baseline-timeout',
  batch: 5_000,
  impls: [baselineTimeoutClosed, breakwaterWithTimeout, cockatielWithTimeout, opossumWithTimeout],
};
