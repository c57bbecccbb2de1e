import type { Category } from '@breakwater/core';
import type { RedactedError } from '@breakwater/core/adapter';

/** How much a failure matters, lowest first. */
export type FailureSeverity = 'low' | 'medium' | 'high' | 'critical';

/**
 * A named kind of failure the analyzer recognises. A failure matches when any of `regex`,
 * `keywords` or `statusCodes` matches its error name, code, message or HTTP status.
 */
export interface FailurePattern {
  /** Unique name, shown in `topPatterns` (`'binance_ip_ban'`). */
  name: string;
  /** The category a matching failure gets when the recorder gave none. */
  category: Exclude<Category, 'none'>;
  severity: FailureSeverity;
  /** Patterns tested against `"<name> <code> <message>"` (strings are compiled case-insensitive). */
  regex?: readonly (RegExp | string)[];
  /** Words looked for, case-insensitively, in the same text. */
  keywords?: readonly string[];
  /** HTTP statuses that match. */
  statusCodes?: readonly number[];
  /**
   * Matches in the analysis window from which the pattern counts as frequent.
   * @defaultValue `3`
   */
  frequencyThreshold?: number;
  /** What the pattern means, for people. */
  description?: string;
}

/** What {@link FailureAnalyzer.record} takes: any of it may be missing. */
export interface FailureInput {
  /** What was thrown or rejected: stored only as `redactError()` of it. */
  error?: unknown;
  /** A message when there is no error object (an exchange's `msg`): redacted before storing. */
  message?: string;
  /** The HTTP status of the failed call. */
  status?: number;
  /** How long the call took. */
  durationMs?: number;
  /** The breaker's category, when known (a breaker's `failure` event); else from the patterns. */
  category?: Exclude<Category, 'none'>;
  /** The call may have taken effect (an order with an unknown outcome). */
  uncertainEffect?: boolean;
  /** Low-cardinality labels (`endpoint`, `method`); strings are redacted, URLs via `redactUrl`. */
  context?: Readonly<Record<string, string | number | boolean | undefined>>;
}

/** A recorded failure, as stored: redacted and frozen. */
export interface FailureRecord {
  readonly service: string;
  /** Epoch ms, from the analyzer's clock. */
  readonly at: number;
  readonly category: Exclude<Category, 'none'>;
  readonly severity: FailureSeverity;
  readonly patterns: readonly string[];
  readonly error?: RedactedError;
  readonly status?: number;
  readonly durationMs?: number;
  readonly uncertainEffect: boolean;
  readonly context?: Readonly<Record<string, string | number | boolean>>;
}

/** How failures move within the window: later half against earlier half. */
export type FailureTrend = 'none' | 'increasing' | 'stable' | 'decreasing';

/** A pattern seen in the window, with how often. */
export interface PatternCount {
  readonly name: string;
  readonly category: Exclude<Category, 'none'>;
  readonly severity: FailureSeverity;
  readonly count: number;
  /** `count` reached the pattern's `frequencyThreshold`. */
  readonly frequent: boolean;
}

/** What {@link FailureAnalyzer.analyze} finds for one service. */
export interface FailureAnalysis {
  readonly service: string;
  /** The window analysed, ending now. */
  readonly windowMs: number;
  /** Failures recorded in the window. */
  readonly totalFailures: number;
  /** Failures per minute over the window. */
  readonly failureRatePerMinute: number;
  readonly trend: FailureTrend;
  /** Failures in the window by category. */
  readonly categories: Readonly<Partial<Record<Exclude<Category, 'none'>, number>>>;
  /** Patterns seen in the window, most frequent first (at most 5). */
  readonly topPatterns: readonly PatternCount[];
  /** The highest severity in the window; `undefined` when there were no failures. */
  readonly maxSeverity: FailureSeverity | undefined;
  /** Calls in the window whose effect is unknown (orders to reconcile). */
  readonly uncertainEffects: number;
  readonly recommendations: readonly string[];
  /** The analysis suggests opening (or keeping open) the service's breaker. */
  readonly shouldOpen: boolean;
  /** Why `shouldOpen` is what it is. */
  readonly reason: string;
}

/** Lifetime counts across services, for dashboards. */
export interface FailureStatistics {
  readonly totalFailures: number;
  readonly categories: Readonly<Partial<Record<Exclude<Category, 'none'>, number>>>;
  readonly services: Readonly<
    Record<string, { readonly totalFailures: number; readonly storedEvents: number }>
  >;
}
