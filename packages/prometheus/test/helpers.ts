import { BreakerRegistry, type BreakerRegistryOptions, ManualClock } from '@breakwater/core';
import { Registry } from 'prom-client';

const failing = (): Promise<never> =>
  Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));

/** A breaker registry on a manual clock and an empty prom-client registry. */
export function setup(options: BreakerRegistryOptions = {}) {
  const clock = new ManualClock();
  const registry = new BreakerRegistry({
    clock,
    defaults: { openMs: 1_000, strategy: { failureCount: 1 } },
    ...options,
  });
  const register = new Registry();
  return { clock, registry, register };
}

/** One failed call through `name`'s breaker (a network error): it opens with failureCount 1. */
export async function fail(registry: BreakerRegistry, name: string): Promise<void> {
  await registry
    .get(name)
    .execute(failing)
    .catch(() => {});
}

/** The lines of an exposition text that belong to `metric` (samples only, no HELP or TYPE). */
export function samples(text: string, metric: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `));
}
