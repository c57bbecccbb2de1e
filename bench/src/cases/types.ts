import type { Impl } from '../harness.ts';

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
