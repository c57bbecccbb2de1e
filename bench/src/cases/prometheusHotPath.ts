import { bareClosed } from '../impls/bare.ts';
import { observedClosed, registryClosed } from '../impls/observability.ts';
import type { BenchCase } from './types.ts';

/**
 * The closed path with `@breakwater/prometheus` and `@breakwater/otel` registered over the
 * breaker's registry (latency tracking off), against the same breaker with nothing observing it:
 * the exporters read snapshots at scrape time, so the two should be within noise.
 */
export const prometheusHotPath: BenchCase = {
  name: 'prometheus-hot-path',
  summary: 'closed breaker from a registry, with and without the Prometheus and OTel exporters',
  reference: 'breakwater',
  batch: 20_000,
  impls: [bareClosed, registryClosed, observedClosed],
};
