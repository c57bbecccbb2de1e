import { BreakwaterConfigError, redactUrl } from '@breakwater/core';
import {
  expectFunction,
  expectObject,
  expectOneOf,
  type KnownKeys,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';
import type { CheckFunction } from './types.ts';

/** The part of a Fetch `Response` an HTTP check reads. */
export interface HttpCheckResponse {
  readonly status: number;
  readonly body?: {
    /** Discards the body the check does not read. */
    cancel(): Promise<void>;
  } | null;
}

/** A fetch-compatible function: the global `fetch`, undici's, or a wrapped one. */
export type HttpCheckFetch = (
  url: string,
  init: { method: string; signal: AbortSignal; headers?: Record<string, string> },
) => Promise<HttpCheckResponse>;

/** Options of {@link httpCheck}. */
export interface HttpCheckOptions {
  /**
   * The status (or statuses) that mean healthy.
   * @defaultValue any 2xx
   */
  expectedStatus?: number | readonly number[];
  /**
   * `GET` or `HEAD`.
   * @defaultValue `'GET'`
   */
  method?: 'GET' | 'HEAD';
  /** Request headers. They are sent only, never reported. */
  headers?: Record<string, string>;
  /**
   * The fetch to call.
   * @defaultValue the global `fetch`
   */
  fetch?: HttpCheckFetch;
}

const known: KnownKeys<HttpCheckOptions> = {
  expectedStatus: true,
  method: true,
  headers: true,
  fetch: true,
};

/**
 * A check that requests `url` and is healthy when the response has the expected status (any 2xx
 * by default). Its deadline is the check's `timeoutMs` (the request's signal aborts then), as
 * `register()` sets it. A failure reports the status and the URL's origin and path (no query
 * string, no credentials); the body is not read.
 * @throws BreakwaterConfigError when `url` is not an http(s) URL or an option is invalid
 * @example
 * ```ts
 * monitor.register('binance', httpCheck('https://api.binance.com/api/v3/ping'), { timeoutMs: 5_000 });
 * ```
 */
export function httpCheck(url: string | URL, options: HttpCheckOptions = {}): CheckFunction {
  const target = parseUrl(url);
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  const expected = expectedStatuses(options.expectedStatus);
  const method = expectOneOf('method', options.method ?? 'GET', ['GET', 'HEAD'] as const);
  if (options.headers !== undefined) expectObject('headers', options.headers as unknown);
  const headers = options.headers === undefined ? undefined : { ...options.headers };
  const fetch =
    options.fetch === undefined
      ? (globalThis.fetch as unknown as HttpCheckFetch)
      : expectFunction<HttpCheckFetch>('fetch', options.fetch);
  // Origin and path only: the query may hold a key. The path is still redacted with the
  // detail, as every check's is (a bot token in a path).
  const parsed = new URL(target);
  const shown = `${parsed.origin}${parsed.pathname}`;
  return async (signal) => {
    const init: Parameters<HttpCheckFetch>[1] = { method, signal };
    if (headers !== undefined) init.headers = headers;
    const response = await fetch(target, init);
    // The body is never read: let the connection go.
    response.body?.cancel().catch(() => {});
    if (
      expected === undefined
        ? response.status >= 200 && response.status < 300
        : expected.has(response.status)
    ) {
      return { status: 'healthy', detail: `HTTP ${response.status}` };
    }
    const wanted = expected === undefined ? '2xx' : [...expected].join(' or ');
    return {
      status: 'unhealthy',
      detail: `HTTP ${response.status} from ${shown} (expected ${wanted})`,
    };
  };
}

function parseUrl(url: unknown): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(String(url));
  } catch {}
  if (
    (typeof url !== 'string' && !(url instanceof URL)) ||
    parsed === undefined ||
    (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
  ) {
    const shown = typeof url === 'string' || url instanceof URL ? redactUrl(url) : url;
    throw new BreakwaterConfigError('url', 'an absolute http(s) URL', shown);
  }
  return parsed.href;
}

function expectedStatuses(value: unknown): ReadonlySet<number> | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  const valid =
    list.length > 0 &&
    list.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 100 && s <= 599);
  if (!valid) {
    throw new BreakwaterConfigError(
      'expectedStatus',
      'an HTTP status from 100 to 599, or a non-empty array of them',
      value,
    );
  }
  return new Set(list as number[]);
}
