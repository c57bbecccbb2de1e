import { adaptiveConcurrency, CircuitBreaker } from '@breakwater/core';
import { resolveOne, unexpected } from '../actions.ts';
import type { Impl } from '../harness.ts';

// Each implementation has its own loop (no call site shared between implementations, as the
// harness requires): one factory for the three would share its loop's type feedback.

export const throttleClosed: Impl = {
  name: 'breakwater-throttle',
  config:
    "new CircuitBreaker({ name: 'bench', strategy: { type: 'throttle' } }).execute(fn) (k 2, 120 s window)",
  create() {
    const breaker = new CircuitBreaker({ name: 'bench', strategy: { type: 'throttle' } });
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await breaker.execute(resolveOne)) !== 1) {
            throw unexpected('breakwater-throttle', 'resolved a wrong value');
          }
        }
      },
      dispose: () => breaker.dispose(),
    };
  },
};

export const adaptiveThresholdClosed: Impl = {
  name: 'breakwater-adaptive',
  config:
    "new CircuitBreaker({ name: 'bench', strategy: { type: 'adaptive' } }).execute(fn) (failure rate and latency learned)",
  create() {
    const breaker = new CircuitBreaker({ name: 'bench', strategy: { type: 'adaptive' } });
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await breaker.execute(resolveOne)) !== 1) {
            throw unexpected('breakwater-adaptive', 'resolved a wrong value');
          }
        }
      },
      dispose: () => breaker.dispose(),
    };
  },
};

export const adaptiveFailuresClosed: Impl = {
  name: 'breakwater-adaptive-failures',
  config:
    "new CircuitBreaker({ name: 'bench', strategy: { type: 'adaptive', minLatencyMs: Infinity } }).execute(fn) (failure rate only)",
  create() {
    const breaker = new CircuitBreaker({
      name: 'bench',
      strategy: { type: 'adaptive', minLatencyMs: Number.POSITIVE_INFINITY },
    });
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await breaker.execute(resolveOne)) !== 1) {
            throw unexpected('breakwater-adaptive-failures', 'resolved a wrong value');
          }
        }
      },
      dispose: () => breaker.dispose(),
    };
  },
};

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
