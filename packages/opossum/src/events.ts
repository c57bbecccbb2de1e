/** The names of the events a breaker emits, as opossum names them. */
export type BreakerEvent =
  | 'halfOpen'
  | 'close'
  | 'open'
  | 'shutdown'
  | 'fire'
  | 'cacheHit'
  | 'cacheMiss'
  | 'coalesceCacheHit'
  | 'coalesceCacheMiss'
  | 'reject'
  | 'timeout'
  | 'success'
  | 'semaphoreLocked'
  | 'healthCheckFailed'
  | 'fallback'
  | 'failure';
