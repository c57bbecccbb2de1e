import { type BreakerRegistry, BreakwaterConfigError, defaultRegistry } from '@breakwater/core';
import {
  expectBoolean,
  expectObject,
  type KnownKeys,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';
import { type MeterProvider, metrics } from '@opentelemetry/api';
import { observeBreakers } from './observeBreakers.ts';
import { traceBreakers } from './traceBreakers.ts';

/** Options of {@link instrumentBreakers}. Every option is optional. */
export interface BreakerInstrumentationOptions {
  /**
   * The breakers to instrument: those in it now and those added later.
   * @defaultValue `defaultRegistry()` at the time of the call (call `setDefaultRegistry()` first)
   */
  registry?: BreakerRegistry;
  /**
   * Where the observable metrics are created.
   * @defaultValue the global meter provider at the time of the call (start the SDK first); the
   * API's no-op provider when none is registered
   */
  meterProvider?: MeterProvider;
  /**
   * Span events on the active span for rejections and transitions.
   * @defaultValue `true`
   */
  traces?: boolean;
  /**
   * Observable metrics read from the breakers' snapshots at each collection.
   * @defaultValue `true`
   */
  metrics?: boolean;
}

/** What {@link instrumentBreakers} set up; `dispose()` removes it. */
export interface BreakerInstrumentation extends Disposable {
  /** Removes the listeners and the metrics callback. Idempotent. */
  dispose(): void;
}

const knownKeys: KnownKeys<BreakerInstrumentationOptions> = {
  registry: true,
  meterProvider: true,
  traces: true,
  metrics: true,
};

/** The instrumentation scope: what backends show as the source of the metrics. */
const meterName = '@breakwater/otel';

/**
 * Reports a registry's breakers to OpenTelemetry:
 * - **traces**: a `breakwater.rejected` event on the active span when a breaker rejects a call,
 *   and a `breakwater.state_change` event when one changes state, with the span attributes
 *   `breakwater.breaker`, `breakwater.state` and (for a transition a failure caused)
 *   `breakwater.category`;
 * - **metrics**: observable counters `breakwater.breaker.requests`, `.successes`, `.failures`,
 *   `.rejections`, `.transitions` and the gauge `breakwater.breaker.state`, read from the
 *   breakers' snapshots when the SDK collects.
 *
 * Nothing is added to the closed call path, and without an SDK the API's no-op implementations
 * make the rest free: no active span, and a metrics callback that is never called.
 *
 * @throws BreakwaterConfigError when an option is invalid (the message names it), or when the
 * registry's spans are recorded already by an instrumentation not disposed (`traces: true` twice)
 * @example
 * ```ts
 * const instrumentation = instrumentBreakers({ registry });
 * // …
 * instrumentation.dispose();
 * ```
 */
export function instrumentBreakers(
  options?: BreakerInstrumentationOptions,
): BreakerInstrumentation {
  if (options === undefined) options = {};
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, knownKeys);
  const registry = resolveRegistry(options.registry);
  const meterProvider = resolveMeterProvider(options.meterProvider);
  const traces = expectBoolean('traces', options.traces ?? true);
  const withMetrics = expectBoolean('metrics', options.metrics ?? true);
  const stops: (() => void)[] = [];
  const dispose = () => {
    for (const stop of stops.splice(0)) stop();
  };
  try {
    if (traces) stops.push(traceBreakers(registry));
    if (withMetrics) stops.push(observeBreakers(meterProvider.getMeter(meterName), registry));
  } catch (error) {
    // A meter provider that throws leaves nothing behind, the listeners included.
    dispose();
    throw error;
  }
  return { dispose, [Symbol.dispose]: dispose };
}

function resolveRegistry(value: unknown): BreakerRegistry {
  if (value === undefined) return defaultRegistry();
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BreakerRegistry).breakers === 'function' &&
    typeof (value as BreakerRegistry).on === 'function'
  ) {
    return value as BreakerRegistry;
  }
  throw new BreakwaterConfigError('registry', 'a BreakerRegistry from @breakwater/core', value);
}

function resolveMeterProvider(value: unknown): MeterProvider {
  if (value === undefined) return metrics.getMeterProvider();
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as MeterProvider).getMeter === 'function'
  ) {
    return value as MeterProvider;
  }
  throw new BreakwaterConfigError('meterProvider', 'an OpenTelemetry MeterProvider', value);
}
