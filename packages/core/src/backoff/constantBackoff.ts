import { expectNumber, expectObject, type KnownKeys, rejectUnknownKeys } from '../validate.ts';
import { expectJitter } from './expectJitter.ts';
import { applyJitter, type Backoff, type Jitter } from './types.ts';

/** Options for {@link constantBackoff}. */
export interface ConstantBackoffOptions {
  /**
   * Randomness added to each delay.
   * @defaultValue `0`
   */
  jitter?: Jitter;
}

const known: KnownKeys<ConstantBackoffOptions> = { jitter: true };

/**
 * The same delay every time.
 * @throws BreakwaterConfigError when `delayMs` is negative or not finite
 * @example `constantBackoff(5_000)`
 */
export function constantBackoff(delayMs: number, options: ConstantBackoffOptions = {}): Backoff {
  expectObject('constantBackoff options', options);
  rejectUnknownKeys('', options, known);
  const ms = expectNumber('delayMs', delayMs, 0);
  const jitter = expectJitter('jitter', options.jitter ?? 0);
  return Object.freeze({
    delayMs: (_attempt: number, _previous: number, random: () => number) =>
      applyJitter(ms, jitter, random),
    describe: () => `constant(${ms})`,
  });
}
