import { BreakerRegistry, type BreakerRegistryOptions, ManualClock } from '@breakwater/core';
import type { Attributes } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/** A breaker registry on a manual clock: breakers open on one failure, for 1 s. */
export function createRegistry(options: BreakerRegistryOptions = {}) {
  const clock = new ManualClock();
  const errors: unknown[] = [];
  const registry = new BreakerRegistry({
    clock,
    defaults: { openMs: 1_000, strategy: { failureCount: 1 } },
    onListenerError: (error) => errors.push(error),
    ...options,
  });
  return { clock, registry, errors };
}

/** The SDK's tracing pipeline with an in-memory exporter: finished spans are kept in memory. */
export function createTracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  return { exporter, provider, tracer: provider.getTracer('test') };
}

/** A reader the test collects from on demand, instead of on a timer. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One data point, flattened for assertions. */
export interface Point {
  readonly metric: string;
  readonly attributes: Attributes;
  readonly value: unknown;
}

/**
 * The SDK's metrics pipeline with a reader collected on demand. With `delta` temporality a
 * collection holds only what the callbacks observed this time; with the default cumulative one
 * the SDK also repeats the last value of every series observed before.
 */
export function createMetrics(temporality: 'cumulative' | 'delta' = 'cumulative') {
  const reader = new OnDemandReader({
    aggregationTemporalitySelector: () =>
      temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
  });
  const provider = new MeterProvider({ readers: [reader] });
  /** Collects now; fails on a callback error the SDK caught. */
  async function collect(): Promise<Point[]> {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
    return resourceMetrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.flatMap((metric) =>
        metric.dataPoints.map((point) => ({
          metric: metric.descriptor.name,
          attributes: point.attributes,
          value: point.value,
        })),
      ),
    );
  }
  return { provider, collect };
}

/** A network error, which the default classifier counts as a failure. */
export const refused = (): Promise<never> =>
  Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
