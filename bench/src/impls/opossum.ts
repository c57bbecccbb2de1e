import CircuitBreaker from 'opossum';
import { failTimes, rejectNow, resolveOne, unexpected } from '../actions.ts';
import type { Impl } from '../harness.ts';
import type { IdleImpl } from '../memory.ts';

/** Long enough that a tripped breaker stays open for a whole run. */
const stayOpenMs = 3_600_000;

/**
 * A fresh options object per breaker: opossum keeps and mutates the one it is given. The values
 * not listed are opossum's defaults (rolling window 10 s in 10 buckets, percentiles and snapshots
 * on), which is what users get.
 */
export function options(timeoutMs: number | false, resetTimeout: number): CircuitBreaker.Options {
  return { timeout: timeoutMs, errorThresholdPercentage: 50, volumeThreshold: 5, resetTimeout };
}

export const optionsConfig = (timeoutMs: string, resetTimeout: string) =>
  `new CircuitBreaker(fn, { timeout: ${timeoutMs}, errorThresholdPercentage: 50, ` +
  `volumeThreshold: 5, resetTimeout: ${resetTimeout} })`;

export const opossumClosed: Impl = {
  name: 'opossum',
  config: `${optionsConfig('false', '10_000')}.fire()`,
  create() {
    const breaker = new CircuitBreaker(resolveOne, options(false, 10_000));
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await breaker.fire()) !== 1) throw unexpected('opossum', 'resolved a wrong value');
        }
      },
      dispose: () => breaker.shutdown(),
    };
  },
};

export const opossumWithTimeout: Impl = {
  name: 'opossum',
  config: `${optionsConfig('1000', '10_000')}.fire()`,
  create() {
    const breaker = new CircuitBreaker(resolveOne, options(1000, 10_000));
    return {
      async run(count) {
        for (let i = 0; i < count; i++) {
          if ((await breaker.fire()) !== 1) throw unexpected('opossum', 'resolved a wrong value');
        }
      },
      dispose: () => breaker.shutdown(),
    };
  },
};

export const opossumOpen: Impl = {
  name: 'opossum',
  config: `${optionsConfig('false', '3_600_000')}, tripped by 5 failures; rejects with EOPENBREAKER`,
  async create() {
    let fail = false;
    const breaker = new CircuitBreaker(
      () => (fail ? rejectNow() : resolveOne()),
      options(false, stayOpenMs),
    );
    fail = true;
    await failTimes(5, () => breaker.fire());
    fail = false;
    if (!breaker.opened) throw unexpected('opossum', 'did not open after 5 failures');
    return {
      async run(count) {
        let rejected = 0;
        for (let i = 0; i < count; i++) {
          try {
            await breaker.fire();
          } catch {
            rejected++;
          }
        }
        if (rejected !== count) throw unexpected('opossum', 'let a call through while open');
      },
      dispose: () => breaker.shutdown(),
    };
  },
};

export const opossumIdle: IdleImpl = {
  name: 'opossum',
  config: optionsConfig('false', '10_000'),
  create: () => new CircuitBreaker(resolveOne, options(false, 10_000)),
  dispose: (breaker) => (breaker as CircuitBreaker).shutdown(),
};

/** The same as `opossumWithTimeout`, named apart for the `opossum-fire` case. */
export const opossumFireWithTimeout: Impl = { ...opossumWithTimeout, name: 'opossum+timeout' };
