import type { Subject } from '../../harness.ts';

/**
 * A subject that awaits `request()` `count` times; `request` checks its own outcome and throws
 * `unexpected(…)` when it is wrong. Both implementations of a guard case use it, so they share
 * the loop's cost.
 */
export function stubLoop(request: () => Promise<void>, dispose: () => void = () => {}): Subject {
  return {
    async run(count) {
      for (let i = 0; i < count; i++) await request();
    },
    dispose,
  };
}
