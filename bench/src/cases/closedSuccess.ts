import { bareClosed } from '../impls/bare.ts';
import { baselineThenClosed } from '../impls/baseline.ts';
import { breakwaterClosed, breakwaterListened, breakwaterTracked } from '../impls/breakwater.ts';
import { cockatielClosed } from '../impls/cockatiel.ts';
import { opossumClosed } from '../impls/opossum.ts';
import type { BenchCase } from './types.ts';

export const closedSuccess: BenchCase = {
  name: 'closed-success',
  summary: 'closed breaker, no timeout, action () => Promise.resolve(1)',
  reference: 'bare',
  batch: 20_000,
  impls: [
    bareClosed,
    baselineThenClosed,
    breakwaterClosed,
    breakwaterTracked,
    breakwaterListened,
    cockatielClosed,
    opossumClosed,
  ],
};
