import type { RejectingState } from '../errors/BreakerOpenError.ts';
import type { CallContext, Category } from '../Outcome.ts';
import type { RedactedError } from '../redact/redactError.ts';
import type { BreakerState } from '../store/types.ts';

/**
 * Why a breaker changed state:
 * - `failures`: the strategy's threshold was reached while closed;
 * - `retryAfter`: a failure carried a server-requested wait (`openOnRetryAfter`);
 * - `recoveryDue`: the open period ended and the next call became a probe;
 * - `probeSucceeded`, `probeFailed`, `probeTimedOut`: half-open outcomes;
 * - `manual`: `reset()`, `trip()`, `forceOpen()`, `disable()`, `enable()`;
 * - `remote`: another process's transition, pushed by the store;
 * - `restored`: the durable state loaded at start.
 */
export type TransitionReason =
  | 'failures'
  | 'retryAfter'
  | 'recoveryDue'
  | 'probeSucceeded'
  | 'probeFailed'
  | 'probeTimedOut'
  | 'manual'
  | 'remote'
  | 'restored';

/** Emitted when a call is admitted (only built when someone listens). */
export interface CallEvent {
  readonly breaker: string;
  readonly state: BreakerState;
  readonly probe: boolean;
  readonly context: CallContext | undefined;
}

/** A call succeeded. */
export interface SuccessEvent {
  readonly breaker: string;
  /** Present when latency is tracked. */
  readonly durationMs: number | undefined;
  readonly context: CallContext | undefined;
}

/** A call failed and counted toward opening the breaker. */
export interface FailureEvent {
  readonly breaker: string;
  readonly category: Category;
  readonly durationMs: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** The call may have taken effect (an order with a 5xx or timeout): reconcile before retrying. */
  readonly uncertainEffect: boolean;
  readonly context: CallContext | undefined;
}

/** A call's outcome counted neither way (a 4xx, an auth error, another policy's rejection). */
export interface IgnoredEvent {
  readonly breaker: string;
  readonly category: Category;
  readonly context: CallContext | undefined;
}

/** A call failed with category `timeout` (also emitted as `failure`). */
export interface TimeoutEvent {
  readonly breaker: string;
  readonly durationMs: number | undefined;
  readonly context: CallContext | undefined;
}

/** A call was rejected without running: nothing was sent. */
export interface RejectedEvent {
  readonly breaker: string;
  readonly state: RejectingState;
  readonly retryAfterMs: number | undefined;
  /** The strategy's rejection rate when it throttled the call (`state: 'closed'`). */
  readonly rejectionRate: number | undefined;
  readonly context: CallContext | undefined;
}

/** The breaker moved from one state to another. */
export interface StateChangeEvent {
  readonly breaker: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly reason: TransitionReason;
  /** Epoch ms of the transition. */
  readonly at: number;
  /** Epoch ms until which the breaker stays open (`Infinity`: until reset), 0 otherwise. */
  readonly openUntil: number;
  /** Category of the failure that caused it, if one did. */
  readonly category: Category | undefined;
}

/** The store failed; the breaker goes on with its local state. */
export interface StoreErrorEvent {
  readonly breaker: string;
  readonly operation: 'load' | 'save' | 'subscribe' | 'claimProbe';
  /** The store's error, redacted (`redactError`): connection strings and paths lose credentials. */
  readonly error: RedactedError;
}

/** Every event a breaker emits, by name. */
export interface BreakerEvents {
  call: CallEvent;
  success: SuccessEvent;
  failure: FailureEvent;
  ignored: IgnoredEvent;
  timeout: TimeoutEvent;
  rejected: RejectedEvent;
  stateChange: StateChangeEvent;
  storeError: StoreErrorEvent;
}

/** Events whose payload is built per call: listening to one of them turns on latency tracking. */
export const perCallEvents = ['call', 'success', 'failure', 'ignored', 'timeout'] as const;
