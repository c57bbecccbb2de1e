import type { BreakerRegistry, BreakerSnapshot } from '@breakwater/core';

/**
 * The snapshots of one scrape, shared by every metric. prom-client calls each metric's
 * `collect()` in the same synchronous turn of `registry.metrics()`, so the snapshots taken by
 * the first are kept until the next microtask: a scrape reads each breaker once, and every metric
 * of it describes the same instant (a breaker removed after the first `collect()` still appears
 * in all of them or, from the next scrape on, in none).
 */
export class ScrapeSnapshots {
  readonly #registry: () => BreakerRegistry;
  #taken: BreakerSnapshot[] | undefined;

  constructor(registry: () => BreakerRegistry) {
    this.#registry = registry;
  }

  current(): readonly BreakerSnapshot[] {
    if (this.#taken !== undefined) return this.#taken;
    const taken: BreakerSnapshot[] = [];
    for (const breaker of this.#registry().breakers()) taken.push(breaker.snapshot());
    this.#taken = taken;
    queueMicrotask(() => {
      this.#taken = undefined;
    });
    return taken;
  }
}
