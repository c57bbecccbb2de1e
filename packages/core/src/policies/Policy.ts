import type { CallContext } from '../Outcome.ts';

/** Options every policy's `execute` accepts. */
export interface ExecuteOptions {
  /**
   * Aborts the call. A caller's abort is a cancellation that counts as nothing, unless its reason
   * is a timeout (`AbortSignal.timeout()`): that is a `timeout` failure.
   * @defaultValue none
   */
  readonly signal?: AbortSignal;
  /**
   * What is known about the call (method, idempotency, endpoint) for rules, retry and events.
   * @defaultValue none: the retry policy then treats the call as not idempotent
   */
  readonly context?: CallContext;
}

/**
 * The action a policy runs. It receives a signal when there is one to honour (a deadline or a
 * caller's signal) and `undefined` otherwise, so the fast path allocates nothing.
 */
export type Action<T> = (signal: AbortSignal | undefined) => PromiseLike<T>;

/**
 * What every Breakwater policy is: something that runs an action. `pipeline()` composes any of
 * them, the breaker included, outermost first.
 */
export interface Policy {
  /** Runs `fn` under the policy; resolves or rejects as `fn` does, unless the policy rejects. */
  execute<T>(fn: Action<T>, options?: ExecuteOptions): Promise<T>;
}
