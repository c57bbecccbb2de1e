/**
 * @breakwater/prometheus: Breakwater's circuit breakers as Prometheus metrics, through prom-client.
 *
 * `registerBreakerMetrics()` registers counters, a state gauge and a latency histogram whose
 * values are read from the breakers' snapshots at scrape time: nothing is added to the call path.
 */

export { type BreakerMetrics, registerBreakerMetrics } from './registerBreakerMetrics.ts';
export type { BreakerMetricsOptions, PromRegistry } from './resolveBreakerMetricsOptions.ts';
