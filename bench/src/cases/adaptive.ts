import {
  adaptiveConcurrencyFree,
  adaptiveFailuresClosed,
  adaptiveThresholdClosed,
  throttleClosed,
} from '../impls/adaptive.ts';
import { baselineThenClosed } from '../impls/baseline.ts';
import { breakwaterClosed } from '../impls/breakwater.ts';
import type { BenchCase } from './types.ts';

/**
 * The closed hot path of each adaptive strategy or policy against the default breaker
 * (consecutive(5)), the reference: the target is within 1.5× of it.
 */
function adaptiveCase(name: string, summary: string, ...impls: BenchCase['impls']): BenchCase {
  return {
    name,
    summary,
    reference: 'breakwater',
    batch: 20_000,
    impls: [baselineThenClosed, breakwaterClosed, ...impls],
  };
}

export const adaptiveThrottle = adaptiveCase(
  'adaptive-throttle',
  "closed breaker with strategy { type: 'throttle' }, action () => Promise.resolve(1)",
  throttleClosed,
);

export const adaptiveThreshold = adaptiveCase(
  'adaptive-threshold',
  "closed breaker with strategy { type: 'adaptive' }, action () => Promise.resolve(1)",
  adaptiveThresholdClosed,
  adaptiveFailuresClosed,
);

export const adaptiveConcurrency = adaptiveCase(
  'adaptive-concurrency',
  'adaptiveConcurrency() under its limit, action () => Promise.resolve(1)',
  adaptiveConcurrencyFree,
);
