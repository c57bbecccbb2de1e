import { expectJitter } from '../backoff/expectJitter.ts';
import { exponentialBackoff } from '../backoff/exponentialBackoff.ts';
import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import { type BreakerOptions, resolveBreakerOptions } from '../resolveBreakerOptions.ts';
import type { StrategyOptions } from '../strategies/resolveStrategy.ts';
import {
  expectInteger,
  expectNumber,
  expectObject,
  expectOneOf,
  expectRate,
  expectString,
} from '../validate.ts';
import { BreakerRegistry } from './BreakerRegistry.ts';
import type {
  BreakerRegistryOptions,
  RegistryBreakerOptions,
} from './resolveBreakerRegistryOptions.ts';

/** An environment: `process.env`, `Deno.env.toObject()`, a Worker's `env`, or a test's object. */
export type Env = Readonly<Record<string, string | undefined>>;

/** What {@link breakerOptionsFromEnv} read. */
export interface BreakerEnvConfig {
  /** `false` when `…ENABLED` says so: breakers should be created `disabled`. */
  readonly enabled: boolean;
  /** Breaker options from the variables that are set; nothing else. */
  readonly options: RegistryBreakerOptions;
}

/** Options for {@link registryFromEnv}: a registry's options, plus the variables' prefix. */
export interface RegistryFromEnvOptions extends BreakerRegistryOptions {
  /**
   * The prefix of the variables.
   * @defaultValue `'BREAKWATER_'`
   */
  prefix?: string;
}

type StrategyType = 'consecutive' | 'count' | 'time';
type Parse = (value: unknown) => unknown;

interface Variable {
  /** The breaker option it sets, as named in BreakwaterConfigError (`strategy.minCalls`). */
  readonly option: string;
  readonly parse: Parse;
  /** Strategies it applies to; it is an error with any other. */
  readonly strategies?: readonly StrategyType[];
}

const rateStrategies: readonly StrategyType[] = ['count', 'time'];

/** Every variable, by name without the prefix, in the order the error for a typo lists them. */
const variables: Readonly<Record<string, Variable>> = {
  ENABLED: { option: 'enabled', parse: flag },
  STRATEGY: {
    option: 'strategy.type',
    parse: (v) => expectOneOf('', v, ['consecutive', 'count', 'time']),
  },
  FAILURE_COUNT: {
    option: 'strategy.failureCount',
    parse: integer(1),
    strategies: ['consecutive'],
  },
  FAILURE_RATE: { option: 'strategy.failureRate', parse: rate, strategies: rateStrategies },
  MIN_CALLS: { option: 'strategy.minCalls', parse: integer(1), strategies: rateStrategies },
  WINDOW_CALL_COUNT: {
    option: 'strategy.callCount',
    parse: integer(1, 1_000_000),
    strategies: ['count'],
  },
  WINDOW_MS: { option: 'strategy.windowMs', parse: number(1), strategies: ['time'] },
  BUCKET_COUNT: { option: 'strategy.bucketCount', parse: integer(1, 10_000), strategies: ['time'] },
  SLOW_CALL_MS: { option: 'strategy.slowCallMs', parse: number(0), strategies: rateStrategies },
  SLOW_CALL_RATE: { option: 'strategy.slowCallRate', parse: rate, strategies: rateStrategies },
  OPEN_MS: { option: 'openMs', parse: number(0) },
  OPEN_MAX_MS: { option: 'openMs.maxMs', parse: number(0) },
  OPEN_FACTOR: { option: 'openMs.factor', parse: number(1) },
  OPEN_JITTER: {
    option: 'openMs.jitter',
    parse: (v) => expectJitter('', v === 'full' || v === 'equal' ? v : toNumber(v)),
  },
  MAX_RECOVERY_ATTEMPTS: { option: 'maxRecoveryAttempts', parse: integer(1, Infinity) },
  HALF_OPEN_MAX_PROBES: { option: 'halfOpen.maxProbes', parse: integer(1, 10_000) },
  HALF_OPEN_SUCCESS_COUNT: { option: 'halfOpen.successCount', parse: integer(1, 10_000) },
  HALF_OPEN_PROBE_TIMEOUT_MS: { option: 'halfOpen.probeTimeoutMs', parse: number(1) },
  MAX_RETRY_AFTER_MS: { option: 'maxRetryAfterMs', parse: number(0) },
  OPEN_ON_RETRY_AFTER: { option: 'openOnRetryAfter', parse: flag },
  TRACK_LATENCY: { option: 'trackLatency', parse: flag },
};

/** The default recovery's shape, used for the parts of an exponential recovery left unset. */
const recoveryDefaults = { initialMs: 10_000, factor: 2, maxMs: 300_000, jitter: 0.1 };

