import { relative } from 'node:path';
import { cases, idleImpls, memoryCaseName, selfTimedCases } from './cases/index.ts';
import type { BenchClock } from './clock.ts';
import { measureInterleaved } from './harness.ts';
import { measureIdleMemory } from './memory.ts';
import { type BenchResult, type ImplResult, resultPath, writeResult } from './results.ts';
import { median, percentile, round1 } from './stats.ts';

export interface RunOptions {
  /** A few iterations to check the harness and the schema, not to produce figures. */
  readonly smoke: boolean;
  /** Writes `bench/results/smoke.json` (smoke) or `latest.json` (full run). */
  readonly write: boolean;
  /** Case names to run (`memory` included); all when absent or empty. */
  readonly only?: readonly string[];
  /** What batches are timed with: elapsed time (the default) or this process' CPU time. */
  readonly clock?: BenchClock;
  /** Receives progress lines and notes about skipped implementations. */
  readonly log?: (line: string) => void;
}

const fullRun = {
  rounds: 41,
  warmupBatches: 3,
  gcBeforeBatch: true,
  memory: { count: 10_000, repeats: 3 },
};
const smokeRun = {
  rounds: 3,
  warmupBatches: 1,
  gcBeforeBatch: false,
  batch: 100,
  memory: { count: 300, repeats: 1 },
};

/** Runs the selected cases and the memory measurement, and returns (and maybe writes) the result. */
export async function runBench(options: RunOptions): Promise<BenchResult> {
  const log = options.log ?? (() => {});
  const notes = new Set<string>();
  const skip = (impl: { readonly unavailable?: string }): boolean => {
    if (!impl.unavailable) return false;
    if (!notes.has(impl.unavailable)) log(`note: ${impl.unavailable}`);
    notes.add(impl.unavailable);
    return true;
  };
  const only = selection(options.only);
  const clock = options.clock ?? 'wall';
  const result: BenchResult = {
    schemaVersion: 1,
    node: process.version,
    date: new Date().toISOString(),
    ...(clock === 'wall' ? {} : { clock }),
    cases: {},
    memory: {},
  };

  for (const benchCase of cases) {
    if (only && !only.has(benchCase.name)) continue;
    const impls = benchCase.impls.filter((impl) => !skip(impl));
    // Smoke batches stay small for the slow cases (loopback requests): a tenth of the full one.
    const batch = options.smoke
      ? Math.min(smokeRun.batch, Math.max(10, Math.floor(benchCase.batch / 10)))
      : benchCase.batch;
    const { rounds, warmupBatches, gcBeforeBatch } = options.smoke ? smokeRun : fullRun;
    log(`${benchCase.name}: ${impls.length} impls × ${rounds} rounds × ${batch} calls`);
    const samples = await measureInterleaved(impls, {
      rounds,
      batch,
      warmupBatches,
      gcBeforeBatch,
      clock,
    });
    const figures: Record<string, ImplResult> = {};
    for (const impl of impls) {
      const perRound = samples.get(impl.name)!;
      figures[impl.name] = {
        ns: round1(median(perRound.ns)),
        p99Ns: round1(percentile(perRound.ns, 99)),
        samples: perRound.ns.length,
        nsNoGc: round1(median(perRound.nsNoGc)),
        config: impl.config,
      };
    }
    result.cases[benchCase.name] = figures;
  }

  for (const selfTimedCase of selfTimedCases) {
    if (only && !only.has(selfTimedCase.name)) continue;
    if (skip(selfTimedCase)) continue;
    log(`${selfTimedCase.name}: ${selfTimedCase.summary}`);
    result.cases[selfTimedCase.name] = await selfTimedCase.measure(options.smoke, clock);
  }

  if (!only || only.has(memoryCaseName)) {
    const memory = options.smoke ? smokeRun.memory : fullRun.memory;
    log(`${memoryCaseName}: ${memory.count} idle breakers per impl`);
    for (const impl of idleImpls) {
      if (skip(impl)) continue;
      result.memory[impl.name] = measureIdleMemory(impl, memory);
    }
  }

  if (options.write) {
    const path = resultPath(options.smoke);
    await writeResult(result, path);
    log(`wrote ${relative(process.cwd(), path)}`);
  }
  return result;
}

function selection(names: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (!names || names.length === 0) return undefined;
  const known = [
    ...cases.map((benchCase) => benchCase.name),
    ...selfTimedCases.map((selfTimedCase) => selfTimedCase.name),
    memoryCaseName,
  ];
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(`Unknown case ${unknown.join(', ')}; known cases: ${known.join(', ')}.`);
  }
  return new Set(names);
}
