import { BreakwaterConfigError } from '@breakwater/core';
import { expectObject, type KnownKeys, rejectUnknownKeys } from '@breakwater/core/adapter';
import type { FetchLike, SystemStatusOptions } from './types.ts';

const known: KnownKeys<SystemStatusOptions> = { baseUrl: true, signal: true };

/**
 * GETs a status endpoint and parses its JSON, bypassing a Breakwater-wrapped fetch's breaker.
 * Resolves `{ ok: false }` with the status when the answer is not a 2xx JSON body; network
 * errors reject as the fetch does. Not part of the public API.
 * @throws BreakwaterConfigError on an invalid option or fetch
 */
export async function fetchStatusJson(
  fetch: FetchLike,
  defaultBaseUrl: string,
  path: string,
  options: SystemStatusOptions = {},
): Promise<{ ok: true; body: unknown } | { ok: false; detail: string }> {
  if (typeof fetch !== 'function') throw new BreakwaterConfigError('fetch', 'a function', fetch);
  expectObject('options', options as unknown);
  rejectUnknownKeys('', options, known);
  const base = options.baseUrl ?? defaultBaseUrl;
  if (typeof base !== 'string' || !/^https?:\/\//.test(base)) {
    throw new BreakwaterConfigError('baseUrl', 'an http(s) URL', base);
  }
  const init: RequestInit & { breakwater: { bypass: boolean } } = {
    method: 'GET',
    headers: { accept: 'application/json' },
    breakwater: { bypass: true },
  };
  if (options.signal !== undefined) init.signal = options.signal as AbortSignal;
  const response = await fetch(base.replace(/\/+$/, '') + path, init);
  if (!response.ok) return { ok: false, detail: `HTTP ${response.status}` };
  try {
    return { ok: true, body: await response.json() };
  } catch {
    return { ok: false, detail: 'invalid JSON' };
  }
}
