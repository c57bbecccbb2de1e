import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { failTimes, rejectNow, resolveOne, unexpected } from '../actions.ts';
import type { Impl } from '../harness.ts';
import type { IdleImpl } from '../memory.ts';

/** Long enough that a tripped breaker stays open for a whole run. */
const stayOpenMs = 3_600_000;

function createBreaker(halfOpenAfter: number) {
  return circuitBreaker(handleAll, { halfOpenAfter, breaker: new ConsecutiveBreaker(5) });
}

const breakerConfig = (halfOpenAfter: string) =>
  `circuitBreaker(handleAll, { halfOpenAfter: ${halfOpenAfter}, breaker: new ConsecutiveBreaker(5) })`;

export const cockatielClosed: Impl = {
  name: 'cockatiel',
  config: `${breakerConfig('10_000')}.execute(fn)`,
  create() {
    const breaker = createBreaker(10_000);
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await breaker.execute(resolveOne)) !== 1) {
            throw unexpected('cockatiel', 'resolved a wrong value');
          }
        }
      },
      dispose() {},
    };
  },
};

export const cockatielWithTimeout: Impl = {
  name: 'cockatiel',
  config: `wrap(timeout(1000, TimeoutStrategy.Aggressive), ${breakerConfig('10_000')}).execute(fn)`,
  create() {
    const policy = wrap(timeout(1000, TimeoutStrategy.Aggressive), createBreaker(10_000));
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

export const cockatielOpen: Impl = {
  name: 'cockatiel',
  config: `${breakerConfig('3_600_000')}, tripped by 5 failures; rejects with BrokenCircuitError`,
  async create() {
    const breaker = createBreaker(stayOpenMs);
    await failTimes(5, () => breaker.execute(rejectNow));
    if (breaker.state !== CircuitState.Open) {
      throw unexpected('cockatiel', 'did not open after 5 failures');
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
        if (rejected !== count) throw unexpected('cockatiel', 'let a call through while open');
      },
      dispose() {},
    };
  },
};

export const cockatielIdle: IdleImpl = {
  name: 'cockatiel',
  config: breakerConfig('10_000'),
  create: () => createBreaker(10_000),
  dispose() {},
};
