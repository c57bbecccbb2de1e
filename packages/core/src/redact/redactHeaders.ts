import { BreakwaterConfigError } from '../errors/BreakwaterConfigError.ts';
import { expectObject, type KnownKeys, rejectUnknownKeys } from '../validate.ts';
import { redactedText } from './looksLikeSecret.ts';
import { redactUrl } from './redactUrl.ts';

/** A header value as the common clients hold it (`IncomingHttpHeaders`, axios, plain objects). */
export type HeaderValue = string | readonly string[] | number | null | undefined;

/**
 * Headers in any of the shapes clients use: a Fetch `Headers`, a plain object (Node's
 * `IncomingHttpHeaders`, axios and got headers), or an iterable of `[name, value]` pairs.
 */
export type HeadersInput =
  | Headers
  | Readonly<Record<string, HeaderValue>>
  | Iterable<readonly [string, HeaderValue]>;

/** Options for {@link redactHeaders}. */
export interface RedactHeadersOptions {
  /**
   * Header names (any case) to keep unredacted even though their name looks sensitive.
   * @defaultValue `[]`
   */
  allow?: readonly string[];
  /**
   * More header names (any case) to redact, beyond those {@link isSensitiveHeader} recognises.
   * @defaultValue `[]`
   */
  redact?: readonly string[];
}

const knownOptions: KnownKeys<RedactHeadersOptions> = { allow: true, redact: true };

const sensitiveNames = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const sensitivePattern = /key|secret|token|sign|passphrase|auth|session|password|credential/i;
// Headers whose value is a URL: kept, but passed through redactUrl.
const urlHeaders = new Set(['location', 'content-location', 'referer']);

/**
 * True when a header with this name carries a credential: `Authorization`, cookies, and any name
 * containing key, secret, token, sign, passphrase, auth, session, password or credential. That
 * covers the exchanges' signing headers: Kraken `API-Key`/`API-Sign`, Binance `X-MBX-APIKEY`,
 * Coinbase `CB-ACCESS-KEY`/`-SIGN`/`-PASSPHRASE`, Bybit `X-BAPI-API-KEY`/`-SIGN`, OKX
 * `OK-ACCESS-KEY`/`-SIGN`/`-PASSPHRASE`, KuCoin `KC-API-KEY`/`-SIGN`/`-PASSPHRASE`.
 *
 * @param name - A header name, in any case.
 * @example
 * ```ts
 * isSensitiveHeader('X-MBX-APIKEY'); // true
 * isSensitiveHeader('Content-Type'); // false
 * ```
 */
export function isSensitiveHeader(name: string): boolean {
  return sensitiveNames.has(name.toLowerCase()) || sensitivePattern.test(name);
}

/**
 * Copies headers into a plain object safe for logs: names are lower-cased, the values of
 * sensitive headers (see {@link isSensitiveHeader}) become `'[redacted]'`, URL-valued headers
 * (`Location`, `Content-Location`, `Referer`) go through {@link redactUrl}, array values and
 * repeated names are joined with `', '`, and `undefined` or `null` values are left out.
 *
 * Malformed input (not an object, pairs that are not pairs) gives an empty object or skips the
 * entry: it never throws because of the headers.
 *
 * @param headers - The headers to copy.
 * @param options - Names to keep or to redact as well.
 * @returns A new plain object.
 * @throws {@link BreakwaterConfigError} when `options` has an unknown key or a list that is not
 * an array of strings.
 * @example
 * ```ts
 * redactHeaders(new Headers({ 'API-Key': 'abc', 'Content-Type': 'application/json' }));
 * // { 'api-key': '[redacted]', 'content-type': 'application/json' }
 * ```
 */
export function redactHeaders(
  headers: HeadersInput,
  options?: RedactHeadersOptions,
): Record<string, string> {
  if (options !== undefined) {
    expectObject('options', options);
    rejectUnknownKeys('', options, knownOptions);
  }
  const allow = nameSet('allow', options?.allow);
  const redact = nameSet('redact', options?.redact);

  const values = new Map<string, string>();
  for (const [rawName, rawValue] of entries(headers)) {
    const value = render(rawValue);
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    const previous = values.get(name);
    values.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }

  const result: Record<string, string> = {};
  for (const [name, value] of values) {
    let safe = value;
    if (!allow?.has(name)) {
      if (isSensitiveHeader(name) || redact?.has(name)) safe = redactedText;
      else if (urlHeaders.has(name)) safe = redactUrl(value);
    }
    // defineProperty: a header named `__proto__` must not change the result's prototype.
    Object.defineProperty(result, name, {
      value: safe,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

function* entries(headers: unknown): Generator<readonly [string, unknown]> {
  if (typeof headers !== 'object' || headers === null) return;
  if (Symbol.iterator in headers && typeof headers[Symbol.iterator] === 'function') {
    for (const pair of headers as Iterable<unknown>) {
      if (Array.isArray(pair) && typeof pair[0] === 'string') yield [pair[0], pair[1]];
    }
    return;
  }
  yield* Object.entries(headers);
}

function render(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String).join(', ');
  return String(value);
}

function nameSet(option: string, names: unknown): Set<string> | undefined {
  if (names === undefined) return undefined;
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw new BreakwaterConfigError(option, 'an array of header names', names);
  }
  return new Set(names.map((name: string) => name.toLowerCase()));
}
