import { type BreakerRegistry, BreakwaterConfigError } from '@breakwater/core';
import { expectObject, type KnownKeys, rejectUnknownKeys } from '@breakwater/core/adapter';
import {
  register as globalRegister,
  type OpenMetricsContentType,
  type PrometheusContentType,
  type Registry,
} from 'prom-client';

/** A prom-client registry of either exposition format. */
export type PromRegistry = Registry<PrometheusContentType> | Registry<OpenMetricsContentType>;

/** Options of {@link registerBreakerMetrics}. Every option is optional. */
export interface BreakerMetricsOptions {
  /**
   * The breakers to export.
   * @defaultValue `defaultRegistry()`, the process-wide registry, read at each scrape (as the
   * HTTP adapters read it at each request), so `setDefaultRegistry()` later is followed
   */
  registry?: BreakerRegistry;
  /**
   * The prom-client registry the metrics are registered in.
   * @defaultValue prom-client's global `register`
   */
  register?: PromRegistry;
  /**
   * Prepended to every metric name; change it to export a second breaker registry into the same
   * prom-client registry.
   * @defaultValue `'circuit_breaker_'`, the names of the reference systems' dashboards
   */
  prefix?: string;
}

/** {@link BreakerMetricsOptions} validated, with defaults applied. */
export interface ResolvedBreakerMetricsOptions {
  readonly registry: BreakerRegistry | undefined;
  readonly register: PromRegistry;
  readonly prefix: string;
}

const knownKeys: KnownKeys<BreakerMetricsOptions> = {
  registry: true,
  register: true,
  prefix: true,
};

/** Prometheus' metric name syntax; the prefix must keep every name valid. */
const metricNamePrefix = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Validates the options of {@link registerBreakerMetrics}.
 * @throws BreakwaterConfigError naming the option, what is allowed and what was received
 */
export function resolveBreakerMetricsOptions(options: unknown): ResolvedBreakerMetricsOptions {
  if (options === undefined) options = {};
  expectObject('options', options);
  rejectUnknownKeys('', options, knownKeys);
  const prefix = options.prefix ?? 'circuit_breaker_';
  if (typeof prefix !== 'string' || (prefix !== '' && !metricNamePrefix.test(prefix))) {
    throw new BreakwaterConfigError(
      'prefix',
      'a Prometheus metric name prefix (letters, digits, _ and :, not starting with a digit)',
      prefix,
    );
  }
  return Object.freeze({
    registry: resolveRegistry(options.registry),
    register: resolveRegister(options.register),
    prefix,
  });
}

function resolveRegistry(value: unknown): BreakerRegistry | undefined {
  if (value === undefined) return undefined;
  if (hasMethods(value, ['breakers', 'get'])) return value as BreakerRegistry;
  throw new BreakwaterConfigError('registry', 'a BreakerRegistry from @breakwater/core', value);
}

/** Any prom-client `Registry`, also one from another copy of prom-client. */
function resolveRegister(value: unknown): PromRegistry {
  if (value === undefined) return globalRegister;
  if (hasMethods(value, ['registerMetric', 'getSingleMetric', 'removeSingleMetric'])) {
    return value as PromRegistry;
  }
  throw new BreakwaterConfigError(
    'register',
    "a prom-client Registry (or prom-client's register)",
    value,
  );
}

function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
  );
}
