/** The `code` of every error the breaker itself creates, as opossum names them. */
export type OpossumErrorCode = 'EOPENBREAKER' | 'ETIMEDOUT' | 'ESEMLOCKED' | 'ESHUTDOWN';

/**
 * An error the breaker created rather than the action threw: a plain `Error` with opossum's
 * `code` and message, recognised by `CircuitBreaker.isOurError()`.
 */
export interface OpossumError extends Error {
  readonly code: OpossumErrorCode;
}

/**
 * The brand of our errors, shared through the global symbol registry so that two copies of the
 * package (two versions in node_modules) recognise each other's errors.
 */
const ourError: unique symbol = Symbol.for('breakwater.opossum.error') as never;

/** `stackTraceLimit` is V8's; elsewhere setting it is harmless. */
const V8Error = Error as ErrorConstructor & { stackTraceLimit?: number };

/**
 * Our errors are plain `Error`s to their readers (`name` is `'Error'`, as opossum's), with the
 * brand on the prototype so creating one sets a single field.
 */
class BreakerError extends Error {
  readonly code: OpossumErrorCode;

  constructor(message: string, code: OpossumErrorCode, cause: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}
Object.defineProperty(BreakerError.prototype, ourError, { value: true });

/**
 * Creates one of our errors without a stack trace: they are made on fast-fail paths (an open
 * breaker rejects thousands of calls a second), where capturing a stack costs microseconds and
 * would only point into the breaker. `cause` carries the core's own error when there is one (a
 * `BreakerOpenError` with `retryAfterMs`), so Breakwater policies around this breaker recognise
 * a rejection.
 */
export function createError(message: string, code: OpossumErrorCode, cause?: unknown): Error {
  const limit = V8Error.stackTraceLimit;
  V8Error.stackTraceLimit = 0;
  const error = new BreakerError(message, code, cause);
  V8Error.stackTraceLimit = limit;
  return error;
}

/** True for an error the breaker created (open, timed out, semaphore locked, shut down). */
export function isOurError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[ourError] === true
  );
}

/** opossum's messages, word for word: callers match on them. */
export const messages = {
  open: 'Breaker is open',
  semaphoreLocked: 'Semaphore locked',
  shutdown: 'The circuit has been shutdown.',
  timedOut: (timeoutMs: number) => `Timed out after ${timeoutMs}ms`,
} as const;
