import { BreakwaterConfigError, type Clock } from '@breakwater/core';
import { expectClock, expectFunction, systemClock } from '@breakwater/core/adapter';
import { HttpResponse, type JsonBodyType } from 'msw';
import { expectErrorStatus, expectInstant, readOptions } from '../internal/validate.ts';
import type { FallThroughOptions, Fault } from './types.ts';

/** Options for {@link maintenanceWindow}. */
export interface MaintenanceWindowOptions extends FallThroughOptions {
  /** When maintenance begins: a `Date` or epoch ms, read against `clock.now()`. */
  start: Date | number;
  /** When it ends (exclusive). */
  end: Date | number;
  /**
   * The clock that says whether now is inside the window: a `ManualClock` in tests.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
  /**
   * Status during maintenance.
   * @defaultValue `503`
   */
  status?: number;
  /**
   * How `Retry-After` announces the end: an HTTP-date (`end` itself), the seconds left (rounded
   * up), or not at all.
   * @defaultValue `'http-date'`
   * @see {@link https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 | RFC 9110 §10.2.3}
   */
  retryAfter?: 'http-date' | 'seconds' | 'none';
  /**
   * JSON body during maintenance.
   * @defaultValue `{ status: 'maintenance', until: <end as ISO 8601> }`
   */
  body?: JsonBodyType;
}

/**
 * Answers 503 with a `Retry-After` pointing at the end of a scheduled maintenance while
 * `start <= clock.now() < end`; before and after, requests fall through (or go to
 * `otherwise`). Breakwater's default classifier makes it a `server` failure that opens the
 * breaker until `end`; exchange presets classify their own maintenance bodies as `maintenance`.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const start = clock.now() + 60_000;
 * server.use(http.all('https://api.example.com/*',
 *   maintenanceWindow({ start, end: start + 15 * 60_000, clock })));
 * ```
 * @throws BreakwaterConfigError when `end` is not after `start` or an option is invalid
 */
export function maintenanceWindow(options: MaintenanceWindowOptions): Fault {
  const raw = readOptions('', options, {
    start: true,
    end: true,
    clock: true,
    status: true,
    retryAfter: true,
    body: true,
    otherwise: true,
  });
  const start = expectInstant('start', raw.start);
  const end = expectInstant('end', raw.end);
  if (end <= start) throw new BreakwaterConfigError('end', 'a time after `start`', raw.end);
  const clock = expectClock('clock', raw.clock ?? systemClock);
  const status = expectErrorStatus('status', raw.status ?? 503);
  const retryAfter = raw.retryAfter ?? 'http-date';
  if (retryAfter !== 'http-date' && retryAfter !== 'seconds' && retryAfter !== 'none') {
    throw new BreakwaterConfigError('retryAfter', "'http-date', 'seconds' or 'none'", retryAfter);
  }
  const body = (raw.body ?? {
    status: 'maintenance',
    until: new Date(end).toISOString(),
  }) as JsonBodyType;
  const otherwise =
    raw.otherwise === undefined ? undefined : expectFunction<Fault>('otherwise', raw.otherwise);
  // An HTTP-date has whole seconds: round up so the announced end is never early.
  const httpDate = new Date(Math.ceil(end / 1000) * 1000).toUTCString();
  return (info) => {
    const now = clock.now();
    if (now < start || now >= end) return otherwise?.(info);
    const headers: Record<string, string> = {};
    if (retryAfter === 'http-date') headers['retry-after'] = httpDate;
    if (retryAfter === 'seconds') headers['retry-after'] = String(Math.ceil((end - now) / 1000));
    return HttpResponse.json(body, { status, headers });
  };
}
