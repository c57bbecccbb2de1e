import { BreakerRegistry } from '@breakwater/core';
import { registerBreakerMetrics } from '@breakwater/prometheus';
import { Registry } from 'prom-client';
import { resolveOne, unexpected } from '../actions.ts';
import type { Impl, Subject } from '../harness.ts';

/** The closed path of `registry.get('bench')` (defaults: consecutive(5), no latency tracking). */
function closedLoop(name: string, registry: BreakerRegistry, dispose: () => void): Subject {
  const breaker = registry.get('bench');
  return {
    async run(count) {
      for (let i = 0; i < count; i++) {
        if ((await breaker.execute(resolveOne)) !== 1)
          throw unexpected(name, 'resolved a wrong value');
      }
    },
    dispose() {
      dispose();
      registry.dispose();
    },
  };
}

/** The plain core: a registry's breaker, nothing observing it. */
export const registryClosed: Impl = {
  name: 'breakwater',
  config: "new BreakerRegistry().get('bench').execute(fn)",
  create: () => closedLoop('breakwater', new BreakerRegistry(), () => {}),
};

/**
 * The same breaker with `@breakwater/prometheus` registered in a prom-client registry. The
 * collector listens to no per-call event, so latency stays untracked and the closed path should
 * cost what it did.
 */
export const observedClosed: Impl = {
  name: 'breakwater+prometheus',
  config: "registry.get('bench').execute(fn) with registerBreakerMetrics({ registry, register })",
  create() {
    const registry = new BreakerRegistry();
    const metrics = registerBreakerMetrics({ registry, register: new Registry() });
    return closedLoop('breakwater+prometheus', registry, () => metrics.dispose());
  },
};
