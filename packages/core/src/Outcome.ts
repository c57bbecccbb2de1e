/**
 * What a call produced, in the one shape every classifier rule reads. The HTTP adapters build a
 * `response` outcome from their client's response; anything thrown becomes an `error` outcome.
 */
export type Outcome = ResponseOutcome | ErrorOutcome;

/** A response that arrived, whatever its status. */
export interface ResponseOutcome {
  readonly kind: 'response';
  readonly status: number;
  /** Reads a response header case-insensitively; `null` when absent. */
  header(name: string): string | null;
  /** The parsed body, when a body rule asked the adapter to read it. */
  readonly body?: unknown;
}

/** The call threw or rejected. */
export interface ErrorOutcome {
  readonly kind: 'error';
  readonly error: unknown;
}

/**
 * Why a call failed or was ignored. `none` is the category of a success.
 * - `network`: the connection failed (refused, reset, DNS);
 * - `timeout`: a deadline passed (client, server 408, or the breaker's own);
 * - `rate_limit`: the server throttled (429, Binance 418, exchange rate-limit bodies);
 * - `server`: a 5xx or an exchange's internal error;
 * - `maintenance`: the service announced it is down for maintenance;
 * - `client`, `auth`: the request was wrong (4xx) or unauthorised: ignored by default;
 * - `cancelled`: the caller aborted; the permit is released and nothing is counted;
 * - `rejected`: another Breakwater policy refused the call (an inner breaker, bulkhead, limiter);
 * - `unknown`: could not be classified; counts as a failure.
 */
export type Category =
  | 'none'
  | 'network'
  | 'timeout'
  | 'rate_limit'
  | 'server'
  | 'maintenance'
  | 'client'
  | 'auth'
  | 'cancelled'
  | 'rejected'
  | 'unknown';

/** The categories a failure can have, for counters and metrics. */
export const failureCategories = [
  'network',
  'timeout',
  'rate_limit',
  'server',
  'maintenance',
  'client',
  'auth',
  'unknown',
] as const satisfies readonly Category[];

/** Every category a failure or an ignored outcome can have: all but `none`. */
export const verdictCategories = [
  'network',
  'timeout',
  'rate_limit',
  'server',
  'maintenance',
  'client',
  'auth',
  'cancelled',
  'rejected',
  'unknown',
] as const satisfies readonly Exclude<Category, 'none'>[];

/** How a breaker treats an outcome. */
export interface Verdict {
  /** `failure` counts toward opening; `success` toward closing; `ignore` counts toward neither. */
  readonly verdict: 'failure' | 'success' | 'ignore';
  readonly category: Category;
  /**
   * The server asked to wait this long (Retry-After, an exchange ban or lockout). By default a
   * failure carrying it opens the breaker at once and keeps it open at least this long.
   */
  readonly retryAfterMs?: number;
  /**
   * The call may have taken effect although it failed (a 5xx or timeout on a non-idempotent
   * request, such as an order). It is never retried and shows in the `failure` event.
   */
  readonly uncertainEffect?: boolean;
}

/**
 * What is known about a call, for classifier rules, the retry policy and events. The HTTP glue
 * fills it from the request; `execute()` callers may pass their own.
 */
export interface CallContext {
  /** The breaker key the call belongs to (an origin or endpoint group). */
  readonly key?: string;
  /** HTTP method, upper case. */
  readonly method?: string;
  /** A low-cardinality endpoint name, never a full URL with its query. */
  readonly endpoint?: string;
  /**
   * Whether repeating the call is safe. `undefined` means unknown and is treated as unsafe by
   * the retry policy, so an order is never retried blindly.
   */
  readonly idempotent?: boolean;
}
