import { CircuitBreaker, pipeline, retry, timeout } from '@breakwater/core';
import {
  ConsecutiveBreaker,
  circuitBreaker,
  retry as cockatielRetry,
  timeout as cockatielTimeout,
  ExponentialBackoff,
  handleAll,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import { resolveOne, unexpected } from '../actions.ts';
import type { Impl } from '../harness.ts';

/** The same composition in both libraries: retry (3 attempts) → breaker → 1000 ms timeout. */
export const breakwaterPipeline: Impl = {
  name: 'breakwater',
  config:
    "pipeline(retry({ maxAttempts: 3 }), new CircuitBreaker({ name: 'bench' }), " +
    'timeout(1000)).execute(fn)',
  create() {
    const breaker = new CircuitBreaker({ name: 'bench' });
    const policy = pipeline(retry({ maxAttempts: 3 }), breaker, timeout(1000));
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await policy.execute(resolveOne)) !== 1) {
            throw unexpected('breakwater', 'resolved a wrong value');
          }
        }
      },
      dispose: () => breaker.dispose(),
    };
  },
};

export const cockatielPipeline: Impl = {
  name: 'cockatiel',
  config:
    'wrap(retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }), ' +
    'circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }), ' +
    'timeout(1000, TimeoutStrategy.Aggressive)).execute(fn)',
  create() {
    const policy = wrap(
      cockatielRetry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }),
      circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
      cockatielTimeout(1000, TimeoutStrategy.Aggressive),
    );
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await policy.execute(resolveOne)) !== 1) {
            throw unexpected('cockatiel', 'resolved a wrong value');
          }
        }
      },
      dispose() {},
    };
  },
};
