import {
  BreakwaterConfigError,
  type CircuitBreaker,
  redactError,
  redactUrl,
} from '@breakwater/core';
import type { FailureEvent } from '@breakwater/core/adapter';
import { recommend } from './recommend.ts';
import {
  type CompiledPattern,
  type FailureAnalyzerOptions,
  type ResolvedFailureAnalyzerOptions,
  resolveFailureAnalyzerOptions,
  severityRank,
} from './resolveFailureAnalyzerOptions.ts';
import type {
  FailureAnalysis,
  FailureInput,
  FailureRecord,
  FailureSeverity,
  FailureStatistics,
  FailureTrend,
  PatternCount,
} from './types.ts';

type FailureCategory = FailureRecord['category'];

/** Categories that say the caller was wrong, not the service: they never suggest opening. */
const callerCategories: ReadonlySet<FailureCategory> = new Set([
  'client',
  'auth',
  'cancelled',
  'rejected',
]);

const defaultSeverity: Readonly<Record<FailureCategory, FailureSeverity>> = {
  network: 'high',
  timeout: 'medium',
  rate_limit: 'medium',
  server: 'high',
  maintenance: 'high',
  client: 'low',
  auth: 'high',
  cancelled: 'low',
  rejected: 'low',
  unknown: 'medium',
};

interface ServiceLog {
  readonly events: FailureRecord[];
  /**
   * The monotonic time of each event, slot for slot: windows are measured on it, so a wall-clock
   * step (NTP) neither hides recent failures nor revives old ones. `at` is for people.
   */
  readonly times: number[];
  /** Next slot to overwrite once `events` is full. */
  next: number;
  total: number;
}

/**
 * Records failures per service with a category and a severity, recognises patterns (yours and
 * built-in ones for exchange rate limits, bans, maintenance, timeouts…), and analyses a recent
 * window: failures per minute, trend, top patterns, recommendations and whether the breaker
 * should open. Everything stored is redacted with the core's `redactError` and `redactUrl`,
 * and memory is bounded by `maxEvents` per service and `maxServices`.
 *
 * It advises; breakers decide. Feed it by hand with {@link FailureAnalyzer.record} or from a
 * breaker's `failure` events with {@link FailureAnalyzer.watch}.
 *
 * @throws BreakwaterConfigError on an invalid option
 * @example
 * ```ts
 * const analyzer = new FailureAnalyzer({ windowMs: 300_000, maxEvents: 1000 });
 * analyzer.record('kraken', { error, status: 520, context: { endpoint: 'AddOrder' } });
 * const { shouldOpen, reason, recommendations } = analyzer.analyze('kraken');
 * ```
 */
export class FailureAnalyzer {
  readonly #options: ResolvedFailureAnalyzerOptions;
  readonly #services = new Map<string, ServiceLog>();
  readonly #categoryTotals = new Map<FailureCategory, number>();
  #total = 0;

  constructor(options?: FailureAnalyzerOptions) {
    this.#options = resolveFailureAnalyzerOptions(options);
  }

  /**
   * Records one failure of `service` and returns what was stored: redacted and frozen.
   * @throws BreakwaterConfigError when `service` is not a non-empty string
   */
  record(service: string, input: FailureInput = {}): FailureRecord {
    if (typeof service !== 'string' || service === '') {
      throw new BreakwaterConfigError('service', 'a non-empty string', service);
    }
    const error =
      input.error !== undefined
        ? redactError(input.error)
        : input.message !== undefined
          ? redactError(String(input.message))
          : undefined;
    const status = Number.isInteger(input.status) ? input.status : undefined;
    const text = error === undefined ? '' : `${error.name} ${error.code ?? ''} ${error.message}`;
    const matched = this.#match(text, status);
    const category = input.category ?? matched[0]?.category ?? categoryOfStatus(status);
    let severity = defaultSeverity[category] ?? 'medium';
    for (const pattern of matched) {
      if (severityRank(pattern.severity) > severityRank(severity)) severity = pattern.severity;
    }
    const record: FailureRecord = Object.freeze({
      service,
      at: this.#options.clock.now(),
      category,
      severity,
      patterns: Object.freeze(matched.map((p) => p.name)),
      uncertainEffect: input.uncertainEffect === true,
      ...(error === undefined ? {} : { error }),
      ...(status === undefined ? {} : { status }),
      ...(typeof input.durationMs === 'number' ? { durationMs: input.durationMs } : {}),
      ...(input.context === undefined ? {} : { context: redactContext(input.context) }),
    });
    this.#store(record);
    return record;
  }

