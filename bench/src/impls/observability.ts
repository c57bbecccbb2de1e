import { BreakerRegistry } from '@breakwater/core';
import { instrumentBreakers } from '@breakwater/otel';
import { registerBreakerMetrics } from '@breakwater/prometheus';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { Registry } from 'prom-client';
import { resolveOne, unexpected } from '../actions.ts';
import type { Impl, Subject } from '../harness.ts';

/** A metrics reader that collects only when asked: the bench never asks during a batch. */
class IdleReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

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
 * The same breaker with `@breakwater/prometheus` registered in a prom-client registry and
 * `@breakwater/otel` (traces and metrics) on an SDK meter provider. Neither listens to a
 * per-call event, so latency stays untracked and the closed path should cost what it did.
 */
export const observedClosed: Impl = {
  name: 'breakwater+observability',
  config:
    "registry.get('bench').execute(fn) with registerBreakerMetrics({ registry, register }) and instrumentBreakers({ registry, meterProvider }) (SDK MeterProvider)",
  create() {
    const registry = new BreakerRegistry();
    const reader = new IdleReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const metrics = registerBreakerMetrics({ registry, register: new Registry() });
    const instrumentation = instrumentBreakers({ registry, meterProvider });
    return closedLoop('breakwater+observability', registry, () => {
      instrumentation.dispose();
      metrics.dispose();
      void meterProvider.shutdown();
    });
  },
};
