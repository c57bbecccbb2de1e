import type { BreakerSnapshot } from '@breakwater/core';
import { latencyBucketsMs } from '@breakwater/core/adapter';
import { Histogram } from 'prom-client';
import type { PromRegistry } from './resolveBreakerMetricsOptions.ts';

/** The core's fixed latency buckets, in seconds (Prometheus' base unit). */
export const latencyBucketsSeconds: readonly number[] = Object.freeze(
  latencyBucketsMs.map((ms) => ms / 1_000),
);

/** One exported value of a histogram, as prom-client's registry formats it. */
interface HistogramValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName: string;
}

/** What a prom-client metric's `get()` resolves to. */
type MetricJson = Awaited<ReturnType<Histogram<'name'>['get']>>;

const help =
  'Call durations measured by breakers that track latency (trackLatency, a slow-call threshold, or a per-call listener), in seconds.';

/**
 * `circuit_breaker_latency_seconds`: the histogram each breaker that tracks latency keeps, exported
 * as it is. prom-client's `Histogram` can only `observe()` one duration at a time, which would put
 * prom-client on the call path; this one reports the breaker's own bucket counts instead, built at
 * scrape time by overriding the two methods prom-client's registry reads a metric through
 * (`getForPromString()` for `metrics()`, `get()` for `getMetricsAsJSON()`). Breakers that do not
 * track latency have no series.
 */
export class LatencyHistogramMetric extends Histogram<'name'> {
  readonly #snapshots: () => readonly BreakerSnapshot[];
  readonly #metricName: string;

  constructor(name: string, register: PromRegistry, snapshots: () => readonly BreakerSnapshot[]) {
    super({
      name,
      help,
      labelNames: ['name'],
      buckets: [...latencyBucketsSeconds],
      registers: [register],
    });
    this.#metricName = name;
    this.#snapshots = snapshots;
  }

  override async get(): Promise<MetricJson> {
    return this.getForPromString();
  }

  /** What prom-client's registry reads to format the exposition text. */
  async getForPromString(): Promise<MetricJson> {
    const values: HistogramValue[] = [];
    const bucketName = `${this.#metricName}_bucket`;
    for (const snapshot of this.#snapshots()) {
      const latency = snapshot.latency;
      if (latency === undefined) continue;
      const name = snapshot.name;
      for (let i = 0; i < latencyBucketsSeconds.length; i++) {
        values.push({
          labels: { le: latencyBucketsSeconds[i]!, name },
          value: latency.buckets[i]!,
          metricName: bucketName,
        });
      }
      values.push(
        { labels: { le: '+Inf', name }, value: latency.count, metricName: bucketName },
        { labels: { name }, value: latency.sumMs / 1_000, metricName: `${this.#metricName}_sum` },
        { labels: { name }, value: latency.count, metricName: `${this.#metricName}_count` },
      );
    }
    // prom-client's types declare `type` as a numeric enum; its registry reads the string.
    return {
      name: this.#metricName,
      help,
      type: 'histogram',
      aggregator: 'sum',
      values,
    } as unknown as MetricJson;
  }
}
