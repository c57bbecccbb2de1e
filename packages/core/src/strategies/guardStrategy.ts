import type { AdmissionRefusal, BreakerStrategy, WindowStats } from './types.ts';
import { windowStats } from './types.ts';

const empty: WindowStats = windowStats(0, 0, 0);

/**
 * Wraps a user's {@link BreakerStrategy} so that what it throws goes to `report` and never into
 * a call, a transition or a snapshot: a throwing `onSuccess`/`onFailure` counts as "do not
 * open", `admit` as "admit" (the breaker stays as permissive as without the strategy), `stats`
 * as an empty window, `describe` as `{ type: 'custom' }`, and `reset` as done. The built-in
 * strategies are not wrapped: they do not throw, and the hot path pays nothing for them.
 */
export function guardStrategy(
  strategy: BreakerStrategy,
  report: (error: unknown) => void,
): BreakerStrategy {
  const guarded: BreakerStrategy = {
    usesTime: strategy.usesTime,
    tracksLatency: strategy.tracksLatency === true,
    onSuccess(now, durationMs) {
      try {
        return strategy.onSuccess(now, durationMs) === true;
      } catch (error) {
        report(error);
        return false;
      }
    },
    onFailure(now, durationMs) {
      try {
        return strategy.onFailure(now, durationMs) === true;
      } catch (error) {
        report(error);
        return false;
      }
    },
    reset() {
      try {
        strategy.reset();
      } catch (error) {
        report(error);
      }
    },
    describe() {
      try {
        return strategy.describe();
      } catch (error) {
        report(error);
        return { type: 'custom' };
      }
    },
    stats(now) {
      try {
        return strategy.stats(now);
      } catch (error) {
        report(error);
        return empty;
      }
    },
  };
  if (typeof strategy.admit === 'function') {
    guarded.admit = (now) => {
      try {
        const answer = strategy.admit!(now);
        if (answer === false) return false;
        if (typeof answer !== 'object' || answer === null) return true;
        // Only a valid probability reaches the error: the refusal is the strategy's object.
        const rate = (answer as AdmissionRefusal).rejectionRate;
        return {
          rejectionRate: typeof rate === 'number' && rate >= 0 && rate <= 1 ? rate : undefined,
        };
      } catch (error) {
        report(error);
        return true;
      }
    };
  }
  if (typeof strategy.onUncounted === 'function') {
    guarded.onUncounted = (now) => {
      try {
        strategy.onUncounted!(now);
      } catch (error) {
        report(error);
      }
    };
  }
  return guarded;
}
