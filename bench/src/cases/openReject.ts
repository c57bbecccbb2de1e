import { baselineThenOpen } from '../impls/baseline.ts';
import { breakwaterOpen } from '../impls/breakwater.ts';
import { cockatielOpen } from '../impls/cockatiel.ts';
import { opossumOpen } from '../impls/opossum.ts';
import type { BenchCase } from './types.ts';

export const openReject: BenchCase = {
  name: 'open-reject',
  summary: 'open breaker: the fast-fail rejection, awaited and caught',
  reference: 'baseline-then',
  batch: 5_000,
  impls: [baselineThenOpen, breakwaterOpen, cockatielOpen, opossumOpen],
};
