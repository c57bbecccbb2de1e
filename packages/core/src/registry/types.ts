import type { CircuitBreaker } from '../CircuitBreaker.ts';
import type { StateChangeEvent } from '../events/BreakerEvents.ts';
import type { BreakerState } from '../store/types.ts';
import type { RegistryBreakerOptions } from './resolveBreakerRegistryOptions.ts';

/** Emitted when a registry creates a breaker, after it is in the registry. */
export interface BreakerAddedEvent {
  readonly name: string;
  /** The new breaker, so observers (metrics, tracing) can subscribe to its own events. */
  readonly breaker: CircuitBreaker;
}

/**
 * Why a breaker left a registry:
 * - `deleted`: `registry.delete(name)`;
 * - `evicted`: the registry was at `maxSize` and the breaker was the least recently used one
 *   that was closed and not forced;
 * - `disposed`: `registry.dispose()`.
 */
export type BreakerRemovalReason = 'deleted' | 'evicted' | 'disposed';

/** Emitted when a breaker leaves a registry, after it has been disposed. */
export interface BreakerRemovedEvent {
  readonly name: string;
  readonly reason: BreakerRemovalReason;
  /** The disposed breaker, so observers can drop what they hold for it. */
  readonly breaker: CircuitBreaker;
}

/**
 * Emitted when a breaker is added beyond `maxSize` because every other breaker holds state the
 * registry must not drop (open, half-open, forced open, or disabled by hand): the registry
 * exceeds its bound rather than forget that a dependency is down. Emitted for each such
 * addition; the registry comes back to its bound as those breakers close and new ones are added.
 */
export interface BreakerOverflowEvent {
  /** The breaker just added. */
  readonly name: string;
  /** Breakers in the registry, including the new one: more than `maxSize`. */
  readonly size: number;
  readonly maxSize: number;
}

/**
 * Emitted when `get(name, options)` finds a breaker that was created with other options: the
 * breaker keeps its own options and `requested` is ignored. Two parts of an application then
 * share one breaker with the first one's settings; give them different names (a key prefix) or
 * configure the name once through the registry's `overrides`. Emitted once per options object
 * per breaker, so a caller repeating one object is reported once.
 */
export interface BreakerConflictEvent {
  readonly name: string;
  /** The existing breaker, which keeps its options. */
  readonly breaker: CircuitBreaker;
  /**
   * Where the options first differ: `timeoutMs`, `strategy.failureCount`, `classify[0]`.
   * Plain objects and arrays are compared by value, functions and class instances by identity.
   */
  readonly path: string;
  /** The options given to the `get()` that created the breaker (`undefined`: none). */
  readonly existing: RegistryBreakerOptions | undefined;
  /** The options of this `get()`, ignored. */
  readonly requested: RegistryBreakerOptions;
}

/** Every event a `BreakerRegistry` emits, by name. */
export interface BreakerRegistryEvents {
  added: BreakerAddedEvent;
  removed: BreakerRemovedEvent;
  overflow: BreakerOverflowEvent;
  conflict: BreakerConflictEvent;
  /** A transition of any breaker in the registry: the breaker's own event, passed on. */
  stateChange: StateChangeEvent;
}

/**
 * The aggregate health of a registry:
 * - `healthy`: every breaker is `closed` or `disabled` (an empty registry is healthy);
 * - `unhealthy`: every breaker is `open` or `forced_open`: nothing gets through;
 * - `degraded`: anything in between, e.g. one dependency open, or a breaker probing `half_open`.
 */
export type RegistryHealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** What `registry.health()` returns: a status for a health check, and what it is made of. */
export interface RegistryHealth {
  readonly status: RegistryHealthStatus;
  /** Breakers in the registry. */
  readonly total: number;
  /** Breakers per state; every state is present, with 0 when none is in it. */
  readonly byState: Readonly<Record<BreakerState, number>>;
  /** Names of the breakers that are `open`, `half_open` or `forced_open`, sorted. */
  readonly unhealthy: readonly string[];
}
