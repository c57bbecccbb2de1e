/**
 * @breakwater/otel: Breakwater's circuit breakers in OpenTelemetry.
 *
 * `instrumentBreakers()` puts span events on the active span when a breaker rejects a call or
 * changes state, and creates observable metrics read from the breakers' snapshots at collection
 * time. It uses only `@opentelemetry/api`: without an SDK, everything is the API's no-op.
 */

export { attributeNames } from './attributes.ts';
export {
  type BreakerInstrumentation,
  type BreakerInstrumentationOptions,
  instrumentBreakers,
} from './instrumentBreakers.ts';
export { rejectedEventName, stateChangeEventName } from './spanEvents.ts';
