import type { HttpHeaders } from './types.ts';

/**
 * Reads one header, case-insensitively, from headers in any client's shape (see
 * {@link HttpHeaders}): a Fetch `Headers`, axios' `AxiosHeaders` or a `Map` (through `get`), a
 * plain object, or `[name, value]` pairs. A repeated header is joined with `, `, a number becomes
 * a string. Returns `null` when the header is absent or the value cannot be read; never throws.
 *
 * @example `readHeader(response.headers, 'retry-after')`
 */
export function readHeader(headers: HttpHeaders | null | undefined, name: string): string | null {
  if (typeof headers !== 'object' || headers === null) return null;
  try {
    return read(headers, name);
  } catch {
    // A revoked proxy or a throwing getter: what cannot be read is absent.
    return null;
  }
}

function read(headers: object, name: string): string | null {
  const lower = name.toLowerCase();
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    const value = headerText(get.call(headers, name));
    // `Headers` and `AxiosHeaders` ignore case; a `Map` holds names as they were set.
    return value !== null || name === lower ? value : headerText(get.call(headers, lower));
  }
  if (Symbol.iterator in headers) {
    const values: string[] = [];
    for (const pair of headers as Iterable<readonly [unknown, unknown]>) {
      if (String(pair[0]).toLowerCase() !== lower) continue;
      const value = headerText(pair[1]);
      if (value !== null) values.push(value);
    }
    return values.length === 0 ? null : values.join(', ');
  }
  const record = headers as Record<string, unknown>;
  if (Object.hasOwn(record, lower)) return headerText(record[lower]);
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === lower) return headerText(record[key]);
  }
  return null;
}

function headerText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.join(', ');
  return null;
}
