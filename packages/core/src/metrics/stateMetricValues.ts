import type { BreakerState } from '../store/types.ts';

/**
 * The number a metrics exporter reports for each state (`circuit_breaker_state` in
 * `@breakwater/prometheus`, `breakwater.breaker.state` in `@breakwater/otel`). `closed`, `open`
 * and `half_open` keep the reference systems' numbers (0, 1, 2); the manual modes get their own
 * instead of sharing one, so a graph tells an operator's `forceOpen()` (3) from a tripped breaker
 * and a kill switch (`disable()`, 4) from a healthy one.
 */
export const stateMetricValues: Readonly<Record<BreakerState, number>> = Object.freeze({
  closed: 0,
  open: 1,
  half_open: 2,
  forced_open: 3,
  disabled: 4,
});
