import type { Clock } from '../Clock.ts';
import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import {
  expectInteger,
  expectNumber,
  expectObject,
  expectRate,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';
import { AdaptiveStrategy, type AdaptiveStrategyOptions } from './AdaptiveStrategy.ts';
import { ConsecutiveStrategy, type ConsecutiveStrategyOptions } from './ConsecutiveStrategy.ts';
import { CountStrategy, type CountStrategyOptions, type RateThresholds } from './CountStrategy.ts';
import { guardStrategy } from './guardStrategy.ts';
import { ThrottleStrategy, type ThrottleStrategyOptions } from './ThrottleStrategy.ts';
import { TimeStrategy, type TimeStrategyOptions } from './TimeStrategy.ts';
import type { BreakerStrategy } from './types.ts';

/**
 * Which strategy a breaker uses: one of the built-in ones, or a factory for your own
 * {@link BreakerStrategy} (called once per breaker, and again on `reconfigure`). `type` may be
 * left out for the fixed thresholds: `windowMs` or `bucketCount` mean `'time'`, `callCount`,
 * `failureRate`, `minCalls` or a slow-call option mean `'count'`, anything else `'consecutive'`.
 * The adaptive ones, `'throttle'` and `'adaptive'`, are always named.
 */
export type StrategyOptions =
  | ConsecutiveStrategyOptions
  | CountStrategyOptions
  | TimeStrategyOptions
  | ThrottleStrategyOptions
  | AdaptiveStrategyOptions
  | (() => BreakerStrategy);

const throttleKeys: KnownKeys<ThrottleStrategyOptions> = {
  type: true,
  k: true,
  windowMs: true,
  bucketCount: true,
  minCalls: true,
  maxRejectionRate: true,
};
const adaptiveKeys: KnownKeys<AdaptiveStrategyOptions> = {
  type: true,
  windowMs: true,
  bucketCount: true,
  halfLifeMs: true,
  warmupMs: true,
  deviations: true,
  minCalls: true,
  minFailureRate: true,
  maxFailureRate: true,
  minLatencyMs: true,
  maxLatencyMs: true,
};

const consecutiveKeys: KnownKeys<ConsecutiveStrategyOptions> = { type: true, failureCount: true };
const countKeys: KnownKeys<CountStrategyOptions> = {
  type: true,
  callCount: true,
  failureRate: true,
  minCalls: true,
  slowCallMs: true,
  slowCallRate: true,
};
const timeKeys: KnownKeys<TimeStrategyOptions> = {
  type: true,
  windowMs: true,
  bucketCount: true,
  failureRate: true,
  minCalls: true,
  slowCallMs: true,
  slowCallRate: true,
};

/** Receives what a custom strategy throws (the built-in ones never throw). */
export interface StrategyErrorSink {
  reportStrategyError(error: unknown): void;
}

/**
 * Builds a breaker's strategy, reporting a custom strategy's errors to `sink`; `clock` is the
 * breaker's, for a strategy that draws random numbers (the throttle).
 */
export type StrategyFactory = (sink: StrategyErrorSink, clock: Clock) => BreakerStrategy;

/** Validates strategy options and returns a factory that builds the strategy. */
export function resolveStrategy(path: string, options: unknown): StrategyFactory {
  if (typeof options === 'function') return checkedFactory(path, options as () => BreakerStrategy);
  expectObject(path, options);
  switch (options.type ?? inferType(options)) {
    case 'consecutive': {
      rejectUnknownKeys(path, options, consecutiveKeys);
      const failureCount = expectInteger(`${path}.failureCount`, options.failureCount ?? 5, 1);
      return () => new ConsecutiveStrategy(failureCount);
    }
    case 'count': {
      rejectUnknownKeys(path, options, countKeys);
      const size = expectInteger(`${path}.callCount`, options.callCount ?? 100, 1, 1_000_000);
      const thresholds = resolveThresholds(path, options, size);
      return () => new CountStrategy(size, thresholds);
    }
    case 'time': {
      rejectUnknownKeys(path, options, timeKeys);
      const windowMs = expectNumber(`${path}.windowMs`, options.windowMs ?? 60_000, 1);
      const bucketCount = expectInteger(
        `${path}.bucketCount`,
        options.bucketCount ?? 10,
        1,
        10_000,
      );
      const thresholds = resolveThresholds(path, options, Number.MAX_SAFE_INTEGER);
      return () => new TimeStrategy(windowMs, bucketCount, thresholds);
    }
    case 'throttle': {
      rejectUnknownKeys(path, options, throttleKeys);
      const resolved = Object.freeze({
        k: expectNumber(`${path}.k`, options.k ?? 2, 1),
        windowMs: expectNumber(`${path}.windowMs`, options.windowMs ?? 120_000, 1),
        bucketCount: expectInteger(`${path}.bucketCount`, options.bucketCount ?? 12, 1, 10_000),
        minCalls: expectInteger(`${path}.minCalls`, options.minCalls ?? 10, 0),
        maxRejectionRate: expectRate(`${path}.maxRejectionRate`, options.maxRejectionRate ?? 0.9),
      });
      return (_sink, clock) => new ThrottleStrategy(resolved, clock);
    }
    case 'adaptive': {
      rejectUnknownKeys(path, options, adaptiveKeys);
      const resolved = resolveAdaptive(path, options);
      return (_sink, clock) => AdaptiveStrategy.create(resolved, clock);
    }
    default:
      throw new BreakwaterConfigError(
        `${path}.type`,
        "'consecutive', 'count', 'time', 'throttle' or 'adaptive' (or pass a function returning a BreakerStrategy)",
        options.type,
      );
  }
}

function resolveAdaptive(path: string, options: Record<string, unknown>) {
  const windowMs = expectNumber(`${path}.windowMs`, options.windowMs ?? 60_000, 1);
  const minFailureRate = expectRate(`${path}.minFailureRate`, options.minFailureRate ?? 0.1, true);
  const maxFailureRate = expectRate(`${path}.maxFailureRate`, options.maxFailureRate ?? 0.8);
  if (minFailureRate > maxFailureRate) {
    throw new BreakwaterConfigError(
      `${path}.minFailureRate`,
      `a ratio no greater than \`maxFailureRate\` (${maxFailureRate})`,
      minFailureRate,
    );
  }
  const minLatencyMs = expectNumber(
    `${path}.minLatencyMs`,
    options.minLatencyMs ?? 100,
    0,
    Infinity,
    true,
  );
  const maxLatencyMs = expectNumber(
    `${path}.maxLatencyMs`,
    options.maxLatencyMs ?? Math.max(30_000, minLatencyMs),
    0,
    Infinity,
    true,
  );
  if (minLatencyMs > maxLatencyMs) {
    throw new BreakwaterConfigError(
      `${path}.minLatencyMs`,
      `a number of ms no greater than \`maxLatencyMs\` (${maxLatencyMs})`,
      minLatencyMs,
    );
  }
  return Object.freeze({
    windowMs,
    bucketCount: expectInteger(`${path}.bucketCount`, options.bucketCount ?? 6, 1, 10_000),
    halfLifeMs: expectNumber(`${path}.halfLifeMs`, options.halfLifeMs ?? 600_000, 1),
    warmupMs: expectNumber(`${path}.warmupMs`, options.warmupMs ?? 300_000, 0),
    deviations: expectNumber(`${path}.deviations`, options.deviations ?? 3, 0),
    minCalls: expectInteger(`${path}.minCalls`, options.minCalls ?? 20, 1),
    minFailureRate,
    maxFailureRate,
    minLatencyMs,
    maxLatencyMs,
  });
}

/** The built-in strategy whose keys `options` uses, for options written without `type`. */
function inferType(options: Record<string, unknown>): string {
  if ('windowMs' in options || 'bucketCount' in options) return 'time';
  for (const key of ['callCount', 'failureRate', 'minCalls', 'slowCallMs', 'slowCallRate']) {
    if (key in options) return 'count';
  }
  return 'consecutive';
}

function resolveThresholds(
  path: string,
  options: Record<string, unknown>,
  maxCalls: number,
): RateThresholds {
  const slowCallMs =
    options.slowCallMs === undefined
      ? undefined
      : expectNumber(`${path}.slowCallMs`, options.slowCallMs, 0);
  if (options.slowCallRate !== undefined && slowCallMs === undefined) {
    throw new BreakwaterConfigError(
      `${path}.slowCallRate`,
      'to be set together with `slowCallMs`',
      options.slowCallRate,
    );
  }
  return Object.freeze({
    failureRate: expectRate(`${path}.failureRate`, options.failureRate ?? 0.5),
    minCalls: expectInteger(
      `${path}.minCalls`,
      options.minCalls ?? Math.min(10, maxCalls),
      1,
      maxCalls,
    ),
    slowCallMs,
    slowCallRate: expectRate(`${path}.slowCallRate`, options.slowCallRate ?? 1),
  });
}

const strategyMethods = ['onSuccess', 'onFailure', 'reset', 'describe', 'stats'] as const;

/**
 * Wraps a user's strategy factory so that what it returns is checked when a breaker is built,
 * not at the first call or snapshot that needs a missing method.
 */
function checkedFactory(path: string, create: () => BreakerStrategy): StrategyFactory {
  return (sink) => {
    const strategy = create();
    const missing = strategyMethods.filter(
      (method) => typeof (strategy as unknown as Record<string, unknown>)?.[method] !== 'function',
    );
    if (missing.length > 0 || typeof strategy?.usesTime !== 'boolean') {
      throw new BreakwaterConfigError(
        path,
        `a factory returning a BreakerStrategy (usesTime, tracksLatency, ${strategyMethods.join(', ')})`,
        strategy,
      );
    }
    return guardStrategy(strategy, (error) => sink.reportStrategyError(error));
  };
}
