import type { BenchClock } from '../clock.ts';
import type { Impl } from '../harness.ts';
import type { LatencyResult, RegistryResult } from '../results.ts';

/** One row group of the table and one key of `cases` in the JSON. */
export interface BenchCase {
  /** The key in `cases` and the `--case` filter value. */
  readonly name: string;
  /** One line for the README and the progress output. */
  readonly summary: string;
  /** The implementation the ratio column divides by: the floor the others are compared with. */
  readonly reference: string;
  /**
   * Awaited operations per implementation per round in a full run. Sized so the slowest
   * implementation's batch lasts milliseconds and the fastest's is still well above timer noise.
   */
  readonly batch: number;
  readonly impls: readonly Impl[];
}

/**
 * A case that runs its own measurement instead of interleaved batches: the Redis propagation
 * across processes (ms percentiles), the registry of 100 000 breakers (ns per call and the heap
 * gained).
 */
export interface SelfTimedCase {
  /** The key in `cases` and the `--case` filter value. */
  readonly name: string;
  readonly summary: string;
  /** The implementation the table's ratio column divides by, when the case has one. */
  readonly reference?: string;
  /** Why the case cannot run here; the run skips it and prints this. */
  readonly unavailable?: string;
  /** Measures the case; a smoke run keeps it short. Results by implementation name. */
  measure(
    smoke: boolean,
    clock: BenchClock,
  ): Promise<Record<string, LatencyResult | RegistryResult>>;
}
