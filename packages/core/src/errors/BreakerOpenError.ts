import { BreakwaterError, findBreakwaterError, V8Error } from './BreakwaterError.ts';

/**
 * The state a breaker was in when it rejected a call. `'closed'`: its strategy turned the call
 * away while closed (adaptive throttling), see `rejectionRate`.
 */
export type RejectingState = 'closed' | 'open' | 'half_open' | 'forced_open';

/**
 * Thrown (or returned by `tryAcquire`) when a breaker rejects a call without running it.
 * Nothing was sent: the call may be retried after `retryAfterMs`.
 *
 * Created without a stack trace on the fast-fail path: a bot hammering an open breaker
 * throws thousands of these, and the stack would only point into Breakwater.
 */
export class BreakerOpenError extends BreakwaterError {
  declare readonly code: 'BREAKWATER_OPEN';
  declare readonly name: 'BreakerOpenError';
  /** The breaker's name (its key: an origin or endpoint group, never a full URL). */
  readonly breaker: string;
  /** Why the call was rejected. */
  readonly state: RejectingState;
  /**
   * Milliseconds until the breaker lets a probe through, when known; `undefined` while it is
   * forced open, or when half-open probes are all taken.
   */
  readonly retryAfterMs: number | undefined;
  /**
   * For a call a closed breaker's strategy turned away (`state: 'closed'`), the share (0–1) of
   * calls it was rejecting at that moment, when it rejects at random (adaptive throttling);
   * `undefined` otherwise.
   */
  readonly rejectionRate: number | undefined;

  constructor(
    breaker: string,
    state: RejectingState,
    retryAfterMs?: number,
    rejectionRate?: number,
  ) {
    // An own `message`, not a lazy getter: `structuredClone`, `postMessage` and worker threads
    // copy only own data properties of an error.
    super(messageOf(breaker, state, retryAfterMs, rejectionRate));
    this.breaker = breaker;
    this.state = state;
    this.retryAfterMs = retryAfterMs;
    this.rejectionRate = rejectionRate;
  }

  // hot path: every rejection of an open breaker.
  /**
   * Creates the error without capturing a stack trace: the fast-fail path. `withoutStack()`
   * inlined: its closure was ~a third of the error's cost in the open-reject bench.
   */
  static fast(
    breaker: string,
    state: RejectingState,
    retryAfterMs?: number,
    rejectionRate?: number,
  ): BreakerOpenError {
    const limit = V8Error.stackTraceLimit;
    V8Error.stackTraceLimit = 0;
    try {
      return new BreakerOpenError(breaker, state, retryAfterMs, rejectionRate);
    } finally {
      V8Error.stackTraceLimit = limit;
    }
  }
}
Object.defineProperties(BreakerOpenError.prototype, {
  code: { value: 'BREAKWATER_OPEN' },
  name: { value: 'BreakerOpenError' },
});

/**
 * The last message built, and what it was built from: a breaker rejecting in a loop rejects with
 * the same words until the whole number of ms changes, and formatting the number was a fifth of
 * a rejection's cost. A throttling message (`closed`) names a rate and is built every time.
 */
let lastMessage = '';
let lastBreaker = '';
let lastState: RejectingState | undefined;
let lastWaitMs: number | undefined;

function messageOf(
  breaker: string,
  state: RejectingState,
  retryAfterMs: number | undefined,
  rejectionRate: number | undefined,
): string {
  if (state === 'closed') return describe(breaker, state, retryAfterMs, rejectionRate);
  const waitMs = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs);
  if (breaker === lastBreaker && state === lastState && waitMs === lastWaitMs) return lastMessage;
  lastMessage = describe(breaker, state, retryAfterMs, undefined);
  lastBreaker = breaker;
  lastState = state;
  lastWaitMs = waitMs;
  return lastMessage;
}

function describe(
  breaker: string,
  state: RejectingState,
  retryAfterMs: number | undefined,
  rejectionRate: number | undefined,
) {
  if (state === 'closed') {
    const share =
      rejectionRate === undefined ? '' : ` (rejecting ${Math.round(rejectionRate * 100)}% now)`;
    return `Breaker "${breaker}" is throttling calls${share}: the dependency accepts fewer than it is sent; retry later.`;
  }
  if (state === 'forced_open')
    return `Breaker "${breaker}" is forced open; call reset() or enable() to allow calls.`;
  if (state === 'half_open')
    return `Breaker "${breaker}" is half-open and all probes are in flight; retry shortly.`;
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) {
    return `Breaker "${breaker}" is open and will not recover on its own; call reset().`;
  }
  return `Breaker "${breaker}" is open; retry after ${Math.ceil(retryAfterMs)} ms.`;
}

/**
 * True when `value`, or an error in its `cause` chain, is a {@link BreakerOpenError} from any
 * copy of Breakwater. Clients wrap errors thrown in their hooks (got's `RequestError`, undici's
 * `TypeError: fetch failed`), so looking through `cause` is what callers need.
 */
export function isBreakerOpenError(value: unknown): value is BreakerOpenError {
  return findBreakwaterError(value, 'BREAKWATER_OPEN') !== undefined;
}

/** Returns the {@link BreakerOpenError} in `value`'s `cause` chain, if any. */
export function getBreakerOpenError(value: unknown): BreakerOpenError | undefined {
  return findBreakwaterError(value, 'BREAKWATER_OPEN') as BreakerOpenError | undefined;
}
