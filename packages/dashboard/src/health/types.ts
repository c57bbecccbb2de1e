/**
 * How something is:
 * - `healthy`: working;
 * - `degraded`: working with restrictions, or failing but not yet for long enough to alert;
 * - `unhealthy`: failing (for a check: alerting after its `failureCount` failures in a row);
 * - `unknown`: not checked yet.
 */
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

/** What a check function may resolve to; anything else (or a rejection) is a failure. */
export type CheckReturn =
  | undefined
  | boolean
  | { readonly status: 'healthy' | 'degraded' | 'unhealthy'; readonly detail?: string };

/**
 * A health check: resolves when the dependency is healthy (`undefined`, `true`, or
 * `{ status, detail }`), rejects or resolves `false` when it is not. `signal` aborts when the
 * check times out or the monitor stops: pass it on to the fetch or client call.
 */
export type CheckFunction = (signal: AbortSignal) => Promise<CheckReturn> | CheckReturn;

/** The outcome of one run of a check. */
export interface CheckResult {
  /** The check's name. */
  readonly check: string;
  /** What this run found (`unhealthy` for a throw, a `false` or a timeout). */
  readonly status: 'healthy' | 'degraded' | 'unhealthy';
  /** A short explanation: the check's own `detail`, or the redacted error. */
  readonly detail: string | undefined;
  /** Epoch ms the run finished. */
  readonly at: number;
  /** How long the run took, in ms (monotonic). */
  readonly durationMs: number;
}

/** What the monitor knows about one check. */
export interface CheckState {
  readonly name: string;
  /**
   * The check's status: `unhealthy` only while it is alerting; a failure below the
   * `failureCount` threshold shows as `degraded`.
   */
  readonly status: HealthStatus;
  /** Whether an unhealthy check makes the whole monitor `unhealthy` (otherwise `degraded`). */
  readonly critical: boolean;
  readonly intervalMs: number;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  /** The most recent run, if any. */
  readonly last: CheckResult | undefined;
  /** Whether an alert is active for it. */
  readonly alerting: boolean;
}

/** An alert raised when a check failed `failureCount` times in a row. */
export interface Alert {
  /** Increasing per monitor, from 1. */
  readonly id: number;
  readonly check: string;
  /** `critical` for a critical check, `warning` otherwise. */
  readonly severity: 'critical' | 'warning';
  /** What failed, redacted. */
  readonly message: string;
  /** Epoch ms it was raised. */
  readonly raisedAt: number;
  /** Epoch ms the check recovered (`successCount` successes in a row); `undefined` while active. */
  readonly resolvedAt: number | undefined;
}

/** The monitor's overall view, for a `/health` endpoint. */
export interface HealthReport {
  /**
   * `unhealthy` when a critical check alerts; `degraded` when any check is not healthy
   * (a non-critical one alerting, one degraded or failing below its threshold, or not run yet);
   * `healthy` otherwise, also with no checks.
   */
  readonly status: 'healthy' | 'degraded' | 'unhealthy';
  /** Epoch ms of the report. */
  readonly at: number;
  /** Every check, sorted by name. */
  readonly checks: readonly CheckState[];
}

/** Emitted when a check raises an alert. */
export interface AlertEvent {
  readonly alert: Alert;
}

/** Emitted when an active alert is resolved: the check recovered, or was removed. */
export interface RecoveryEvent {
  readonly alert: Alert;
}

/** Emitted when the overall status changes. */
export interface StatusChangeEvent {
  readonly from: HealthReport['status'];
  readonly to: HealthReport['status'];
  readonly at: number;
}

/** Every event a {@link HealthMonitor} emits, by name. */
export interface HealthMonitorEvents {
  /** Each run of each check. */
  result: CheckResult;
  alert: AlertEvent;
  recovery: RecoveryEvent;
  statusChange: StatusChangeEvent;
}
