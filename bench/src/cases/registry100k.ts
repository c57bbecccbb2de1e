import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BreakerRegistry } from '@breakwater/core';
import { resolveOne, unexpected } from '../actions.ts';
import { type BenchClock, readClock } from '../clock.ts';
import { collectGarbage } from '../gc.ts';
import type { RegistryResult } from '../results.ts';
import { median, percentile, round1 } from '../stats.ts';
import type { SelfTimedCase } from './types.ts';

/** Spreads consecutive calls over the breakers: prime, so coprime with every size used here. */
const stride = 7_919;

interface RegistryRun {
  readonly breakers: number;
  readonly calls: number;
  /** Calls per timed chunk; the figure is the median chunk's ns per call. */
  readonly chunk: number;
}

const full: Record<string, RegistryRun> = {
  breakwater: { breakers: 100_000, calls: 1_000_000, chunk: 50_000 },
  'breakwater-1k': { breakers: 1_000, calls: 1_000_000, chunk: 50_000 },
  'map-100k': { breakers: 100_000, calls: 1_000_000, chunk: 50_000 },
};
const smoke: Record<string, RegistryRun> = {
  breakwater: { breakers: 1_000, calls: 10_000, chunk: 2_000 },
  'breakwater-1k': { breakers: 100, calls: 10_000, chunk: 2_000 },
  'map-100k': { breakers: 1_000, calls: 10_000, chunk: 2_000 },
};

/**
 * What the same loop costs with no breaker: a `Map` of one small object per name, a counter
 * bumped per call, `await fn()`. Over 100 000 names it shows what the memory alone costs (cache
 * misses on the map and the object), apart from anything a breaker does.
 */
class MapRegistry {
  readonly #entries = new Map<string, Counted>();
  get size(): number {
    return this.#entries.size;
  }
  get(name: string): Counted {
    let entry = this.#entries.get(name);
    if (entry === undefined) {
      entry = new Counted();
      this.#entries.set(name, entry);
    }
    return entry;
  }
  dispose(): void {
    this.#entries.clear();
  }
}

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class Counted {
  calls = 0;
  execute<T>(fn: () => Promise<T>): Promise<T> {
    this.calls++;
    return fn();
  }
}

/**
 * `registry.get(name).execute(fn)` with the calls spread over every breaker of a registry (the
 * HTTP adapters' path: one breaker per origin, looked up per request). Every breaker is created
 * and called once before the measurement (warm-up); the measured calls then visit them in a
 * stride order, and the heap is read after full GCs before and after: a registry whose breakers
 * allocate nothing per call keeps a flat heap. The same loop over 1 000 breakers shows whether a
 * call costs the same however many breakers there are (O(1)).
 *
 * Each measurement runs in a process of its own (this file, forked): in the bench's process the
 * sockets, streams and pools of earlier cases are freed at unpredictable times, which moved the
 * heap by tens of MB during the calls.
 */
export const registry100k: SelfTimedCase = {
  name: 'registry-100k',
  summary:
    '1 M calls spread over 100 000 breakers of one registry (and over 1 000; and a plain Map)',
  reference: 'breakwater-1k',
  async measure(isSmoke, clock) {
    const figures: Record<string, RegistryResult> = {};
    for (const [impl, run] of Object.entries(isSmoke ? smoke : full)) {
      // A smoke run's figures mean nothing: it skips the process start-ups.
      figures[impl] = isSmoke
        ? await measureRegistry(impl, run, clock)
        : await measureInChild(impl, run, clock);
    }
    return figures;
  },
};

const selfPath = fileURLToPath(import.meta.url);

function measureInChild(
  impl: string,
  run: RegistryRun,
  clock: BenchClock,
): Promise<RegistryResult> {
  return new Promise((resolve, reject) => {
    const child = fork(selfPath, [impl, JSON.stringify(run), clock], {
      execArgv: ['--conditions=@breakwater/source', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: RegistryResult | undefined;
    child.once('message', (message: RegistryResult) => {
      result = message;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result !== undefined) resolve(result);
      else reject(new Error(`bench: the registry-100k process exited (${code}) with no result`));
    });
  });
}

// Run as the forked measurement: `registry100k.ts <impl> <run as JSON>`.
if (process.argv[1] === selfPath && process.send !== undefined) {
  const [impl, run, clock] = process.argv.slice(2) as [string, string, BenchClock];
  const result = await measureRegistry(impl, JSON.parse(run) as RegistryRun, clock);
  process.send(result, () => process.disconnect());
}

async function measureRegistry(
  impl: string,
  run: RegistryRun,
  clock: BenchClock,
): Promise<RegistryResult> {
  const registry = impl.startsWith('map') ? new MapRegistry() : new BreakerRegistry();
  const names = Array.from({ length: run.breakers }, (_, i) => `https://host-${i}.example`);
  try {
    for (const name of names) await registry.get(name).execute(resolveOne);
    let index = 0;
    const pass = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        index = (index + stride) % run.breakers;
        if ((await registry.get(names[index]!).execute(resolveOne)) !== 1) {
          throw unexpected(impl, 'resolved a wrong value');
        }
      }
    };
    // Two passes that visit every breaker: whatever a breaker allocates on its first calls is
    // warm-up, not growth.
    await pass(2 * run.breakers);
    collectGarbage();
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const perChunk: number[] = [];
    for (let done = 0; done < run.calls; done += run.chunk) {
      await nextMacrotask();
      const start = readClock(clock);
      await pass(run.chunk);
      perChunk.push((readClock(clock) - start) / run.chunk);
    }
    collectGarbage();
    collectGarbage();
    const after = process.memoryUsage().heapUsed;
    if (registry.size !== run.breakers) throw unexpected(impl, 'lost breakers');
    return {
      ns: round1(median(perChunk)),
      p99Ns: round1(percentile(perChunk, 99)),
      samples: perChunk.length,
      heapDeltaBytes: after - before,
      breakers: run.breakers,
      calls: run.calls,
      config: impl.startsWith('map')
        ? `a Map of ${run.breakers} { calls } objects, no breaker; ${run.calls} × ` +
          `map.get(name).calls++ and await fn(), names visited in stride ${stride}`
        : `new BreakerRegistry() holding ${run.breakers} breakers (defaults); ` +
          `${run.calls} × registry.get(name).execute(fn), names visited in stride ${stride}`,
    };
  } finally {
    registry.dispose();
  }
}
