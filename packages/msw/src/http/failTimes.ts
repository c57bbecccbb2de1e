import { expectFunction, expectInteger } from '@breakwater/core/adapter';
import { defaultFailure } from '../internal/defaultFailure.ts';
import { readOptions } from '../internal/validate.ts';
import type { Fault } from './types.ts';

/** Options for {@link failTimes}. */
export interface FailTimesOptions {
  /**
   * How each of the failing requests is answered: any fault (`statusStorm(503)`,
   * `connectionError()`, `hang()`, …).
   * @defaultValue a bare HTTP 500
   */
  with?: Fault;
  /**
   * Answers the requests after the failing ones: the recovered service.
   * @defaultValue none: they fall through to the next matching handler
   */
  after?: Fault;
}

/**
 * Fails the first `count` requests it sees, then recovers. The count is kept by the fault, so
 * one `failTimes` shared by several handlers counts their requests together.
 *
 * @example
 * ```ts
 * server.use(
 *   http.get('https://api.example.com/ticker', failTimes(3, { with: statusStorm(503) })),
 * );
 * // requests 1–3: 503; from request 4 on: the handlers given to setupServer()
 * ```
 * @throws BreakwaterConfigError when `count` is not an integer >= 0 or an option is invalid
 */
export function failTimes(count: number, options?: FailTimesOptions): Fault {
  const times = expectInteger('count', count, 0, Infinity);
  const raw = readOptions('', options, { with: true, after: true });
  const failure = expectFunction<Fault>('with', raw.with ?? defaultFailure);
  const recovered = raw.after === undefined ? undefined : expectFunction<Fault>('after', raw.after);
  let seen = 0;
  return (info) => {
    seen++;
    if (seen <= times) return failure(info);
    return recovered?.(info);
  };
}
