import { readHeader } from './readHeader.ts';
import type { HttpHeaders, ResolvedBodyRule } from './types.ts';

/**
 * A body stream as far as the glue uses it. Structural, so that the DOM's `ReadableStream`,
 * Node's `stream/web` one (undici's `Response`) and a polyfill's all fit.
 */
export interface ByteStreamLike {
  /** Locks the stream to a reader. */
  getReader(): {
    /** The next chunk, or `done`. */
    read(): PromiseLike<{ readonly done: boolean; readonly value?: unknown }>;
    /** Stops reading and discards the rest. */
    cancel(reason?: unknown): PromiseLike<void>;
  };
  /** Discards the stream (when it is not locked). */
  cancel(reason?: unknown): PromiseLike<void>;
}

/**
 * A Fetch `Response` as far as the glue reads one (status, headers, and a body for rules):
 * global, undici's or a polyfill's.
 */
export interface FetchBodyResponseLike {
  readonly status: number;
  /** The response headers. */
  readonly headers: {
    /** A header's value, or `null`. */
    get(name: string): string | null;
  };
  readonly bodyUsed: boolean;
  readonly body: ByteStreamLike | null;
  /** A copy whose body can be read without consuming the caller's. */
  clone(): { readonly body: ByteStreamLike | null };
}

/**
 * The first body rule that applies to a response, or `undefined` when its body must not be read:
 * no rule matches, the content type is neither JSON (`application/json`, `…+json`) nor text
 * (`text/…`), or the declared `Content-Length` is 0 or above the `maxBytes` of every matching rule. Adapters
 * whose client already buffered the body (axios' `data`, got's `body`) attach it to the outcome
 * only when this returns a rule.
 *
 * @example
 * ```ts
 * const rule = selectBodyRule(rules, res.status, res.headers, url);
 * const outcome = responseOutcome(res.status, res.headers, rule ? res.data : undefined);
 * ```
 */
export function selectBodyRule(
  rules: readonly ResolvedBodyRule[],
  status: number,
  headers: HttpHeaders | null | undefined,
  url: URL,
): ResolvedBodyRule | undefined {
  return selectBodyRuleFor(rules, status, headers, { url });
}

/**
 * {@link selectBodyRule} for a request whose `url` is read only when a rule's `match` needs it
 * (see `fetchRequestInfo`). Not part of the public API.
 */
export function selectBodyRuleFor(
  rules: readonly ResolvedBodyRule[],
  status: number,
  headers: HttpHeaders | null | undefined,
  request: { readonly url: URL },
): ResolvedBodyRule | undefined {
  if (rules.length === 0) return undefined;
  const contentType = mediaType(readHeader(headers, 'content-type'));
  if (!isReadable(contentType)) return undefined;
  const length = readHeader(headers, 'content-length');
  // A garbage Content-Length is treated as absent: the read is capped at maxBytes anyway.
  const declared = length === null || length.trim() === '' ? Number.NaN : Number(length);
  if (declared === 0) return undefined;
  for (const rule of rules) {
    if (declared > rule.maxBytes) continue;
    if (rule.match === undefined || rule.match(status, contentType, request.url)) return rule;
  }
  return undefined;
}

/**
 * Reads a Fetch `Response`'s body for classifier rules, when a rule applies (see
 * {@link selectBodyRule}): from a `clone()`, so the caller's body stays unread, and at most the
 * rule's `maxBytes`; a longer body is abandoned. JSON is parsed (its text is kept when it does not
 * parse), text is returned as a string. Resolves `undefined` when nothing was read, and never
 * rejects: a body that fails to arrive fails for the caller too.
 *
 * @example
 * ```ts
 * const body = await readBodyForRules(response, guard.options.bodyRules, url);
 * permit.settle(responseOutcome(response.status, response.headers, body));
 * ```
 */
