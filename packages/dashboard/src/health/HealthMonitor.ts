import { BreakwaterConfigError } from '@breakwater/core';
import { Emitter, expectFunction, expectString } from '@breakwater/core/adapter';
import { AlertHistory } from './AlertHistory.ts';
import {
  type CheckOptions,
  type HealthMonitorOptions,
  type ResolvedCheckOptions,
  type ResolvedHealthMonitorOptions,
  resolveCheckOptions,
  resolveHealthMonitorOptions,
} from './resolveHealthMonitorOptions.ts';
import { runCheck, unref } from './runCheck.ts';
import type {
  Alert,
  CheckFunction,
  CheckResult,
  CheckState,
  HealthMonitorEvents,
  HealthReport,
  HealthStatus,
  StatusChangeEvent,
} from './types.ts';

/** What the monitor keeps per check. */
interface Entry {
  readonly name: string;
  readonly fn: CheckFunction;
  readonly options: ResolvedCheckOptions;
  /** The next scheduled run, while the monitor runs. */
  timer: unknown;
  /** The run in progress and its controller. */
  running:
    | { readonly promise: Promise<CheckResult>; readonly controller: AbortController }
    | undefined;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  last: CheckResult | undefined;
  alert: Alert | undefined;
  /** False once unregistered: a run finishing afterwards changes nothing. */
  registered: boolean;
}

/**
 * Runs registered health checks on their own intervals, raises an alert after `failureCount`
 * failures in a row and resolves it after `successCount` successes, and sums the checks up as
 * `healthy`, `degraded` or `unhealthy`, after the reference systems' health monitors.
 *
 * A check is any function (see {@link CheckFunction}); `httpCheck()`, `systemStatusCheck()`
 * and `registryCheck()` build the common ones. Each run gets a deadline (`timeoutMs`) and an
 * `AbortSignal`; a run never overlaps the previous one of the same check. `stop()` clears every
 * timer and aborts the runs in progress: nothing is left scheduled.
 *
 * @example
 * ```ts
 * const monitor = new HealthMonitor({ defaults: { intervalMs: 10_000, failureCount: 3 } });
 * monitor.register('kraken', httpCheck('https://api.kraken.com/0/public/Time'), { timeoutMs: 5_000 });
 * monitor.on('alert', ({ alert }) => console.warn(alert.message));
 * monitor.start();
 * ```
 */
export class HealthMonitor implements Disposable {
  readonly #options: ResolvedHealthMonitorOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #alerts: AlertHistory;
  readonly #emitter: Emitter<HealthMonitorEvents>;
  #started = false;
  #status: HealthReport['status'] = 'healthy';

  /** @throws BreakwaterConfigError when an option is invalid */
  constructor(options?: HealthMonitorOptions) {
    this.#options = resolveHealthMonitorOptions(options);
    this.#alerts = new AlertHistory(this.#options.maxAlerts);
    this.#emitter = new Emitter(this.#options.onListenerError);
  }

  /** Whether the monitor is started. */
  get running(): boolean {
    return this.#started;
  }

  /** The overall status, as of the latest result. */
  get status(): HealthReport['status'] {
    return this.#status;
  }

