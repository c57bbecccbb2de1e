import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import {
  expectInteger,
  expectNumber,
  expectObject,
  expectRate,
  type KnownKeys,
  rejectUnknownKeys,
} from '../validate.ts';
import { ConsecutiveStrategy, type ConsecutiveStrategyOptions } from './ConsecutiveStrategy.ts';
import { CountStrategy, type CountStrategyOptions, type RateThresholds } from './CountStrategy.ts';
import { guardStrategy } from './guardStrategy.ts';
import { TimeStrategy, type TimeStrategyOptions } from './TimeStrategy.ts';
import type { BreakerStrategy } from './types.ts';

/**
 * Which strategy a breaker uses: one of the built-in ones, or a factory for your own
 * {@link BreakerStrategy} (called once per breaker, and again on `reconfigure`). `type` may be
 * left out: `windowMs` or `bucketCount` mean `'time'`, `callCount`, `failureRate`, `minCalls` or
 * a slow-call option mean `'count'`, anything else `'consecutive'`.
 */
export type StrategyOptions =
  | ConsecutiveStrategyOptions
  | CountStrategyOptions
  | TimeStrategyOptions
  | (() => BreakerStrategy);

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

/** Builds a breaker's strategy, reporting a custom strategy's errors to `sink`. */
export type StrategyFactory = (sink: StrategyErrorSink) => BreakerStrategy;

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
    default:
      throw new BreakwaterConfigError(
        `${path}.type`,
        "'consecutive', 'count' or 'time' (or pass a function returning a BreakerStrategy)",
        options.type,
      );
  }
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
