import { type Clock, redactError, TimeoutError } from '@breakwater/core';
import type { CheckFunction, CheckResult } from './types.ts';

const timedOut = Symbol('timedOut');
const aborted = Symbol('aborted');

/**
 * Runs `fn` once with a deadline on `clock` and turns whatever happens into a
 * {@link CheckResult}; never rejects. `controller` aborts with a `TimeoutError` at the
 * deadline (the monitor aborts it when it stops). Error messages are redacted: a check's
 * error may carry a URL with a key in it. Not part of the public API.
 */
export async function runCheck(
  name: string,
  fn: CheckFunction,
  timeoutMs: number,
  clock: Clock,
  controller: AbortController,
): Promise<CheckResult> {
  const started = clock.monotonic();
  let timer: unknown;
  // Settles at the deadline, or at once when the monitor aborts the run (stop, unregister): a
  // check that ignores its signal then leaves no timer behind.
  const deadline = new Promise<typeof timedOut | typeof aborted>((resolve) => {
    timer = clock.setTimeout(() => resolve(timedOut), timeoutMs);
    unref(timer);
    controller.signal.addEventListener(
      'abort',
      () => {
        clock.clearTimeout(timer);
        resolve(aborted);
      },
      { once: true },
    );
  });
  let status: CheckResult['status'];
  let detail: string | undefined;
  try {
    // A synchronous throw becomes a rejection here.
    const value = await Promise.race([
      Promise.resolve().then(() => fn(controller.signal)),
      deadline,
    ]);
    if (value === aborted) {
      status = 'unhealthy';
      detail = 'aborted';
    } else if (value === timedOut) {
      controller.abort(new TimeoutError(timeoutMs, `health check "${name}"`));
      status = 'unhealthy';
      detail = `timed out after ${timeoutMs} ms`;
    } else if (value === undefined || value === true) {
      status = 'healthy';
    } else if (value === false) {
      status = 'unhealthy';
      detail = 'the check returned false';
    } else if (
      typeof value === 'object' &&
      value !== null &&
      (value.status === 'healthy' || value.status === 'degraded' || value.status === 'unhealthy')
    ) {
      status = value.status;
      detail = typeof value.detail === 'string' ? redactError(value.detail).message : undefined;
    } else {
      status = 'unhealthy';
      detail = 'the check returned something other than undefined, a boolean or { status }';
    }
  } catch (error) {
    status = 'unhealthy';
    const { name: errorName, message } = redactError(error);
    detail = `${errorName}: ${message}`;
  } finally {
    clock.clearTimeout(timer);
  }
  return Object.freeze({
    check: name,
    status,
    detail,
    at: clock.now(),
    durationMs: clock.monotonic() - started,
  });
}

/**
 * Lets a Node process exit while a monitor waits: system-clock timers are Node `Timeout`s
 * with `unref()`; a `ManualClock`'s handles are numbers and are left alone.
 */
export function unref(handle: unknown): void {
  if (typeof handle === 'object' && handle !== null && 'unref' in handle) {
    (handle as { unref(): void }).unref();
  }
}
