import { CircuitBreaker, isBreakerOpenError, pipeline, timeout } from '@breakwater/core';
import { failTimes, rejectNow, resolveOne, unexpected } from '../actions.ts';
import type { Impl } from '../harness.ts';
import type { IdleImpl } from '../memory.ts';

function createBreaker(name = 'bench'): CircuitBreaker {
  return new CircuitBreaker({ name });
}

/** Created once, as a caller with a fixed deadline would: the case measures the breaker. */

const breakerConfig = "new CircuitBreaker({ name: 'bench' }) (defaults: consecutive(5))";

export const breakwaterClosed: Impl = {
  name: 'breakwater',
  config: `${breakerConfig}.execute(fn)`,
  create() {
    const breaker = createBreaker();
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await breaker.execute(resolveOne)) !== 1) {
            throw unexpected('breakwater', 'resolved a wrong value');
          }
        }
      },
      dispose: () => breaker.dispose(),
    };
  },
};

/** The closed path with latency measured: `trackLatency`, the clock read twice per call. */
export const breakwaterTracked: Impl = {
  name: 'breakwater+latency',
  config: `new CircuitBreaker({ name: 'bench', trackLatency: true }).execute(fn)`,
  create() {
    const breaker = new CircuitBreaker({ name: 'bench', trackLatency: true });
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await breaker.execute(resolveOne)) !== 1) {
            throw unexpected('breakwater+latency', 'resolved a wrong value');
          }
        }
      },
      dispose: () => breaker.dispose(),
    };
  },
};

/** The closed path with a `success` listener: a payload per call, and latency measured. */
export const breakwaterListened: Impl = {
  name: 'breakwater+listener',
  config: `${breakerConfig}, breaker.on('success', listener).execute(fn)`,
  create() {
    const breaker = createBreaker();
    let successes = 0;
    breaker.on('success', () => {
      successes++;
    });
    return {
      async run(count) {
        const before = successes;
        for (let i = 0; i < count; i++) {
          if ((await breaker.execute(resolveOne)) !== 1) {
            throw unexpected('breakwater+listener', 'resolved a wrong value');
          }
        }
        if (successes - before !== count) {
          throw unexpected('breakwater+listener', 'missed success events');
        }
      },
      dispose: () => breaker.dispose(),
    };
  },
};

export const breakwaterWithTimeout: Impl = {
  name: 'breakwater',
  config: `pipeline(${breakerConfig}, timeout(1000)).execute(fn)`,
  create() {
    const breaker = createBreaker();
    const policy = pipeline(breaker, timeout(1_000));
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

export const breakwaterOpen: Impl = {
  name: 'breakwater',
  config:
    "new CircuitBreaker({ name: 'bench', strategy: { failureCount: 5 }, openMs: 3_600_000 }), " +
    'tripped by 5 failures; rejects with BreakerOpenError',
  async create() {
    const breaker = new CircuitBreaker({
      name: 'bench',
      strategy: { failureCount: 5 },
      openMs: 3_600_000,
    });
    await failTimes(5, () => breaker.execute(rejectNow));
    if (breaker.state !== 'open') throw unexpected('breakwater', 'did not open after 5 failures');
    try {
      await breaker.execute(resolveOne);
      throw unexpected('breakwater', 'let a call through while open');
    } catch (error) {
      if (!isBreakerOpenError(error)) throw error;
    }
    return {
      async run(count) {
        let rejected = 0;
        for (let i = 0; i < count; i++) {
          try {
            await breaker.execute(resolveOne);
          } catch {
            rejected++;
          }
        }
        if (rejected !== count) throw unexpected('breakwater', 'let a call through while open');
      },
      dispose: () => breaker.dispose(),
    };
  },
};

/**
 * The peers' configuration (consecutive(5), a constant 10 s open period), stated in full: every
 * idle breaker is weighed with it, each created from its own options literal as a caller would.
 */
export const breakwaterIdle: IdleImpl = {
  name: 'breakwater',
  config:
    "new CircuitBreaker({ name: 'bench-<i>', strategy: { failureCount: 5 }, openMs: 10_000 })",
  create: (name) => new CircuitBreaker({ name, strategy: { failureCount: 5 }, openMs: 10_000 }),
  dispose: (breaker) => (breaker as CircuitBreaker).dispose(),
};
