/**
 * The attribute names Breakwater puts on spans and metric points: one namespace, so a query
 * such as `breakwater.state = "open"` finds both.
 */
export const attributeNames = Object.freeze({
  /** The breaker's name: its key, an origin or endpoint group (never a full URL). */
  breaker: 'breakwater.breaker',
  /** The state that rejected a call, or the state a transition entered. */
  state: 'breakwater.state',
  /** The state a transition left. */
  previousState: 'breakwater.previous_state',
  /** Why a transition happened (`failures`, `retryAfter`, `probeSucceeded`, `manual`, …). */
  reason: 'breakwater.reason',
  /** The failure category that caused a transition, or of a failure count. */
  category: 'breakwater.category',
  /** How long the breaker asked a rejected caller to wait, when it knows. */
  retryAfterMs: 'breakwater.retry_after_ms',
});
