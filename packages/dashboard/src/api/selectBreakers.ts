import type { BreakerRegistry, CircuitBreaker } from '@breakwater/core';
import { type BreakerView, breakerView } from './breakerView.ts';

/** Some of a registry's breakers, and how many there are. */
export interface BreakerSelection {
  /** Epoch ms of the selection. */
  readonly at: number;
  /** Breakers in the registry. */
  readonly total: number;
  /** The views, sorted by name. */
  readonly breakers: BreakerView[];
}

const byName = (a: CircuitBreaker, b: CircuitBreaker) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * At most `limit` breakers, those not closed first (what an operator looks for), then closed ones
 * by name. Reads every breaker's `state` (cheap) but snapshots only those selected: with 10 000
 * breakers, building every view took 200–400 ms and 5 MB of JSON, too much for each second of a
 * live page. Not part of the public API.
 */
export function selectBreakers(
  registry: BreakerRegistry,
  limit: number,
  at: number,
): BreakerSelection {
  if (registry.size <= limit) {
    return { at, total: registry.size, breakers: registry.list().map(breakerView) };
  }
  const notClosed: CircuitBreaker[] = [];
  const closed: CircuitBreaker[] = [];
  for (const breaker of registry.breakers()) {
    (breaker.state === 'closed' ? closed : notClosed).push(breaker);
  }
  notClosed.sort(byName);
  let picked = notClosed.slice(0, limit);
  if (picked.length < limit)
    picked = picked.concat(closed.sort(byName).slice(0, limit - picked.length));
  return {
    at,
    total: registry.size,
    breakers: picked.sort(byName).map((breaker) => breakerView(breaker.snapshot())),
  };
}