/**
 * Reads breaker options from environment variables (`BREAKWATER_FAILURE_COUNT=3`, …), so
 * operators can tune breakers without a deploy. Pure and isomorphic: it reads only the object it
 * is given (`@breakwater/core/node` passes `process.env`). Empty variables count as unset;
 * numbers may use `_` separators (`10_000`).
 *
 * Strategy: `…FAILURE_COUNT` alone is the `consecutive` strategy; `…STRATEGY=count` or `time`
 * takes `…FAILURE_RATE`, `…MIN_CALLS`, `…SLOW_CALL_MS`, `…SLOW_CALL_RATE`, and `…WINDOW_CALL_COUNT`
 * (count) or `…WINDOW_MS` and `…BUCKET_COUNT` (time). Open period: `…OPEN_MS` alone is a
 * constant delay; with `…OPEN_MAX_MS`, `…OPEN_FACTOR` or `…OPEN_JITTER` it is an
 * exponential backoff starting at `…OPEN_MS` (parts left unset take the breaker's default
 * openMs: 10 000 ms × 2, max 300 000 ms, jitter 0.1). The other variables map one-to-one to
 * options: `…MAX_RECOVERY_ATTEMPTS` (an integer or `Infinity`), `…HALF_OPEN_MAX_PROBES`,
 * `…HALF_OPEN_SUCCESS_COUNT`, `…HALF_OPEN_PROBE_TIMEOUT_MS`,
 * `…MAX_RETRY_AFTER_MS`, `…OPEN_ON_RETRY_AFTER`, `…TRACK_LATENCY`. Booleans (and `…ENABLED`)
 * accept `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`.
 *
 * @param prefix - The variables' prefix. Every variable with it must be one of the above.
 * @defaultValue `prefix`: `'BREAKWATER_'`
 * @throws BreakwaterConfigError whose `option` is the variable's name, for a value that does not
 * parse or is out of range, a variable that does not fit the strategy, options that are invalid
 * together, or an unknown variable with the prefix (a typo):
 * ``Invalid option `BREAKWATER_FAILURE_COUNT`: expected an integer >= 1, received "five".``
 * @example
 * ```ts
 * const { enabled, options } = breakerOptionsFromEnv({ BREAKWATER_FAILURE_COUNT: '3' });
 * const breaker = new CircuitBreaker({ ...options, name: 'https://api.kraken.com' });
 * ```
 */
export function breakerOptionsFromEnv(env: Env, prefix = 'BREAKWATER_'): BreakerEnvConfig {
  const { enabled, options } = readEnv(env, prefix);
  return { enabled: enabled ?? true, options };
}

/**
 * A {@link BreakerRegistry} whose breakers take their options from the environment (see
 * {@link breakerOptionsFromEnv}). The variables win over `options.defaults`, and `overrides` and
 * `get(name, options)` win over both; `…ENABLED`, when set, wins over `options.enabled`.
 * @throws BreakwaterConfigError as {@link breakerOptionsFromEnv} does, or for an invalid option
 * @example
 * ```ts
 * const registry = registryFromEnv(env, { maxSize: 1_000 });
 * ```
 */
export function registryFromEnv(env: Env, options: RegistryFromEnvOptions = {}): BreakerRegistry {
  expectObject('options', options as unknown);
  const { prefix = 'BREAKWATER_', ...registryOptions } = options;
  const fromEnv = readEnv(env, prefix);
  const base: RegistryBreakerOptions = registryOptions.defaults ?? {};
  const defaults: RegistryBreakerOptions = { ...base, ...fromEnv.options };
  if (fromEnv.options.halfOpen !== undefined && base.halfOpen !== undefined) {
    defaults.halfOpen = { ...base.halfOpen, ...fromEnv.options.halfOpen };
  }
  const strategy = fromEnv.options.strategy as Record<string, unknown> | undefined;
  const baseStrategy = base.strategy as Record<string, unknown> | undefined;
  if (strategy !== undefined && baseStrategy?.type === strategy.type) {
    defaults.strategy = { ...baseStrategy, ...strategy } as unknown as StrategyOptions;
  }
  return new BreakerRegistry({
    ...registryOptions,
    defaults,
    ...(fromEnv.enabled === undefined ? {} : { enabled: fromEnv.enabled }),
  });
}

