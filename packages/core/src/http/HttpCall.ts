import type { CircuitBreaker } from '../CircuitBreaker.ts';
import type { AbortState } from '../classify/errorTraits.ts';
import type { CallContext } from '../Outcome.ts';
import type { Permit } from '../Permit.ts';
import type { HttpRetry } from './HttpRetry.ts';
import type { HttpRequestInfo } from './types.ts';

/**
 * One request admitted (or bypassed) by an {@link HttpGuard}: what an adapter keeps between its
 * client's request hook and its response or error hook, and hands back to
 * `guard.settleResponse()` or `guard.settle()`.
 */
export interface HttpCall {
  readonly request: HttpRequestInfo;
  /** The call's context: key, method, endpoint, idempotency. */
  readonly context: CallContext;
  /** The request's breaker; `undefined` when the request bypasses Breakwater. */
  readonly breaker: CircuitBreaker | undefined;
  /** The permit to settle; `undefined` when the request bypasses Breakwater. */
  readonly permit: Permit | undefined;
  /**
   * The deadline of the request, in ms, when there is one: hook adapters map it to their
   * client's timeout option (axios `timeout`, got `timeout.request`, undici `headersTimeout`),
   * or send each attempt under it with `HttpGuard.sendAttempt()` (ky).
   */
  readonly timeoutMs: number | undefined;
  /** The caller's signal: its abort releases the permit instead of counting. */
  readonly signal: AbortSignal | undefined;
  /** A signal the client aborts only at its own deadline: its abort is a `timeout` failure. */
  readonly deadline: AbortState | undefined;
}

/**
 * The implementation of {@link HttpCall}; also what `HttpGuard` prepares once per request,
 * whatever the number of attempts. Not part of the public API: adapters get calls from
 * `HttpGuard.acquire()`.
 */
export class GuardedCall implements HttpCall {
  readonly request: HttpRequestInfo;
  readonly context: CallContext;
  readonly breaker: CircuitBreaker | undefined;
  permit: Permit | undefined;
  readonly timeoutMs: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly deadline: AbortState | undefined;
  /** The retry policy of `HttpGuard.execute()`, when the request is retried. */
  readonly retry: HttpRetry | undefined;

  constructor(
    request: HttpRequestInfo,
    context: CallContext,
    breaker: CircuitBreaker | undefined,
    timeoutMs: number | undefined,
    retry: HttpRetry | undefined,
    signal: AbortSignal | undefined,
    deadline: AbortState | undefined,
  ) {
    this.request = request;
    this.context = context;
    this.breaker = breaker;
    this.permit = undefined;
    this.timeoutMs = timeoutMs;
    this.retry = retry;
    this.signal = signal;
    this.deadline = deadline;
  }

  /** The same request as another attempt, with its own permit. */
  withPermit(permit: Permit): GuardedCall {
    const call = new GuardedCall(
      this.request,
      this.context,
      this.breaker,
      this.timeoutMs,
      this.retry,
      this.signal,
      this.deadline,
    );
    call.permit = permit;
    return call;
  }
}
