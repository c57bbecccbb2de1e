import { dropInClosed, dropInWithTimeout } from '../impls/breakwaterOpossum.ts';
import { opossumClosed, opossumFireWithTimeout } from '../impls/opossum.ts';
import type { BenchCase } from './types.ts';

/**
 * The opossum API: `fire()` on a closed breaker, opossum 10 against the drop-in with the same
 * options (rolling window, percentiles and snapshots at opossum's defaults), without a timeout and
 * with a 1000 ms one.
 */
export const opossumFire: BenchCase = {
  name: 'opossum-fire',
  summary: 'opossum API, closed breaker, fire() of an action that resolves immediately',
  reference: 'opossum',
  batch: 5_000,
  impls: [opossumClosed, dropInClosed, opossumFireWithTimeout, dropInWithTimeout],
};
