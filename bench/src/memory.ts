import { collectGarbage } from './gc.ts';
import { median } from './stats.ts';

/** How to create and dispose of one idle breaker of an implementation. */
export interface IdleImpl {
  readonly name: string;
  readonly config: string;
  /** Why the implementation cannot run here; the run skips it and prints this. */
  readonly unavailable?: string;
  /** Creates one breaker; `name` is unique per breaker, for libraries that key breakers by name. */
  create(name: string): object;
  dispose(breaker: object): void;
}

export interface MemoryOptions {
  /** Breakers alive at once; the heap delta is divided by this. */
  readonly count: number;
  /** Measurements per implementation; the median is reported. */
  readonly repeats: number;
}

/**
 * Heap bytes retained per idle breaker (created, never called): the heap delta, after full GCs,
 * of holding `count` of them, rounded to whole bytes. Names and the array that holds the breakers
 * are allocated before the first reading, so only the breakers themselves are counted.
 */
export function measureIdleMemory(impl: IdleImpl, options: MemoryOptions): number {
  // Warm up first, so code compiled and module state created on first use are not charged.
  holdAndMeasure(impl, Math.min(options.count, 100));
  const readings: number[] = [];
  for (let i = 0; i < options.repeats; i++) readings.push(holdAndMeasure(impl, options.count));
  return Math.round(median(readings));
}

function holdAndMeasure(impl: IdleImpl, count: number): number {
  const names = Array.from({ length: count }, (_, i) => `bench-${i}`);
  const held: (object | null)[] = new Array<object | null>(count).fill(null);
  collectGarbage();
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) held[i] = impl.create(names[i]!);
  collectGarbage();
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  for (const breaker of held) if (breaker) impl.dispose(breaker);
  return (after - before) / count;
}
