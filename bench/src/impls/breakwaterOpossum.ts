import CircuitBreaker from '@breakwater/opossum';
import { resolveOne, unexpected } from '../actions.ts';
import type { Impl } from '../harness.ts';
import type { IdleImpl } from '../memory.ts';
import { options, optionsConfig } from './opossum.ts';

/**
 * The opossum drop-in, `@breakwater/opossum`, with exactly the options of the `opossum` rows
 * (a fresh object per breaker, built by the same function).
 */
function fireLoop(name: string, timeoutMs: number | false): Impl {
  return {
    name,
    config: `@breakwater/opossum ${optionsConfig(String(timeoutMs), '10_000')}.fire()`,
    create() {
      const breaker = new CircuitBreaker(resolveOne, options(timeoutMs, 10_000));
      return {
        async run(count) {
          for (let i = 0; i < count; i++) {
            if ((await breaker.fire()) !== 1) throw unexpected(name, 'resolved a wrong value');
          }
        },
        dispose: () => breaker.shutdown(),
      };
    },
  };
}

export const dropInClosed: Impl = fireLoop('breakwater', false);

export const dropInWithTimeout: Impl = fireLoop('breakwater+timeout', 1000);

export const dropInIdle: IdleImpl = {
  name: 'breakwater-opossum',
  config: `@breakwater/opossum ${optionsConfig('false', '10_000')}`,
  create: () => new CircuitBreaker(resolveOne, options(false, 10_000)),
  dispose: (breaker) => (breaker as CircuitBreaker).shutdown(),
};
