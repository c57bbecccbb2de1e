export { type ConstantBackoffOptions, constantBackoff } from './constantBackoff.ts';
export {
  type DecorrelatedJitterBackoffOptions,
  decorrelatedJitterBackoff,
} from './decorrelatedJitterBackoff.ts';
export { type ExponentialBackoffOptions, exponentialBackoff } from './exponentialBackoff.ts';
export { type FibonacciBackoffOptions, fibonacciBackoff } from './fibonacciBackoff.ts';
export { type LinearBackoffOptions, linearBackoff } from './linearBackoff.ts';
export { applyJitter, type Backoff, type Jitter } from './types.ts';
