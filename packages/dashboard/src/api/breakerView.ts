import type { BreakerSnapshot, BreakerState, Category, CircuitBreaker } from '@breakwater/core';
import type { StrategyOptions } from '@breakwater/core/adapter';

/** A breaker as the REST API and the page show it: its snapshot's figures, JSON-safe. */
export interface BreakerView {
  readonly name: string;
  readonly state: BreakerState;
  /** Epoch ms of the snapshot. */
  readonly at: number;
  readonly timeInStateMs: number;
  /** Epoch ms until which the breaker stays open, `null` for "until reset", 0 when not open. */
  readonly openUntil: number | null;
  readonly recoveryAttempt: number;
  /** The strategy window's failure rate now (0–1). */
  readonly failureRate: number;
  readonly window: BreakerSnapshot['window'];
  readonly successRate: number;
  readonly uptimeRate: number;
  readonly counters: {
    readonly calls: number;
    readonly successes: number;
    readonly failures: number;
    readonly rejected: number;
    readonly ignored: number;
    readonly timeouts: number;
  };
  readonly failuresByCategory: BreakerSnapshot['counters']['failuresByCategory'];
  readonly lastFailure: { readonly category: Category; readonly at: number } | null;
  /** Call durations, `null` when the breaker does not track latency. */
  readonly latency: {
    readonly count: number;
    readonly meanMs: number;
    readonly p50Ms: number;
    readonly p90Ms: number;
    readonly p99Ms: number;
  } | null;
}

/** The settings a breaker runs with, as `GET /circuit-breakers/:name` shows them. */
export interface BreakerConfigView {
  /** The strategy options, or `'custom'` for a strategy factory. */
  readonly strategy: Exclude<StrategyOptions, () => unknown> | 'custom';
  /** The open period's backoff, described (`constant(30000ms)`, …). */
  readonly openMs: string;
  readonly maxRecoveryAttempts: number | null;
  readonly halfOpen: {
    readonly maxProbes: number;
    readonly successCount: number;
    readonly probeTimeoutMs: number;
  };
  readonly openOnRetryAfter: boolean;
  readonly maxRetryAfterMs: number;
  readonly trackLatency: boolean;
}

/** The view of one snapshot. */
export function breakerView(s: BreakerSnapshot): BreakerView {
  const c = s.counters;
  const latency = s.latency;
  return {
    name: s.name,
    state: s.state,
    at: s.at,
    timeInStateMs: s.timeInStateMs,
    openUntil: Number.isFinite(s.openUntil) ? s.openUntil : null,
    recoveryAttempt: s.recoveryAttempt,
    failureRate: s.window.failureRate,
    window: s.window,
    successRate: s.successRate,
    uptimeRate: s.uptimeRate,
    counters: {
      calls: c.calls,
      successes: c.successes,
      failures: c.failures,
      rejected: c.rejected,
      ignored: c.ignored,
      timeouts: c.timeouts,
    },
    failuresByCategory: c.failuresByCategory,
    lastFailure: s.lastFailure ?? null,
    latency:
      latency === undefined
        ? null
        : {
            count: latency.count,
            meanMs: latency.meanMs,
            p50Ms: latency.p50Ms,
            p90Ms: latency.p90Ms,
            p99Ms: latency.p99Ms,
          },
  };
}

/** The settings of a breaker. Rules, listeners, stores and clocks are not shown. */
export function breakerConfigView(breaker: CircuitBreaker): BreakerConfigView {
  const o = breaker.options;
  return {
    strategy: typeof o.strategy === 'function' ? 'custom' : o.strategy,
    openMs: o.openMs.describe(),
    maxRecoveryAttempts: Number.isFinite(o.maxRecoveryAttempts) ? o.maxRecoveryAttempts : null,
    halfOpen: {
      maxProbes: o.maxProbes,
      successCount: o.successCount,
      probeTimeoutMs: o.probeTimeoutMs,
    },
    openOnRetryAfter: o.openOnRetryAfter,
    maxRetryAfterMs: o.maxRetryAfterMs,
    trackLatency: o.trackLatency,
  };
}
