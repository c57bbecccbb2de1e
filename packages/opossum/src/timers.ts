import type { Clock } from '@breakwater/core';

/**
 * Schedules `fn` on `clock` without keeping the process alive: the breaker's own timers (the
 * half-open notice, window rotation, deadlines, health checks, snapshots) must never hold a
 * process open, as opossum's `unref()`ed ones do not. Handles from other clocks (`ManualClock`)
 * have no `unref`.
 */
export function backgroundTimer(clock: Clock, fn: () => void, ms: number): unknown {
  const handle = clock.setTimeout(fn, ms);
  (handle as { unref?: () => void } | undefined)?.unref?.();
  return handle;
}

/** Reports an error thrown by user code (a listener, a filter) outside the call it happened in. */
export function rethrowInMicrotask(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