function readEnv(env: Env, prefix: string): { enabled?: boolean; options: BreakerOptions } {
  expectObject('env', env as unknown);
  expectString('prefix', prefix);
  const values = new Map<string, unknown>();
  for (const key of Object.keys(env)) {
    if (!key.startsWith(prefix)) continue;
    const raw = env[key];
    if (raw === undefined || raw.trim() === '') continue;
    const name = key.slice(prefix.length);
    if (!Object.hasOwn(variables, name)) {
      const known = Object.keys(variables).map((known) => prefix + known);
      throw new BreakwaterConfigError(key, `one of ${known.join(', ')}`, 'an unknown variable');
    }
    values.set(
      name,
      rethrowAs(key, raw, () => variables[name]!.parse(raw.trim())),
    );
  }

  const strategyType = (values.get('STRATEGY') ?? 'consecutive') as StrategyType;
  for (const name of values.keys()) {
    const allowed = variables[name]!.strategies;
    if (allowed !== undefined && !allowed.includes(strategyType)) {
      const needs = allowed.map((type) => `${prefix}STRATEGY=${type}`).join(' or ');
      throw new BreakwaterConfigError(
        prefix + name,
        `to be used with ${needs}`,
        env[prefix + name],
      );
    }
  }
  if (values.has('SLOW_CALL_RATE') && !values.has('SLOW_CALL_MS')) {
    const name = `${prefix}SLOW_CALL_RATE`;
    throw new BreakwaterConfigError(name, `to be set with ${prefix}SLOW_CALL_MS`, env[name]);
  }

  const options: BreakerOptions = {};
  const strategy: Record<string, unknown> = {};
  const halfOpen: Record<string, unknown> = {};
  for (const [name, value] of values) {
    const [group, key] = variables[name]!.option.split('.') as [string, string | undefined];
    if (group === 'strategy') strategy[key!] = value;
    else if (group === 'halfOpen') halfOpen[key!] = value;
    else if (group !== 'enabled' && group !== 'openMs') {
      (options as Record<string, unknown>)[group] = value;
    }
  }
  if (Object.keys(strategy).length > 0) {
    options.strategy = { type: strategyType, ...strategy } as StrategyOptions;
  }
  if (Object.keys(halfOpen).length > 0) options.halfOpen = halfOpen;
  const recovery = readRecovery(values, prefix, env);
  if (recovery !== undefined) options.openMs = recovery;

  // Options that are valid alone may not be together (`slowCallRate` without `slowCallMs`,
  // `minCalls` above the window's size): check now, and name the variable.
  try {
    resolveBreakerOptions(options);
  } catch (error) {
    const name = [...values.keys()].find((n) => variables[n]!.option === optionOf(error));
    if (name === undefined || !(error instanceof BreakwaterConfigError)) throw error;
    throw new BreakwaterConfigError(prefix + name, error.expected, env[prefix + name]);
  }
  const enabled = values.get('ENABLED') as boolean | undefined;
  return enabled === undefined ? { options } : { enabled, options };
}

function readRecovery(
  values: ReadonlyMap<string, unknown>,
  prefix: string,
  env: Env,
): BreakerOptions['openMs'] {
  const initialMs = values.get('OPEN_MS') as number | undefined;
  const maxMs = values.get('OPEN_MAX_MS') as number | undefined;
  const factor = values.get('OPEN_FACTOR') as number | undefined;
  const jitter = values.get('OPEN_JITTER') as number | 'full' | 'equal' | undefined;
  if (maxMs === undefined && factor === undefined && jitter === undefined) return initialMs;
  const initial = initialMs ?? recoveryDefaults.initialMs;
  if (maxMs !== undefined && maxMs < initial) {
    const name = `${prefix}OPEN_MAX_MS`;
    throw new BreakwaterConfigError(name, `a number >= ${initial} (the initial delay)`, env[name]);
  }
  return exponentialBackoff({
    initialMs: initial,
    factor: factor ?? recoveryDefaults.factor,
    maxMs: maxMs ?? Math.max(recoveryDefaults.maxMs, initial),
    jitter: jitter ?? recoveryDefaults.jitter,
  });
}

/** Runs a check, turning its error into one about variable `name` with its raw value. */
function rethrowAs<T>(name: string, raw: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof BreakwaterConfigError)) throw error;
    throw new BreakwaterConfigError(name, error.expected, raw);
  }
}

function optionOf(error: unknown): string | undefined {
  return error instanceof BreakwaterConfigError ? error.option : undefined;
}

function flag(value: unknown): boolean {
  const text = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  throw new BreakwaterConfigError('', 'true, false, 1, 0, yes, no, on or off', value);
}

function integer(min: number, max?: number): Parse {
  return (value) => expectInteger('', toNumber(value, max === Infinity), min, max);
}

function number(min: number, max?: number): Parse {
  return (value) => expectNumber('', toNumber(value), min, max);
}

function rate(value: unknown): number {
  return expectRate('', toNumber(value));
}

/** A decimal number (`_` allowed between digits), or the text unchanged for the check to reject. */
function toNumber(value: unknown, allowInfinity = false): unknown {
  const text = String(value);
  if (allowInfinity && /^\+?infinity$/i.test(text)) return Infinity;
  if (!/^[+-]?(?:\d+(?:_\d+)*(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?$/i.test(text)) return value;
  return Number(text.replaceAll('_', ''));
}
