/**
 * Secret detection shared by the redaction functions. Not part of the public API.
 *
 * Tokens are recognised by shape, not by name: API keys, HMAC signatures, JWTs and bot tokens are
 * long runs of base64 or hex characters, while the text around them (paths, host names, error
 * codes) is made of short words. Redacting an order id or a long camelCase word now and then is
 * the price of never printing a key.
 */

/** What every redacted value, query string and path segment is replaced with. */
export const redactedText = '[redacted]';

/** Runs of characters that may form a token: base64, base64url, hex, and the `:` of bot tokens. */
export const tokenRunPattern = /[A-Za-z0-9+/=_~.:-]{32,}/g;

const minSecretLength = 32;
const separators = /[-_/.~:+=]/;
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
// A word: all lower case, all upper case or capitalised, at most 20 characters. Random tokens of
// 32+ characters split into such words only by an astronomically unlikely chance.
const word = /^(?:[a-z0-9]{0,20}|[A-Z0-9]{0,20}|[A-Z][a-z0-9]{0,19})$/;

/**
 * True when `run` (a match of {@link tokenRunPattern}) looks like a credential: at least 32
 * characters that are not a sequence of short words, or a UUID (some exchanges issue UUID keys).
 */
export function looksLikeSecret(run: string): boolean {
  if (run.length < minSecretLength) return false;
  if (uuid.test(run)) return true;
  for (const piece of run.split(separators)) {
    if (!word.test(piece)) return true;
  }
  return false;
}

/** True when `text` contains a run of characters that {@link looksLikeSecret}. */
export function containsSecret(text: string): boolean {
  for (const match of text.matchAll(tokenRunPattern)) {
    if (looksLikeSecret(match[0])) return true;
  }
  return false;
}
