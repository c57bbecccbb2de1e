import { adaptiveConcurrency, CircuitBreaker } from '@breakwater/core';
import { resolveOne, unexpected } from '../actions.ts';
import type { Impl } from '../harness.ts';

/** The closed path of a breaker with `strategy`: `execute(fn)` with an action that resolves. */
function closedBreaker(name: string, config: string, strategy: object): Impl {
  return {
    name,
    config,
    create() {
      const breaker = new CircuitBreaker({ name: 'bench', strategy: strategy as never });
      return {
        async run(count) {
          for (let i = 0; i < count; i++) {
            if ((await breaker.execute(resolveOne)) !== 1) {
              throw unexpected(name, 'resolved a wrong value');
            }
          }
          if (breaker.snapshot().counters.rejected !== 0) throw unexpected(name, 'rejected a call');
        },
        dispose: () => breaker.dispose(),
      };
    },
  };
}

export const throttleClosed = closedBreaker(
  'breakwater-throttle',
  "new CircuitBreaker({ name: 'bench', strategy: { type: 'throttle' } }).execute(fn) (k 2, 120 s window)",
  { type: 'throttle' },
);

export const adaptiveThresholdClosed = closedBreaker(
  'breakwater-adaptive',
  "new CircuitBreaker({ name: 'bench', strategy: { type: 'adaptive' } }).execute(fn) (failure rate and latency learned)",
  { type: 'adaptive' },
);

export const adaptiveFailuresClosed = closedBreaker(
  'breakwater-adaptive-failures',
  "new CircuitBreaker({ name: 'bench', strategy: { type: 'adaptive', minLatencyMs: Infinity } }).execute(fn) (failure rate only)",
  { type: 'adaptive', minLatencyMs: Number.POSITIVE_INFINITY },
);

export const adaptiveConcurrencyFree: Impl = {
  name: 'breakwater-concurrency',
  config:
    "adaptiveConcurrency({ name: 'bench' }).execute(fn), limit not reached (calls one at a time)",
  create() {
    const limiter = adaptiveConcurrency({ name: 'bench' });
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await limiter.execute(resolveOne)) !== 1) {
            throw unexpected('breakwater-concurrency', 'resolved a wrong value');
          }
        }
      },
      dispose() {},
    };
  },
};
