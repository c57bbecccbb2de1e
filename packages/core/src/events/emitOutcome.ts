import type { CallContext, Verdict } from '../Outcome.ts';
import type { BreakerEvents } from './BreakerEvents.ts';
import type { Emitter } from './Emitter.ts';

/**
 * Emits the per-call events of one settled call (`success`, `failure` or `ignored`, plus
 * `timeout`), building each payload only when someone listens. `durationMs` is -1 when the call
 * was not timed.
 */
export function emitOutcome(
  emitter: Emitter<BreakerEvents>,
  breaker: string,
  verdict: Verdict,
  durationMs: number,
  context: CallContext | undefined,
): void {
  const duration = durationMs < 0 ? undefined : durationMs;
  if (verdict.verdict === 'success') {
    if (emitter.has('success')) emitter.emit('success', { breaker, durationMs: duration, context });
  } else if (verdict.verdict === 'failure') {
    if (emitter.has('failure')) {
      emitter.emit('failure', {
        breaker,
        category: verdict.category,
        durationMs: duration,
        retryAfterMs: verdict.retryAfterMs,
        uncertainEffect: verdict.uncertainEffect === true,
        context,
      });
    }
  } else if (emitter.has('ignored')) {
    emitter.emit('ignored', { breaker, category: verdict.category, context });
  }
  if (verdict.category === 'timeout' && emitter.has('timeout')) {
    emitter.emit('timeout', { breaker, durationMs: duration, context });
  }
}
