/**
 * Reads a response body the way the exchange rules need it: a parsed JSON object, or a JSON
 * string the adapter left unparsed (a `text/plain` answer that is JSON all the same). Anything
 * else (an array, `null`, HTML, a number) gives `undefined`. Not part of the public API.
 */
export function readJsonObject(body: unknown): Record<string, unknown> | undefined {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    return body as Record<string, unknown>;
  }
  if (typeof body !== 'string') return undefined;
  const text = body.trimStart();
  // Only error answers reach here as strings: parsing is the rare path, never the hot one.
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A body as text, for HTML and plain-text error pages; `''` for anything else. */
export function readText(body: unknown): string {
  return typeof body === 'string' ? body : '';
}

/** A string field, or `''`. */
export function readString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A numeric code sent as a number or a numeric string (OKX sends `"50011"`). */
export function readCode(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value)) return Number(value);
  return undefined;
}

/** The value at `path` inside a JSON object, or `undefined` where the path breaks. */
export function readPath(body: unknown, path: readonly string[]): unknown {
  let value: unknown = body;
  for (const key of path) {
    const object = readJsonObject(value);
    if (object === undefined || !Object.hasOwn(object, key)) return undefined;
    value = object[key];
  }
  return value;
}
