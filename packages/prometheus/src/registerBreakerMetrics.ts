import { BreakwaterConfigError, defaultRegistry } from '@breakwater/core';
import { Counter, Gauge } from 'prom-client';
import { type SnapshotMetricDefinition, snapshotMetrics } from './definitions.ts';
import { LatencyHistogramMetric } from './LatencyHistogramMetric.ts';
import {
  type BreakerMetricsOptions,
  type PromRegistry,
  resolveBreakerMetricsOptions,
} from './resolveBreakerMetricsOptions.ts';
import { ScrapeSnapshots } from './ScrapeSnapshots.ts';

/** What {@link registerBreakerMetrics} registered; `dispose()` takes it out again. */
export interface BreakerMetrics extends Disposable {
  /** The names of the registered metrics, e.g. `circuit_breaker_requests_total`. */
  readonly names: readonly string[];
  /** Removes the metrics from the prom-client registry. Idempotent. */
  dispose(): void;
}

/** The metrics prom-client can hold: what the collector creates. */
type RegisteredMetric = Counter<string> | Gauge<string> | LatencyHistogramMetric;

/**
 * Registers the breakers' metrics in a prom-client registry, with the reference systems' names:
 * `circuit_breaker_requests_total{name,state}`, `circuit_breaker_successes_total{name}`,
 * `circuit_breaker_failures_total{name,category}`, `circuit_breaker_rejections_total{name}`,
 * `circuit_breaker_state{name}` (0 closed, 1 open, 2 half_open, 3 forced_open, 4 disabled),
 * `circuit_breaker_transitions_total{name,from,to}` and, for breakers that track latency,
 * `circuit_breaker_latency_seconds{name}`.
 *
 * Nothing runs on the call path: each scrape reads every breaker's `snapshot()` once (at
 * `registry.metrics()`, through prom-client's `collect()`), so breakers added to or removed from
 * the breaker registry appear in or disappear from the next scrape. The number of series is
 * bounded by the registry's `maxSize`.
 *
 * @throws BreakwaterConfigError when an option is invalid, or when the prom-client registry
 * already holds a metric of one of these names (nothing is registered then)
 * @example
 * ```ts
 * const metrics = registerBreakerMetrics({ registry, register });
 * const text = await register.metrics(); // circuit_breaker_requests_total{name="…",state="closed"} 3
 * metrics.dispose();
 * ```
 */
export function registerBreakerMetrics(options?: BreakerMetricsOptions): BreakerMetrics {
  const { registry, register, prefix } = resolveBreakerMetricsOptions(options);
  const snapshots = new ScrapeSnapshots(() => registry ?? defaultRegistry());
  const current = () => snapshots.current();
  const registered: { readonly name: string; readonly metric: RegisteredMetric }[] = [];
  const unregister = () => {
    for (const { name, metric } of registered.splice(0)) {
      // A metric registered under the same name since is someone else's.
      if (register.getSingleMetric(name) === metric) register.removeSingleMetric(name);
    }
  };
  try {
    for (const definition of snapshotMetrics) {
      const name = `${prefix}${definition.suffix}`;
      assertFree(register, name);
      registered.push({ name, metric: createMetric(definition, name, register, current) });
    }
    const latencyName = `${prefix}latency_seconds`;
    assertFree(register, latencyName);
    registered.push({
      name: latencyName,
      metric: new LatencyHistogramMetric(latencyName, register, current),
    });
  } catch (error) {
    unregister();
    throw error;
  }
  const names = Object.freeze(registered.map(({ name }) => name));
  return {
    names,
    dispose: unregister,
    [Symbol.dispose]: unregister,
  };
}

function assertFree(register: PromRegistry, name: string): void {
  if (register.getSingleMetric(name) === undefined) return;
  throw new BreakwaterConfigError(
    'register',
    `a prom-client registry without a metric named ${name} (dispose() the collector registered ` +
      'before, or give this one another `prefix`)',
    register,
  );
}

/** A counter or gauge whose `collect()` writes every breaker's series from the scrape's snapshots. */
function createMetric(
  definition: SnapshotMetricDefinition,
  name: string,
  register: PromRegistry,
  snapshots: () => ReturnType<ScrapeSnapshots['current']>,
): Counter<string> | Gauge<string> {
  const labelNames = ['name', ...definition.labelNames];
  const help = definition.help;
  if (definition.type === 'counter') {
    return new Counter({
      name,
      help,
      labelNames,
      registers: [register],
      collect() {
        this.reset();
        for (const snapshot of snapshots()) {
          const breaker = snapshot.name;
          definition.write(snapshot, (labels, value) =>
            this.inc({ name: breaker, ...labels }, value),
          );
        }
      },
    });
  }
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [register],
    collect() {
      this.reset();
      for (const snapshot of snapshots()) {
        const breaker = snapshot.name;
        definition.write(snapshot, (labels, value) =>
          this.set({ name: breaker, ...labels }, value),
        );
      }
    },
  });
}
