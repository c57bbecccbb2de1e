import { type BreakerRegistry, BreakwaterConfigError, type CircuitBreaker } from '@breakwater/core';
import { recordRejection, recordStateChange } from './spanEvents.ts';

/** Registries traced now: a second tracer would add every event twice. */
const traced = new WeakSet<BreakerRegistry>();

/**
 * Puts span events on the active span for every rejection and transition of the registry's
 * breakers, present and future. Listens to `rejected` and `stateChange` only: neither is a
 * per-call event, so the closed path stays as fast as without instrumentation. Returns what
 * removes every listener again.
 * @throws BreakwaterConfigError when the registry is traced already
 */
export function traceBreakers(registry: BreakerRegistry): () => void {
  if (traced.has(registry)) {
    throw new BreakwaterConfigError(
      'registry',
      'a registry whose spans are not recorded yet (dispose() the first instrumentBreakers(), ' +
        'or pass `traces: false`)',
      registry,
    );
  }
  traced.add(registry);
  const rejectionListeners = new Map<CircuitBreaker, () => void>();
  const follow = (breaker: CircuitBreaker) => {
    if (!rejectionListeners.has(breaker)) {
      rejectionListeners.set(breaker, breaker.on('rejected', recordRejection));
    }
  };
  const unsubscribe = [
    registry.on('stateChange', recordStateChange),
    registry.on('added', ({ breaker }) => follow(breaker)),
    registry.on('removed', ({ breaker }) => {
      rejectionListeners.get(breaker)?.();
      rejectionListeners.delete(breaker);
    }),
  ];
  for (const breaker of registry.breakers()) follow(breaker);
  return () => {
    traced.delete(registry);
    for (const stop of unsubscribe) stop();
    for (const stop of rejectionListeners.values()) stop();
    rejectionListeners.clear();
  };
}
