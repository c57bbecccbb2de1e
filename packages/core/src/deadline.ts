import type { Clock } from './Clock.ts';
import { TimeoutError } from './errors/TimeoutError.ts';

/**
 * How a deadline ends a call:
 * - `aggressive`: the returned promise rejects with {@link TimeoutError} at the deadline, and
 *   the call's signal aborts, whether or not the call listens;
 * - `cooperative`: only the signal aborts; the promise settles when the call does.
 */
export type DeadlineMode = 'aggressive' | 'cooperative';

/**
 * Runs `fn` with a signal that aborts when `timeoutMs` passes (reason: a {@link TimeoutError})
 * or when `callerSignal` aborts (reason: the caller's). This is the one deadline primitive of
 * Breakwater: the breaker's `timeoutMs` and the timeout policy both use it, so both fail with
 * the same `TimeoutError` and leave no timer behind once the call settles.
 *
 * A caller's abort always rejects at once with the caller's reason.
 */
export function runWithDeadline<T>(
  fn: (signal: AbortSignal) => PromiseLike<T>,
  timeoutMs: number,
  clock: Clock,
  callerSignal: AbortSignal | undefined,
  mode: DeadlineMode = 'aggressive',
): Promise<T> {
  if (callerSignal?.aborted) return Promise.reject(callerSignal.reason);
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = () => {
      settled = true;
      clock.clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    };
    const onCallerAbort = () => {
      if (settled) return;
      finish();
      controller.abort(callerSignal!.reason);
      reject(callerSignal!.reason);
    };
    const timer = clock.setTimeout(() => {
      if (settled) return;
      const error = new TimeoutError(timeoutMs);
      if (mode === 'aggressive') {
        finish();
        controller.abort(error);
        reject(error);
      } else {
        controller.abort(error);
      }
    }, timeoutMs);
    callerSignal?.addEventListener('abort', onCallerAbort);
    let pending: PromiseLike<T>;
    try {
      pending = fn(controller.signal);
    } catch (error) {
      finish();
      reject(error);
      return;
    }
    Promise.resolve(pending).then(
      (value) => {
        if (settled) return;
        finish();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        finish();
        reject(error);
      },
    );
  });
}
