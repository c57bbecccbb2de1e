import type { RateLimitReport } from '../core.ts';

/** A server's report as the report script takes it (see `reportScript`). */
export interface ScriptReport {
  /** Weight the server allows, less the safety margin. */
  readonly allowed: number;
  /** `none`, `in` (ms from now), `at` (epoch ms) or `window` (fixed windows of `value` ms). */
  readonly kind: 'none' | 'in' | 'at' | 'window';
  readonly value: number;
}

/**
 * What a report says, read as the core `RateLimiter.update()` reads it: the same fields, the
 * same precedence (`resetInMs`, then `resetAt`, then `windowMs`), the same safety margin.
 * `undefined` when it says nothing about what remains.
 */
export function scriptReport(
  report: RateLimitReport,
  capacity: number,
  safetyMarginRate: number,
): ScriptReport | undefined {
  const limit = finite(report.limit) ?? capacity;
  const used = finite(report.usedWeight);
  const remaining = finite(report.remaining) ?? (used === undefined ? undefined : limit - used);
  if (remaining === undefined) return undefined;
  const allowed = Math.max(0, remaining - safetyMarginRate * limit);
  const resetInMs = finite(report.resetInMs);
  if (resetInMs !== undefined) return { allowed, kind: 'in', value: resetInMs };
  const resetAt = finite(report.resetAt);
  if (resetAt !== undefined) return { allowed, kind: 'at', value: resetAt };
  const windowMs = finite(report.windowMs);
  if (windowMs !== undefined && windowMs > 0) return { allowed, kind: 'window', value: windowMs };
  return { allowed, kind: 'none', value: 0 };
}

/** Whether the report ends the budget until a reset: a 429 or 418 with `Retry-After`. */
export function isStop(report: ScriptReport): boolean {
  return report.allowed === 0 && (report.kind === 'in' || report.kind === 'at');
}

/**
 * Sends reports one at a time: an exchange answers every call with its count, and a round trip
 * for each would undo the pre-claim. While one is in flight (or the connection is not up),
 * only the tightest of the next ones is kept, and sent after it.
 */
export class ReportSender {
  readonly #transmit: (report: ScriptReport) => Promise<void>;
  readonly #canSend: () => boolean;
  #sending = false;
  #pending: ScriptReport | undefined;

  constructor(transmit: (report: ScriptReport) => Promise<void>, canSend: () => boolean) {
    this.#transmit = transmit;
    this.#canSend = canSend;
  }

  offer(report: ScriptReport): void {
    if (this.#sending || !this.#canSend()) {
      if (this.#pending === undefined || tighter(report, this.#pending)) this.#pending = report;
      return;
    }
    this.#send(report);
  }

  /** Sends the kept report, now that the connection is up. */
  flush(): void {
    const pending = this.#pending;
    if (pending === undefined || this.#sending || !this.#canSend()) return;
    this.#pending = undefined;
    this.#send(pending);
  }

  #send(report: ScriptReport): void {
    this.#sending = true;
    this.#transmit(report).finally(() => {
      this.#sending = false;
      this.flush();
    });
  }
}

/** Whether `a` says less remains than `b`; a report with a reset beats a window's count. */
function tighter(a: ScriptReport, b: ScriptReport): boolean {
  const resets = (r: ScriptReport) => r.kind === 'in' || r.kind === 'at';
  if (resets(a) !== resets(b)) return resets(a);
  return a.allowed <= b.allowed;
}

function finite(value: number | undefined): number | undefined {
  return typeof value === 'number' && value >= 0 && value !== Infinity ? value : undefined;
}
