import type { Clock, ListenerErrorHandler } from '@breakwater/core';
import {
  expectBoolean,
  expectClock,
  expectFunction,
  expectInteger,
  expectNumber,
  expectObject,
  expectTimeoutMs,
  type KnownKeys,
  maxTimerMs,
  rejectUnknownKeys,
  rethrowInMicrotask,
  systemClock,
} from '@breakwater/core/adapter';

/** Per-check options, given to `register()` or as the monitor's `defaults`. */
export interface CheckOptions {
  /**
   * Time between the end of one run and the start of the next, in ms.
   * @defaultValue `30_000`
   */
  intervalMs?: number;
  /**
   * How long one run may take, in ms; a run still pending then is a failure and its signal aborts.
   * @defaultValue `10_000`
   */
  timeoutMs?: number;
  /**
   * Failures in a row that raise an alert (and make the check `unhealthy`).
   * @defaultValue `3`
   */
  failureCount?: number;
  /**
   * Successes in a row that resolve the alert.
   * @defaultValue `2`
   */
  successCount?: number;
  /**
   * Whether the check alerting makes the whole monitor `unhealthy`; a non-critical one makes it
   * `degraded` and raises `warning` alerts.
   * @defaultValue `true`
   */
  critical?: boolean;
}

/** {@link CheckOptions} validated, with defaults applied. */
export interface ResolvedCheckOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly failureCount: number;
  readonly successCount: number;
  readonly critical: boolean;
}

/** Options of {@link HealthMonitor}. Every option is optional. */
export interface HealthMonitorOptions {
  /**
   * Options of every check, unless `register()` gives its own.
   * @defaultValue see {@link CheckOptions}
   */
  defaults?: CheckOptions;
  /**
   * How many alerts the history keeps; beyond it the oldest resolved ones are dropped first.
   * @defaultValue `100`
   */
  maxAlerts?: number;
  /**
   * The clock of intervals, timeouts and timestamps (a `ManualClock` in tests). With the system
   * clock the monitor's timers are `unref()`ed: a running monitor never keeps a process alive.
   * @defaultValue the system clock
   */
  clock?: Clock;
  /**
   * Receives what an event listener throws.
   * @defaultValue rethrow in a microtask
   */
  onListenerError?: ListenerErrorHandler;
}

/** {@link HealthMonitorOptions} validated, with defaults applied. */
export interface ResolvedHealthMonitorOptions {
  readonly defaults: ResolvedCheckOptions;
  readonly maxAlerts: number;
  readonly clock: Clock;
  readonly onListenerError: ListenerErrorHandler;
}

const checkKeys: KnownKeys<CheckOptions> = {
  intervalMs: true,
  timeoutMs: true,
  failureCount: true,
  successCount: true,
  critical: true,
};

const monitorKeys: KnownKeys<HealthMonitorOptions> = {
  defaults: true,
  maxAlerts: true,
  clock: true,
  onListenerError: true,
};

const builtInDefaults: ResolvedCheckOptions = Object.freeze({
  intervalMs: 30_000,
  timeoutMs: 10_000,
  failureCount: 3,
  successCount: 2,
  critical: true,
});

/**
 * Validates check options over `base`.
 * @throws BreakwaterConfigError naming the option (under `path`), what is allowed and what was received
 */
export function resolveCheckOptions(
  path: string,
  options: unknown,
  base: ResolvedCheckOptions = builtInDefaults,
): ResolvedCheckOptions {
  if (options === undefined) return base;
  expectObject(path || 'options', options);
  rejectUnknownKeys(path, options, checkKeys);
  const at = (key: string) => (path ? `${path}.${key}` : key);
  const o = options as CheckOptions;
  return Object.freeze({
    intervalMs:
      o.intervalMs === undefined
        ? base.intervalMs
        : expectNumber(at('intervalMs'), o.intervalMs, 1, maxTimerMs),
    timeoutMs:
      o.timeoutMs === undefined ? base.timeoutMs : expectTimeoutMs(at('timeoutMs'), o.timeoutMs),
    failureCount:
      o.failureCount === undefined
        ? base.failureCount
        : expectInteger(at('failureCount'), o.failureCount, 1),
    successCount:
      o.successCount === undefined
        ? base.successCount
        : expectInteger(at('successCount'), o.successCount, 1),
    critical: o.critical === undefined ? base.critical : expectBoolean(at('critical'), o.critical),
  });
}

/**
 * Validates the options of {@link HealthMonitor}.
 * @throws BreakwaterConfigError naming the option, what is allowed and what was received
 */
export function resolveHealthMonitorOptions(options: unknown): ResolvedHealthMonitorOptions {
  if (options === undefined) options = {};
  expectObject('options', options);
  rejectUnknownKeys('', options, monitorKeys);
  const o = options as HealthMonitorOptions;
  return Object.freeze({
    defaults: resolveCheckOptions('defaults', o.defaults),
    maxAlerts: expectInteger('maxAlerts', o.maxAlerts ?? 100, 1, 100_000),
    clock: o.clock === undefined ? systemClock : expectClock('clock', o.clock),
    onListenerError:
      o.onListenerError === undefined
        ? rethrowInMicrotask
        : expectFunction<ListenerErrorHandler>('onListenerError', o.onListenerError),
  });
}
