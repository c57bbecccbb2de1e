import { looksLikeSecret, redactedText } from './looksLikeSecret.ts';
import { redactUrl } from './redactUrl.ts';

/** An error reduced to what is safe to log or put in an event. */
export interface RedactedError {
  /** The error's `name`, or `'NonError'` when something other than an error was thrown. */
  readonly name: string;
  /** The error's `code` (`ECONNRESET`, `ERR_CANCELED`, `BREAKWATER_OPEN`), when it has one. */
  readonly code?: string;
  /** The message, redacted (see {@link redactError}) and cut to 1,000 characters. */
  readonly message: string;
}

const maxMessageLength = 1_000;
// One pass finds URLs (group 1) and token-shaped runs (group 2), so a URL's host and path are
// judged by redactUrl and never mistaken for a token as a whole.
const sensitiveText = /([a-z][a-z0-9+.-]*:\/\/[^\s<>"'`]+)|([A-Za-z0-9+/=_~.:-]{32,})/gi;
const trailingPunctuation = /[.,;:!?)\]}]$/;
const openers: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };
// A sensitive-looking name, then a value: `key=value`, `key: value`, `"key": "value"`,
// `'key', 'value'` (a header pair as a log prints it) or `KEY value` (a header as curl prints it).
const sensitiveName = String.raw`[\w-]*(?:key|secret|token|sign|sig|passphrase|password|pwd|pass|auth|session|credential|cookie)[\w-]*`;
const assignment = new RegExp(
  String.raw`\b(${sensitiveName})(["']?\s*(?:[=:]|["']?\s*,)\s*["']?)([^\s&,;"'\u0060}]+)`,
  'gi',
);
const spaced = new RegExp(
  String.raw`\b(${sensitiveName})(\s+)(?![=:])([^\s&,;"'\u0060}]{6,})`,
  'gi',
);
// An `Authorization` value is a scheme and a credential; every scheme in use loses its credential:
// one token (Bearer, Basic, …), or a parameter list to the end of the line (Digest, OAuth, AWS).
const bearer = /\b(Bearer|Basic|Token|Bot|ApiKey|Api-Key|Negotiate)\s+[^\s,;"'`]+/gi;
const parameterScheme = /\b(Digest|OAuth|AWS4-HMAC-SHA256|HMAC[\w-]*)\s+[^\r\n]+/gi;
const schemeOnly =
  /^(Bearer|Basic|Token|Digest|Bot|ApiKey|Api-Key|HMAC[\w-]*|AWS4-HMAC-SHA256|Negotiate|OAuth)$/i;

/**
 * Reduces anything thrown to `{ name, code?, message }`, safe for logs and events: URLs in the
 * message go through {@link redactUrl}, `key=value` and `key: value` pairs whose key looks
 * sensitive and `Bearer`/`Basic` credentials lose their value, and token-shaped runs (32+
 * base64 or hex characters) become `[redacted]`. The stack, the `cause` and every other
 * property (a client's `config`, `request`, `response`) are left out.
 *
 * @param error - Whatever was thrown.
 * @returns A new frozen object.
 * @example
 * ```ts
 * redactError(new Error('GET https://api.kraken.com/0/private/Balance?nonce=1 failed'));
 * // { name: 'Error', message: 'GET https://api.kraken.com/0/private/Balance?[redacted] failed' }
 * ```
 */
export function redactError(error: unknown): RedactedError {
  try {
    return redact(error);
  } catch {
    // A revoked proxy, a throwing `message` getter: report that something unreadable was thrown.
    return Object.freeze({ name: 'NonError', message: 'An error that cannot be read was thrown.' });
  }
}

function redact(error: unknown): RedactedError {
  if (typeof error === 'string')
    return Object.freeze({ name: 'NonError', message: redactText(error) });
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') {
    const type = error === null ? 'null' : typeof error;
    return Object.freeze({ name: 'NonError', message: `A non-error value was thrown (${type}).` });
  }
  const { name, code, message } = error as { name?: unknown; code?: unknown; message: string };
  const result: { name: string; code?: string; message: string } = {
    name: typeof name === 'string' && name !== '' ? name : 'Error',
    message: redactText(message),
  };
  if (typeof code === 'string' || typeof code === 'number') result.code = String(code);
  return Object.freeze(result);
}

/**
 * Where a URL found in prose ends: trailing punctuation belongs to the sentence, except a closing
 * bracket the URL itself opened (`?[redacted]`, `/wiki/Foo_(bar)`), so redacting text twice
 * gives the same text.
 */
function urlEnd(url: string): number {
  let end = url.length;
  while (end > 0 && trailingPunctuation.test(url[end - 1]!)) {
    const opener = openers[url[end - 1]!];
    if (opener !== undefined && count(url, opener, end) > count(url, url[end - 1]!, end - 1)) break;
    end--;
  }
  return end;
}

function count(text: string, char: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (text[i] === char) n++;
  return n;
}

function redactText(text: string): string {
  const redacted = text
    .replace(sensitiveText, (match: string, url: string | undefined) => {
      if (url === undefined) return looksLikeSecret(match) ? redactedText : match;
      const end = urlEnd(url);
      return redactUrl(url.slice(0, end)) + url.slice(end);
    })
    .replace(bearer, `$1 ${redactedText}`)
    .replace(parameterScheme, `$1 ${redactedText}`)
    // `Authorization: Token [redacted]` keeps its scheme, which says nothing secret.
    .replace(assignment, (match: string, key: string, separator: string, value: string) =>
      schemeOnly.test(value) ? match : `${key}${separator}${redactedText}`,
    )
    .replace(spaced, (match: string, key: string, separator: string, value: string) =>
      // Only an all-caps name (a header as `curl -v` prints it) or a token-looking value, so
      // ordinary prose ("the key was rotated") keeps its words.
      (key === key.toUpperCase() && /[A-Z]/.test(key)) || /\d/.test(value)
        ? `${key}${separator}${redactedText}`
        : match,
    );
  return redacted.length > maxMessageLength ? `${redacted.slice(0, maxMessageLength)}…` : redacted;
}
