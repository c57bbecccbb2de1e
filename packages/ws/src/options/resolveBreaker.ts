import {
  type BreakerOptions,
  BreakwaterConfigError,
  CircuitBreaker,
  type Clock,
} from '@breakwater/core';
import { expectObject } from '@breakwater/core/adapter';
import { isBreakerLike, isObjectLike } from './validate.ts';

/**
 * The breaker every connection attempt goes through: `given` as it is, or a new one with the
 * guard's name and clock. Either way its probe must outlive `settleBound`
 * (`connectTimeoutMs + minUptimeMs`), the longest a probe connection takes to be settled.
 * @throws BreakwaterConfigError when `breaker.halfOpen.probeTimeoutMs` is too short
 */
export function resolveBreaker(
  given: BreakerOptions | CircuitBreaker | undefined,
  name: string,
  clock: Clock,
  settleBound: number,
): CircuitBreaker {
  const probeRule = `a number > connectTimeoutMs + minUptimeMs (${settleBound}), so that a probe connection is settled before it expires`;
  if (isBreakerLike(given)) {
    const probeTimeoutMs = given.options.probeTimeoutMs;
    if (!(probeTimeoutMs > settleBound)) {
      throw new BreakwaterConfigError('breaker.halfOpen.probeTimeoutMs', probeRule, probeTimeoutMs);
    }
    return given;
  }
  const user = given ?? {};
  expectObject('breaker', user as unknown);
  const halfOpen = user.halfOpen;
  const probeTimeoutMs = isPlainObject(halfOpen) ? halfOpen.probeTimeoutMs : undefined;
  if (probeTimeoutMs !== undefined && !(probeTimeoutMs > settleBound)) {
    throw new BreakwaterConfigError('breaker.halfOpen.probeTimeoutMs', probeRule, probeTimeoutMs);
  }
  return new CircuitBreaker({
    ...user,
    name: user.name ?? name,
    clock: user.clock ?? clock,
    halfOpen:
      halfOpen === undefined || isPlainObject(halfOpen)
        ? {
            ...halfOpen,
            probeTimeoutMs: probeTimeoutMs ?? Math.max(60_000, settleBound + 1_000),
          }
        : halfOpen,
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> & {
  probeTimeoutMs?: number;
} {
  return isObjectLike(value);
}
