/** The window's counters, in opossum's order; a counter's index is its slot in a bucket. */
export const counterNames = [
  'failures',
  'fallbacks',
  'successes',
  'rejects',
  'fires',
  'timeouts',
  'cacheHits',
  'cacheMisses',
  'coalesceCacheHits',
  'coalesceCacheMisses',
  'semaphoreRejections',
] as const;

/** The name of one counter. */
export type CounterName = (typeof counterNames)[number];

/** Slots per bucket. */
export const counterCount = counterNames.length;

/** Each counter's slot, by name. */
export const counter = Object.freeze({
  failures: 0,
  fallbacks: 1,
  successes: 2,
  rejects: 3,
  fires: 4,
  timeouts: 5,
  cacheHits: 6,
  cacheMisses: 7,
  coalesceCacheHits: 8,
  coalesceCacheMisses: 9,
  semaphoreRejections: 10,
} as const satisfies Record<CounterName, number>);

/** A counter's slot. */
export type Counter = (typeof counter)[CounterName];
