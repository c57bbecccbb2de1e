import type { Clock } from '@breakwater/core';
import { expectClock, expectFunction, expectRate } from '@breakwater/core/adapter';
import { defaultFailure } from '../internal/defaultFailure.ts';
import { type RandomOptions, resolveRandom } from '../internal/randomSource.ts';
import { readOptions } from '../internal/validate.ts';
import type { FallThroughOptions, Fault } from './types.ts';

/** Options for {@link failRandomly}. */
export interface FailRandomlyOptions extends RandomOptions, FallThroughOptions {
  /**
   * How a failing request is answered.
   * @defaultValue a bare HTTP 500
   */
  with?: Fault;
  /**
   * Its `random()` is used when neither `random` nor `seed` is given, so an experiment seeded
   * through its `ManualClock` is seeded here too.
   * @defaultValue none
   */
  clock?: Clock;
}

/**
 * Fails each request with probability `probability`, deterministically: the draws come from a
 * seeded sequence (`seed`, default `1`), a `random` function, or the `clock`'s `random()`, so a
 * test sees the same requests fail on every run.
 *
 * @example
 * ```ts
 * server.use(http.get(url, failRandomly(0.2, { seed: 42, with: connectionError() })));
 * ```
 * @throws BreakwaterConfigError when `probability` is not in [0, 1], when both `seed` and
 * `random` are given, or when an option is invalid
 */
export function failRandomly(probability: number, options?: FailRandomlyOptions): Fault {
  const p = expectRate('probability', probability, true);
  const raw = readOptions('', options, {
    with: true,
    otherwise: true,
    random: true,
    seed: true,
    clock: true,
  });
  const clock = raw.clock === undefined ? undefined : expectClock('clock', raw.clock);
  const random = resolveRandom('', raw, clock);
  const failure = expectFunction<Fault>('with', raw.with ?? defaultFailure);
  const otherwise =
    raw.otherwise === undefined ? undefined : expectFunction<Fault>('otherwise', raw.otherwise);
  return (info) => (random() < p ? failure(info) : otherwise?.(info));
}
