import { BreakwaterConfigError } from '@breakwater/core';
import {
  expectFunction,
  expectNumber,
  expectObject,
  type KnownKeys,
  maxTimerMs,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';
import type { ResolvedRotationOptions, RotationOptions } from './types.ts';

const knownRotation: KnownKeys<RotationOptions> = {
  maxLifetimeMs: true,
  overlapMs: true,
  messageId: true,
};

/**
 * Validates rotation; none when `value` is undefined. A connection must be able to live
 * `minUptimeMs` before it is rotated, or no attempt would ever be settled as a success.
 * @throws BreakwaterConfigError naming the first invalid or unknown `rotation` option
 */
export function resolveRotationOptions(
  value: RotationOptions | undefined,
  minUptimeMs: number,
): ResolvedRotationOptions | undefined {
  if (value === undefined) return undefined;
  expectObject('rotation', value as unknown);
  rejectUnknownKeys('rotation', value, knownRotation);
  const maxLifetimeMs = expectNumber('rotation.maxLifetimeMs', value.maxLifetimeMs, 1, maxTimerMs);
  if (!(maxLifetimeMs > minUptimeMs)) {
    throw new BreakwaterConfigError(
      'rotation.maxLifetimeMs',
      `a number > minUptimeMs (${minUptimeMs})`,
      maxLifetimeMs,
    );
  }
  const messageId = value.messageId;
  if (messageId !== undefined) expectFunction('rotation.messageId', messageId);
  return Object.freeze({
    maxLifetimeMs,
    overlapMs: expectNumber('rotation.overlapMs', value.overlapMs ?? 5_000, 0, maxTimerMs),
    messageId,
  });
}
