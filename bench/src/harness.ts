import { type BenchClock, readClock } from './clock.ts';
import { collectGarbage, collectYoungGarbage } from './gc.ts';

/** One implementation set up for a case: a breaker (or none) and the loop that drives it. */
export interface Subject {
  /**
   * Runs `count` awaited operations one after another and checks each outcome, so a broken
   * setup fails the run instead of producing a figure.
   */
  run(count: number): Promise<void>;
  /** Releases the timers and handles the subject holds. */
  dispose(): void;
}

/** One implementation of a case, with the exact configuration it measures. */
export interface Impl {
  readonly name: string;
  readonly config: string;
  /** Why the implementation cannot run here; the run skips it and prints this. */
  readonly unavailable?: string;
  create(): Subject | Promise<Subject>;
}

export interface MeasureOptions {
  /** Rounds; each runs every implementation once, in an order that rotates per round. */
  readonly rounds: number;
  /** Awaited operations per implementation per round. */
  readonly batch: number;
  /** Unmeasured batches each implementation runs first, so every one is optimised. */
  readonly warmupBatches: number;
  /** A young GC before every `ns` batch; smoke runs skip it, it costs more than they measure. */
  readonly gcBeforeBatch: boolean;
  /** What batches are timed with (see `BenchClock`). */
  readonly clock: BenchClock;
}

/** The ns per operation of every round of one implementation. */
export interface Samples {
  /** Batches that start after a young-generation GC (in full runs): no one else's garbage. */
  readonly ns: number[];
  /**
   * Batches run right after the `ns` one with no GC in between: they pay for the garbage of
   * their own implementation's previous batch, as a steady stream of calls does.
   */
  readonly nsNoGc: number[];
}

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Measures `impls` in interleaved rounds and returns the ns per operation of every round, by
 * implementation name. Interleaving spreads drift (CPU frequency, other processes, heap growth)
 * over all implementations instead of charging it to whichever ran last. Each round runs every
 * implementation twice in a row: once after a macrotask turn and (in full runs) a young GC, so
 * it pays for no one's garbage (`ns`), then at once again, paying for the garbage its first
 * batch left (`nsNoGc`): the GC hides the cost of garbage from the paths that allocate most.
 */
export async function measureInterleaved(
  impls: readonly Impl[],
  options: MeasureOptions,
): Promise<Map<string, Samples>> {
  const subjects: { name: string; subject: Subject }[] = [];
  try {
    for (const impl of impls) subjects.push({ name: impl.name, subject: await impl.create() });
    for (const { subject } of subjects) {
      for (let i = 0; i < options.warmupBatches; i++) await subject.run(options.batch);
    }
    const samples = new Map<string, Samples>(
      subjects.map(({ name }) => [name, { ns: [], nsNoGc: [] }]),
    );
    if (options.gcBeforeBatch) collectGarbage();
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < subjects.length; k++) {
        const { name, subject } = subjects[(round + k) % subjects.length]!;
        await nextMacrotask();
        // A young-generation GC only: it clears the previous implementation's garbage, while a
        // forced full GC also clears the weak references optimised code embeds ("embedded weak
        // objects cleared" in --trace-deopt) and would measure re-optimisation, not the
        // steady state. One full GC runs before the rounds start.
        if (options.gcBeforeBatch) collectYoungGarbage();
        const figures = samples.get(name)!;
        figures.ns.push(await timeBatch(subject, options.batch, options.clock));
        figures.nsNoGc.push(await timeBatch(subject, options.batch, options.clock));
      }
    }
    return samples;
  } finally {
    for (const { subject } of subjects) subject.dispose();
  }
}

/** ns per operation of one batch of `subject`. */
async function timeBatch(subject: Subject, batch: number, clock: BenchClock): Promise<number> {
  const start = readClock(clock);
  await subject.run(batch);
  return (readClock(clock) - start) / batch;
}
