import type { RejectedEvent, StateChangeEvent } from '@breakwater/core/adapter';
import { type Attributes, trace } from '@opentelemetry/api';
import { attributeNames as names } from './attributes.ts';

/** The span event for a call the breaker rejected. */
export const rejectedEventName = 'breakwater.rejected';
/** The span event for a breaker's transition. */
export const stateChangeEventName = 'breakwater.state_change';

/**
 * Records a rejection on the caller's active span: an event, and the breaker and state as span
 * attributes so the trace can be searched by them. Without an SDK (or a context manager) there is
 * no active span and this returns after one lookup; a span that is not recording is left alone.
 */
export function recordRejection(event: RejectedEvent): void {
  const span = trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return;
  span.setAttributes({ [names.breaker]: event.breaker, [names.state]: event.state });
  const attributes: Attributes = { [names.breaker]: event.breaker, [names.state]: event.state };
  // A breaker open until reset has no finite wait; exporters write Infinity as null or not at all.
  if (event.retryAfterMs !== undefined && Number.isFinite(event.retryAfterMs)) {
    attributes[names.retryAfterMs] = event.retryAfterMs;
  }
  span.addEvent(rejectedEventName, attributes);
}

/**
 * Records a transition on the active span: that of the call whose outcome caused it (the
 * breaker's outcome handling runs in the caller's context), or of whatever called `reset()`,
 * `forceOpen()` and the like. The span's attributes get the breaker, the state entered and the
 * failure category that caused it.
 */
export function recordStateChange(event: StateChangeEvent): void {
  const span = trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return;
  const attributes: Attributes = { [names.breaker]: event.breaker, [names.state]: event.to };
  if (event.category !== undefined) attributes[names.category] = event.category;
  span.setAttributes(attributes);
  span.addEvent(stateChangeEventName, {
    ...attributes,
    [names.previousState]: event.from,
    [names.reason]: event.reason,
  });
}