  /**
   * Records every `failure` event of `breaker` under `service` (default: the breaker's name),
   * with the breaker's category, duration and `uncertainEffect`. Returns the unsubscribe
   * function.
   */
  watch(breaker: Pick<CircuitBreaker, 'on'>, service?: string): () => void {
    return breaker.on('failure', (event: FailureEvent) => {
      const endpoint = event.context?.endpoint;
      this.record(service ?? event.breaker, {
        category: event.category === 'none' ? 'unknown' : event.category,
        uncertainEffect: event.uncertainEffect,
        ...(event.durationMs === undefined ? {} : { durationMs: event.durationMs }),
        ...(endpoint === undefined ? {} : { context: { endpoint } }),
      });
    });
  }

  /** Analyses the failures of `service` in the window ending now. */
  analyze(service: string): FailureAnalysis {
    const { windowMs, minFailures } = this.#options;
    const now = this.#options.clock.monotonic();
    const from = now - windowMs;
    const log = this.#services.get(service);
    const recent: FailureRecord[] = [];
    const recentTimes: number[] = [];
    log?.events.forEach((event, i) => {
      const at = log.times[i]!;
      if (at > from && at <= now) {
        recent.push(event);
        recentTimes.push(at);
      }
    });
    const categories: Partial<Record<FailureCategory, number>> = {};
    const counts = new Map<string, number>();
    let counted = 0;
    let critical = 0;
    let uncertainEffects = 0;
    let earlier = 0;
    let maxSeverity: FailureSeverity | undefined;
    for (const [i, event] of recent.entries()) {
      categories[event.category] = (categories[event.category] ?? 0) + 1;
      for (const name of event.patterns) counts.set(name, (counts.get(name) ?? 0) + 1);
      if (!callerCategories.has(event.category)) counted++;
      if (event.severity === 'critical') critical++;
      if (event.uncertainEffect) uncertainEffects++;
      if (recentTimes[i]! <= from + windowMs / 2) earlier++;
      if (maxSeverity === undefined || severityRank(event.severity) > severityRank(maxSeverity)) {
        maxSeverity = event.severity;
      }
    }
    const topPatterns = this.#topPatterns(counts);
    const trend = trendOf(earlier, recent.length - earlier);
    let shouldOpen = false;
    let reason = `${counted} failure(s) in the last ${Math.round(windowMs / 1000)} s, below ${minFailures}.`;
    if (critical > 0) {
      shouldOpen = true;
      reason = `A critical failure (${topPatterns.find((p) => p.severity === 'critical')?.name ?? 'critical'}) was seen in the window.`;
    } else if (counted >= minFailures) {
      shouldOpen = true;
      reason = `${counted} failure(s) in the last ${Math.round(windowMs / 1000)} s reach the threshold of ${minFailures}.`;
    } else if (counted === 0 && recent.length > 0) {
      reason = 'Only client or auth errors in the window: they do not suggest opening.';
    }
    return Object.freeze({
      service,
      windowMs,
      totalFailures: recent.length,
      failureRatePerMinute: (recent.length / windowMs) * 60_000,
      trend,
      categories: Object.freeze(categories),
      topPatterns,
      maxSeverity,
      uncertainEffects,
      recommendations: Object.freeze(
        recommend({ patterns: topPatterns, categories, trend, uncertainEffects }),
      ),
      shouldOpen,
      reason,
    });
  }