  /**
   * Adds a check. When the monitor runs, its first run starts at once.
   * @returns a function that unregisters it (as {@link HealthMonitor.unregister})
   * @throws BreakwaterConfigError when `name` is empty or taken, `check` is not a function, or an
   * option is invalid
   */
  register(name: string, check: CheckFunction, options?: CheckOptions): () => void {
    expectString('name', name);
    if (this.#entries.has(name)) {
      throw new BreakwaterConfigError(
        'name',
        'a name no other check of this monitor has (unregister the old one first)',
        name,
      );
    }
    const entry: Entry = {
      name,
      fn: expectFunction<CheckFunction>('check', check),
      options: resolveCheckOptions('', options, this.#options.defaults),
      timer: undefined,
      running: undefined,
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      last: undefined,
      alert: undefined,
      registered: true,
    };
    this.#entries.set(name, entry);
    if (this.#started) void this.#run(entry);
    this.#updateStatus();
    return () => {
      if (this.#entries.get(name) === entry) this.unregister(name);
    };
  }

  /**
   * Removes a check: its timer is cleared, a run in progress is aborted, and an active alert of
   * it is resolved (emitting `recovery`).
   * @returns whether there was such a check
   */
  unregister(name: string): boolean {
    const entry = this.#entries.get(name);
    if (entry === undefined) return false;
    this.#entries.delete(name);
    entry.registered = false;
    this.#halt(entry);
    if (entry.alert !== undefined) {
      const alert = this.#alerts.resolve(entry.alert, this.#options.clock.now());
      entry.alert = undefined;
      this.#emitter.emit('recovery', { alert });
    }
    this.#updateStatus();
    return true;
  }

  /** Starts every check now, then each on its interval. Idempotent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const entry of this.#entries.values()) void this.#run(entry);
  }

  /**
   * Stops: clears every timer and aborts the runs in progress, whose results are dropped.
   * Results, alerts and statuses are kept; `start()` resumes. Idempotent.
   */
  stop(): void {
    if (!this.#started) return;
    this.#started = false;
    for (const entry of this.#entries.values()) this.#halt(entry);
  }

  /**
   * Runs a check now, outside its schedule (or joins the run in progress), and resolves its
   * result once the monitor has taken it into account. Works whether or not the monitor runs.
   * @throws BreakwaterConfigError when there is no such check
   */
  run(name: string): Promise<CheckResult> {
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      throw new BreakwaterConfigError('name', 'the name of a registered check', name);
    }
    return this.#run(entry);
  }

  /** What the monitor knows about one check, or `undefined`. */
  check(name: string): CheckState | undefined {
    const entry = this.#entries.get(name);
    return entry === undefined ? undefined : stateOf(entry);
  }

  /** The overall status and every check, sorted by name. */
  report(): HealthReport {
    const checks = [...this.#entries.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map(stateOf);
    return { status: this.#status, at: this.#options.clock.now(), checks };
  }

  /** The remembered alerts, newest first (`activeOnly`: those not resolved yet). */
  alerts(options?: { activeOnly?: boolean }): Alert[] {
    return this.#alerts.list(options?.activeOnly === true);
  }

  /**
   * Subscribes to `result`, `alert`, `recovery` or `statusChange`; returns an idempotent
   * unsubscribe function. A listener that throws goes to `onListenerError`.
   */
  on<K extends keyof HealthMonitorEvents>(
    event: K,
    listener: (payload: HealthMonitorEvents[K]) => void,
  ): () => void {
    return this.#emitter.on(event, listener);
  }

  /** Stops the monitor and removes its listeners. Checks and history stay. */
  dispose(): void {
    this.stop();
    this.#emitter.clear();
  }

  /** `using monitor = new HealthMonitor(…)`: the same as {@link HealthMonitor.dispose}. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  #run(entry: Entry): Promise<CheckResult> {
    if (entry.running !== undefined) return entry.running.promise;
    const { clock } = this.#options;
    clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    const controller = new AbortController();
    const promise = runCheck(entry.name, entry.fn, entry.options.timeoutMs, clock, controller).then(
      (result) => {
        // Stopped or unregistered meanwhile: the run was aborted and means nothing.
        if (entry.running?.controller !== controller) return result;
        entry.running = undefined;
        if (!entry.registered) return result;
        this.#take(entry, result);
        if (this.#started) {
          entry.timer = clock.setTimeout(() => {
            entry.timer = undefined;
            void this.#run(entry);
          }, entry.options.intervalMs);
          unref(entry.timer);
        }
        return result;
      },
    );
    entry.running = { promise, controller };
    return promise;
  }

  #halt(entry: Entry): void {
    this.#options.clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    const running = entry.running;
    entry.running = undefined;
    running?.controller.abort();
  }

  /**
   * Takes a result into account, then emits: every listener, `result`'s included, sees the
   * monitor with this result, its alert and its overall status already applied.
   */
  #take(entry: Entry, result: CheckResult): void {
    entry.last = result;
    const { failureCount, successCount, critical } = entry.options;
    if (result.status === 'unhealthy') {
      entry.consecutiveFailures++;
      entry.consecutiveSuccesses = 0;
    } else {
      entry.consecutiveSuccesses++;
      entry.consecutiveFailures = 0;
    }
    let raised: Alert | undefined;
    let resolved: Alert | undefined;
    if (entry.alert === undefined && entry.consecutiveFailures >= failureCount) {
      const message =
        `Health check "${entry.name}" failed ${entry.consecutiveFailures} times in a row` +
        (result.detail === undefined ? '.' : `: ${result.detail}`);
      raised = this.#alerts.raise(
        entry.name,
        critical ? 'critical' : 'warning',
        message,
        result.at,
      );
      entry.alert = raised;
    } else if (entry.alert !== undefined && entry.consecutiveSuccesses >= successCount) {
      resolved = this.#alerts.resolve(entry.alert, result.at);
      entry.alert = undefined;
    }
    const change = this.#recomputeStatus();
    this.#emitter.emit('result', result);
    if (raised !== undefined) this.#emitter.emit('alert', { alert: raised });
    if (resolved !== undefined) this.#emitter.emit('recovery', { alert: resolved });
    if (change !== undefined) this.#emitter.emit('statusChange', change);
  }

  #updateStatus(): void {
    const change = this.#recomputeStatus();
    if (change !== undefined) this.#emitter.emit('statusChange', change);
  }

  /** Sets the overall status from the checks; returns the change, if any, for the caller to emit. */
  #recomputeStatus(): StatusChangeEvent | undefined {
    let status: HealthReport['status'] = 'healthy';
    for (const entry of this.#entries.values()) {
      const own = statusOf(entry);
      if (own === 'unhealthy' && entry.options.critical) {
        status = 'unhealthy';
        break;
      }
      if (own !== 'healthy') status = 'degraded';
    }
    const from = this.#status;
    if (status === from) return undefined;
    this.#status = status;
    return { from, to: status, at: this.#options.clock.now() };
  }
}

function statusOf(entry: Entry): HealthStatus {
  if (entry.alert !== undefined) return 'unhealthy';
  const last = entry.last;
  if (last === undefined) return 'unknown';
  // Failing, but not for long enough to alert: flapping shows without paging anyone.
  return last.status === 'unhealthy' ? 'degraded' : last.status;
}

function stateOf(entry: Entry): CheckState {
  return {
    name: entry.name,
    status: statusOf(entry),
    critical: entry.options.critical,
    intervalMs: entry.options.intervalMs,
    consecutiveFailures: entry.consecutiveFailures,
    consecutiveSuccesses: entry.consecutiveSuccesses,
    last: entry.last,
    alerting: entry.alert !== undefined,
  };
}
