import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** One implementation's figures in one case (schema version 1). */
export interface ImplResult {
  /** Median ns per operation across the interleaved rounds. */
  readonly ns: number;
  /** 99th percentile (nearest rank) of the per-round ns per operation. */
  readonly p99Ns: number;
  /** How many rounds were measured. */
  readonly samples: number;
  /**
   * Median ns per operation of the batches run with no GC before them, which pay for the
   * garbage of the implementation's previous batch.
   */
  readonly nsNoGc?: number;
  /** The exact configuration that was measured. */
  readonly config: string;
}

/** One implementation's figures in `registry-100k`: a call spread over many breakers. */
export interface RegistryResult extends ImplResult {
  /** Heap bytes gained over the measured calls, after warm-up (full GCs before and after). */
  readonly heapDeltaBytes: number;
  /** Breakers in the registry, and calls measured. */
  readonly breakers: number;
  readonly calls: number;
}

/** One implementation's figures in a latency case (`redis-propagation`). */
export interface LatencyResult {
  /** Median latency in ms. */
  readonly p50Ms: number;
  /** 99th percentile (nearest rank) latency in ms. */
  readonly p99Ms: number;
  /** How many latencies were measured. */
  readonly samples: number;
  /** Operations per second of the whole case, where it measures throughput (`fleet-limiter`). */
  readonly opsPerSec?: number;
  readonly config: string;
}

/** What `pnpm bench` writes to `bench/results/*.json`; the shape is fixed by DESIGN.md. */
export interface BenchResult {
  readonly schemaVersion: 1;
  readonly node: string;
  readonly date: string;
  /** Present when batches were timed with this process' CPU time (`--clock cpu`), not elapsed. */
  readonly clock?: 'cpu';
  readonly cases: Record<string, Record<string, ImplResult | LatencyResult | RegistryResult>>;
  /** Heap bytes retained per idle breaker, by implementation. */
  readonly memory: Record<string, number>;
}

/** `bench/results/smoke.json` (git-ignored) for smoke runs, `latest.json` for full runs. */
export function resultPath(smoke: boolean): string {
  const file = smoke ? 'smoke.json' : 'latest.json';
  return fileURLToPath(new URL(`../results/${file}`, import.meta.url));
}

export async function writeResult(result: BenchResult, path: string): Promise<void> {
  await mkdir(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true });
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
}