  /** The stored failures of `service`, oldest first (at most `maxEvents`). */
  events(service: string): readonly FailureRecord[] {
    const log = this.#services.get(service);
    if (log === undefined) return [];
    return Object.freeze([...log.events.slice(log.next), ...log.events.slice(0, log.next)]);
  }

  /** Lifetime counts across services. */
  statistics(): FailureStatistics {
    const services: Record<string, { totalFailures: number; storedEvents: number }> = {};
    for (const [name, log] of this.#services) {
      services[name] = { totalFailures: log.total, storedEvents: log.events.length };
    }
    return Object.freeze({
      totalFailures: this.#total,
      categories: Object.freeze(Object.fromEntries(this.#categoryTotals)),
      services: Object.freeze(services),
    });
  }

  /** Forgets the failures of `service`, or of every service. */
  reset(service?: string): void {
    if (service === undefined) {
      this.#services.clear();
      this.#categoryTotals.clear();
      this.#total = 0;
    } else {
      this.#services.delete(service);
    }
  }

  #match(text: string, status: number | undefined): CompiledPattern[] {
    const lower = text.toLowerCase();
    return this.#options.patterns.filter(
      (p) =>
        (status !== undefined && p.statusCodes.has(status)) ||
        (text !== '' && p.regex.some((r) => r.test(text))) ||
        (lower !== '' && p.keywords.some((k) => lower.includes(k))),
    );
  }

  #store(record: FailureRecord): void {
    let log = this.#services.get(record.service);
    if (log === undefined) {
      if (this.#services.size >= this.#options.maxServices) {
        // Maps iterate in insertion order and every record re-inserts its service: the first
        // key is the least recently recorded.
        const oldest = this.#services.keys().next().value;
        if (oldest !== undefined) this.#services.delete(oldest);
      }
      log = { events: [], times: [], next: 0, total: 0 };
    } else {
      this.#services.delete(record.service);
    }
    this.#services.set(record.service, log);
    const at = this.#options.clock.monotonic();
    if (log.events.length < this.#options.maxEvents) {
      log.events.push(record);
      log.times.push(at);
    } else {
      log.events[log.next] = record;
      log.times[log.next] = at;
      log.next = (log.next + 1) % this.#options.maxEvents;
    }
    log.total++;
    this.#total++;
    this.#categoryTotals.set(record.category, (this.#categoryTotals.get(record.category) ?? 0) + 1);
  }

  #topPatterns(counts: ReadonlyMap<string, number>): readonly PatternCount[] {
    const byName = new Map(this.#options.patterns.map((p) => [p.name, p]));
    const top: PatternCount[] = [];
    for (const [name, count] of counts) {
      const p = byName.get(name);
      if (p === undefined) continue;
      top.push(
        Object.freeze({
          name,
          category: p.category,
          severity: p.severity,
          count,
          frequent: count >= p.frequencyThreshold,
        }),
      );
    }
    top.sort((a, b) => b.count - a.count || severityRank(b.severity) - severityRank(a.severity));
    return Object.freeze(top.slice(0, 5));
  }
}

function categoryOfStatus(status: number | undefined): FailureCategory {
  if (status === undefined) return 'unknown';
  if (status === 429 || status === 418) return 'rate_limit';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'server';
  if (status >= 400) return 'client';
  return 'unknown';
}

function trendOf(earlier: number, later: number): FailureTrend {
  if (earlier + later === 0) return 'none';
  // Small counts are noise: a change of one or two failures is not a trend.
  if (later >= earlier * 1.5 && later - earlier >= 2) return 'increasing';
  if (earlier >= later * 1.5 && earlier - later >= 2) return 'decreasing';
  return 'stable';
}

function redactContext(
  context: Readonly<Record<string, string | number | boolean | undefined>>,
): Readonly<Record<string, string | number | boolean>> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined) continue;
    if (typeof value !== 'string') out[key] = value;
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('/'))
      out[key] = redactUrl(value);
    else out[key] = redactError(value).message;
  }
  return Object.freeze(out);
}
