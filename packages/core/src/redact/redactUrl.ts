import { containsSecret, redactedText } from './looksLikeSecret.ts';

const invalidUrl = '[invalid url]';
// Only used to parse root-relative paths such as `/api/v3/order`; it never appears in output.
const relativeBase = 'http://relative.invalid';

/**
 * Renders a URL safe for logs, errors and events: keeps the scheme, host, port and path, and
 * removes everything that may carry a credential.
 *
 * - the userinfo (`user:password@`) is dropped;
 * - a query string is replaced by `?[redacted]`, keys included: signed exchange requests carry
 *   the key and signature there, and a key name can itself be a token;
 * - the fragment is dropped;
 * - a path segment containing something that looks like a token (32+ base64 or hex characters
 *   that are not short words, or a UUID: API keys, Telegram-style `bot123:AAH…` tokens) becomes
 *   `[redacted]`, and `;parameters` in a segment (`;jsessionid=…`) become `;[redacted]`.
 *
 * Root-relative paths (`/api/v3/order?signature=…`) are accepted and stay relative. Opaque URLs
 * (`mailto:`, `data:`) keep only their scheme.
 *
 * Never throws: anything that cannot be parsed gives `'[invalid url]'`.
 *
 * @param url - An absolute URL, a root-relative path, or a `URL` object.
 * @returns The redacted URL.
 * @example
 * ```ts
 * redactUrl('https://bot:hunter2@api.binance.com/api/v3/order?symbol=BTCUSDT&signature=9f2c#x');
 * // 'https://api.binance.com/api/v3/order?[redacted]'
 * ```
 */
export function redactUrl(url: string | URL): string {
  try {
    return redact(url);
  } catch {
    return invalidUrl;
  }
}

function redact(input: unknown): string {
  let href: string;
  if (typeof input === 'string') href = input;
  else if (typeof input === 'object' && input !== null && 'href' in input) {
    // Duck-typed so that a URL from another realm (a worker, a test environment) works too.
    href = String(input.href);
  } else return invalidUrl;

  const relative = href.startsWith('/') && !href.startsWith('//');
  const parsed = relative ? new URL(href, relativeBase) : new URL(href);
  const path = redactPath(parsed.pathname);
  const query = parsed.search === '' ? '' : `?${redactedText}`;
  if (relative) return path + query;
  if (!parsed.href.startsWith(`${parsed.protocol}//`)) return parsed.protocol + redactedText;
  return `${parsed.protocol}//${parsed.host}${path}${query}`;
}

function redactPath(pathname: string): string {
  if (!containsSecret(safeDecode(pathname)) && !pathname.includes(';')) return pathname;
  return pathname.split('/').map(redactSegment).join('/');
}

function redactSegment(segment: string): string {
  const semicolon = segment.indexOf(';');
  const head = semicolon === -1 ? segment : segment.slice(0, semicolon);
  if (containsSecret(safeDecode(head))) return redactedText;
  return semicolon === -1 ? head : `${head};${redactedText}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
