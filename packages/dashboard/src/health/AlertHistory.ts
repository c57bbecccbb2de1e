import type { Alert } from './types.ts';

/**
 * The alerts a monitor remembers, oldest first, bounded by `maxAlerts`. Beyond the bound the
 * oldest resolved alert goes first, so an alert that is still active is dropped only when every
 * remembered alert is active. Not part of the public API.
 */
export class AlertHistory {
  readonly #max: number;
  #alerts: Alert[] = [];
  #nextId = 1;

  constructor(maxAlerts: number) {
    this.#max = maxAlerts;
  }

  raise(check: string, severity: Alert['severity'], message: string, at: number): Alert {
    const alert: Alert = Object.freeze({
      id: this.#nextId++,
      check,
      severity,
      message,
      raisedAt: at,
      resolvedAt: undefined,
    });
    this.#alerts.push(alert);
    if (this.#alerts.length > this.#max) {
      const resolved = this.#alerts.findIndex((a) => a.resolvedAt !== undefined);
      this.#alerts.splice(resolved === -1 ? 0 : resolved, 1);
    }
    return alert;
  }

  /** The alert resolved at `at`; the history holds the resolved one from now on. */
  resolve(alert: Alert, at: number): Alert {
    const resolved: Alert = Object.freeze({ ...alert, resolvedAt: at });
    const index = this.#alerts.findIndex((a) => a.id === alert.id);
    if (index !== -1) this.#alerts[index] = resolved;
    return resolved;
  }

  /** Newest first. */
  list(activeOnly: boolean): Alert[] {
    const out: Alert[] = [];
    for (let i = this.#alerts.length - 1; i >= 0; i--) {
      const alert = this.#alerts[i]!;
      if (!activeOnly || alert.resolvedAt === undefined) out.push(alert);
    }
    return out;
  }
}