export function readBodyForRules(
  response: FetchBodyResponseLike,
  rules: readonly ResolvedBodyRule[],
  url: URL,
): Promise<unknown> {
  const rule = selectBodyRule(rules, response.status, response.headers, url);
  if (rule === undefined) return Promise.resolve(undefined);
  return readResponseBody(response, rule.maxBytes);
}

/**
 * Reads at most `maxBytes` of a clone of `response`'s body and parses it by its content type;
 * `undefined` when the body is used, absent, longer than `maxBytes` or fails. Prefer
 * {@link readBodyForRules}, which checks the rules first.
 */
export async function readResponseBody(
  response: FetchBodyResponseLike,
  maxBytes: number,
): Promise<unknown> {
  if (response.bodyUsed || response.body === null) return undefined;
  const stream = response.clone().body;
  if (stream === null) return undefined;
  const reader = stream.getReader();
  // The chunks, decoded once at the end: a body under the cap is usually one chunk.
  let first: ArrayBufferView | undefined;
  let more: ArrayBufferView[] | undefined;
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = ArrayBuffer.isView(value) ? value : undefined;
      bytes += chunk === undefined ? Infinity : chunk.byteLength;
      if (chunk === undefined || bytes > maxBytes) {
        // Not awaited: cancelling one branch of a tee does not settle while the caller's
        // branch is unread, and the caller may never read it.
        Promise.resolve(reader.cancel()).catch(ignore);
        return undefined;
      }
      if (first === undefined) first = chunk;
      else if (more === undefined) more = [first, chunk];
      else more.push(chunk);
    }
  } catch {
    return undefined;
  }
  const text =
    more !== undefined
      ? utf8.decode(concat(more, bytes))
      : first === undefined
        ? ''
        : utf8.decode(first);
  return parseBodyText(text, response.headers.get('content-type'));
}

/** The bytes of `chunks`, `length` in all, in one array. */
function concat(chunks: readonly ArrayBufferView[], length: number): Uint8Array {
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), offset);
    offset += chunk.byteLength;
  }
  return joined;
}

/**
 * A body's text as rules see it: parsed when the content type is JSON (the text itself when it
 * does not parse, such as an HTML error page labelled JSON), the text otherwise. For adapters
 * whose client hands over text. `contentType` is the header as sent (parameters are ignored).
 */
export function parseBodyText(text: string, contentType: string | null | undefined): unknown {
  if (!isJson(mediaType(contentType ?? null))) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function ignore(): void {}

const utf8 = new TextDecoder();

/**
 * A body the client has already buffered (axios' `response.data`, got's `body`), as rules see
 * it: text and parsed JSON (a plain object or an array) as they are, bytes (a `Uint8Array`,
 * `Buffer` or `ArrayBuffer`) decoded and parsed by `contentType`; `undefined` for anything else
 * (a stream, a Blob) and for bytes or text over `maxBytes`.
 */
export function bufferedBody(
  data: unknown,
  contentType: string | null | undefined,
  maxBytes: number,
): unknown {
  if (typeof data === 'string') {
    // UTF-16 length ≤ UTF-8 bytes: a cheap lower bound that rejects what is surely too large.
    return data.length > maxBytes ? undefined : parseBodyText(data, contentType);
  }
  if (data instanceof ArrayBuffer) return bufferedBody(new Uint8Array(data), contentType, maxBytes);
  if (data instanceof Uint8Array) {
    return data.byteLength > maxBytes ? undefined : parseBodyText(utf8.decode(data), contentType);
  }
  if (Array.isArray(data)) return data;
  if (typeof data !== 'object' || data === null) return undefined;
  const proto: unknown = Object.getPrototypeOf(data);
  return proto === Object.prototype || proto === null ? data : undefined;
}

/** The lower-case media type without parameters: `application/json; charset=utf-8` → `application/json`. */
function mediaType(value: string | null): string {
  if (value === null) return '';
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

function isJson(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json') || type === 'text/json';
}

function isReadable(type: string): boolean {
  return isJson(type) || type.startsWith('text/');
}
