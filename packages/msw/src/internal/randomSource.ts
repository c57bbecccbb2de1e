import { BreakwaterConfigError, type Clock } from '@breakwater/core';
import { expectFunction, expectInteger, seededRandom } from '@breakwater/core/adapter';

/** Where a builder takes its randomness from; the first given wins: `random`, `seed`, `clock`. */
export interface RandomOptions {
  /**
   * Returns numbers in [0, 1); replaces the seeded sequence.
   * @defaultValue the sequence seeded by `seed`
   */
  random?: () => number;
  /**
   * Seed of a deterministic sequence, so a scenario picks the same requests on every run.
   * @defaultValue `1`, unless `clock` is given
   */
  seed?: number;
}

/** Resolves the random source of a builder. Not part of the public API. */
export function resolveRandom(
  path: string,
  options: { random?: unknown; seed?: unknown },
  clock: Clock | undefined,
): () => number {
  if (options.random !== undefined && options.seed !== undefined) {
    throw new BreakwaterConfigError(`${path}seed`, 'no seed when `random` is given', options.seed);
  }
  if (options.random !== undefined) return expectFunction(`${path}random`, options.random);
  if (options.seed === undefined && clock !== undefined) return () => clock.random();
  const seed = expectInteger(`${path}seed`, options.seed ?? 1, 0, 0xffff_ffff);
  return seededRandom(seed);
}
