import { BreakwaterConfigError, type Clock } from '@breakwater/core';
import { expectClock, systemClock } from '@breakwater/core/adapter';
import { HttpResponse, type JsonBodyType } from 'msw';
import { expectErrorStatus, expectHeaders, readOptions } from '../internal/validate.ts';
import type { Fault } from './types.ts';

/**
 * A `Retry-After` value: a number is written as delta-seconds (`"30"`), a `Date` as an
 * HTTP-date (`"Thu, 01 Jan 2026 00:00:30 GMT"`), a string verbatim (for garbage headers), and a
 * function is called with the clock's epoch ms on every request.
 */
export type RetryAfter = number | Date | string | ((nowMs: number) => number | Date | string);

/** Options for {@link statusStorm}. */
export interface StatusStormOptions {
  /**
   * The `Retry-After` header sent with every failure.
   * @defaultValue none
   * @see {@link https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 | RFC 9110 §10.2.3}
   */
  retryAfter?: RetryAfter;
  /**
   * JSON body of each failure.
   * @defaultValue none (an empty body)
   */
  body?: JsonBodyType;
  /**
   * Extra response headers.
   * @defaultValue none
   */
  headers?: Record<string, string>;
  /**
   * The time a `retryAfter` function is given.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
}

/**
 * Answers every request with an error status: one status, or a list used in turn (request 1
 * gets the first, request 2 the second, and so on, starting over after the last).
 *
 * @example
 * ```ts
 * http.get(url, statusStorm([500, 502, 503, 504])); // a 5xx storm
 * http.get(url, statusStorm(503, { retryAfter: 30 })); // Retry-After: 30
 * http.get(url, statusStorm(429, { retryAfter: new Date(clock.now() + 60_000), clock }));
 * http.get(url, statusStorm(429, { retryAfter: (now) => new Date(now + 60_000), clock }));
 * ```
 * @see {@link https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 | RFC 9110 §10.2.3 Retry-After}
 * @throws BreakwaterConfigError when a status is not 400–599 or an option is invalid
 */
export function statusStorm(
  status: number | readonly number[],
  options?: StatusStormOptions,
): Fault {
  const statuses = Array.isArray(status) ? [...status] : [status];
  if (statuses.length === 0) throw new BreakwaterConfigError('status', 'at least one', status);
  statuses.forEach((value, i) => {
    expectErrorStatus(Array.isArray(status) ? `status[${i}]` : 'status', value);
  });
  const raw = readOptions('', options, {
    retryAfter: true,
    body: true,
    headers: true,
    clock: true,
  });
  const retryAfter = resolveRetryAfter(raw.retryAfter);
  const headers = expectHeaders('headers', raw.headers ?? {});
  const clock = expectClock('clock', raw.clock ?? systemClock);
  const body = raw.body as JsonBodyType | undefined;
  let next = 0;
  return () => {
    const current = statuses[next % statuses.length]!;
    next++;
    const init = { status: current, headers: { ...headers } as Record<string, string> };
    if (retryAfter !== undefined) init.headers['retry-after'] = retryAfter(clock.now());
    return body === undefined ? new HttpResponse(null, init) : HttpResponse.json(body, init);
  };
}

/** Turns a {@link RetryAfter} into a header value factory. Not part of the public API. */
export function resolveRetryAfter(value: unknown): ((nowMs: number) => string) | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') {
    return (nowMs) => formatRetryAfter('retryAfter()', value(nowMs));
  }
  const fixed = formatRetryAfter('retryAfter', value);
  return () => fixed;
}

function formatRetryAfter(path: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date && Number.isFinite(value.getTime())) return value.toUTCString();
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return String(value);
  throw new BreakwaterConfigError(
    path,
    'delta-seconds (an integer >= 0), a Date or a string',
    value,
  );
}
