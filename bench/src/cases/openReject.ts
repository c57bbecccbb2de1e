import { baselineThenOpen, floorOpen } from '../impls/baseline.ts';
import { breakwaterOpen } from '../impls/breakwater.ts';
import { cockatielOpen } from '../impls/cockatiel.ts';
import { opossumOpen } from '../impls/opossum.ts';
import type { BenchCase } from './types.ts';

export const openReject: BenchCase = {
  name: 'open-reject',
  summary: 'breaker opened by 5 real failures: the fast-fail rejection, awaited and caught',
  reference: 'floor',
  batch: 5_000,
  impls: [floorOpen, baselineThenOpen, breakwaterOpen, cockatielOpen, opossumOpen],
};
