import type { Category, Verdict } from '@breakwater/core';
import type { MessageData, MessagePhase, MessageVerdict } from '@breakwater/ws';
import { readJsonObject } from '../shared/readBody.ts';

// What every WebSocket preset does with frames: read them as JSON text, turn the HTTP verdict
// of an error frame into the guard's verdict, and keep the exchange's words (never its echo of
// our request) for the close event. Not part of the public API.

/** A frame's text: every exchange here speaks JSON or plain text; binary frames give `''`. */
export function frameText(data: MessageData): string {
  return typeof data === 'string' ? data : '';
}

/** A frame as a JSON object, or `undefined` (not JSON, an array, binary). */
export function frameJson(data: MessageData): Record<string, unknown> | undefined {
  return readJsonObject(frameText(data));
}

/** Categories that say the connection or the server failed, not the request. */
const connectionCategories: ReadonlySet<Category> = new Set<Category>([
  'network',
  'timeout',
  'server',
  'maintenance',
]);

/**
 * The guard's verdict for an error frame whose HTTP verdict is `verdict`: a failure backs off
 * and reconnects (with its `retryAfterMs`), an ignored `auth` or `client` error halts (asking
 * again gets the same answer). While the connection delivers (`phase: 'open'`), an error frame
 * answers a request of the user's own (an order, a late subscription): only failures of the
 * connection or the server end it then; the rest is delivered for the user to read.
 */
export function frameVerdict(
  verdict: Verdict | undefined,
  phase: MessagePhase,
  reason: string,
): MessageVerdict | undefined {
  if (verdict === undefined || verdict.verdict === 'success') return undefined;
  if (
    phase === 'open' &&
    !(verdict.verdict === 'failure' && connectionCategories.has(verdict.category))
  ) {
    return undefined;
  }
  if (verdict.verdict === 'failure') {
    const { category, retryAfterMs } = verdict;
    return retryAfterMs === undefined
      ? { action: 'reconnect', category, reason }
      : { action: 'reconnect', category, retryAfterMs, reason };
  }
  return { action: 'halt', category: verdict.category === 'auth' ? 'auth' : 'client', reason };
}

/**
 * A close reason from an exchange's error code and message. Exchanges echo the request in some
 * messages (OKX: `Illegal request: {"op":"login","args":[…key, signature…]}`), so the text is
 * cut at the first `{` or `[` and kept short.
 */
export function safeReason(
  exchange: string,
  code: string | number | undefined,
  message: string,
): string {
  let text = message;
  const cut = text.search(/[[{]/);
  if (cut >= 0) text = text.slice(0, cut);
  text = text.trim().replace(/[:,]$/, '').slice(0, 80);
  const prefix = code === undefined || code === '' ? exchange : `${exchange} ${code}`;
  return text === '' ? prefix : `${prefix}: ${text}`;
}

/** A string field of a frame, or `''`. */
export function field(json: Record<string, unknown>, key: string): string {
  const value = json[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/**
 * Resolves once every key in `keys` has been confirmed: one `waitFor()` for all of them, so
 * that each frame is read once however many subscriptions there are. `keyOf` names the
 * subscription a frame confirms (or several), or returns `undefined` for any other frame.
 */
export function confirmAll(
  waitFor: (match: (data: MessageData) => boolean) => Promise<MessageData>,
  keys: Iterable<string>,
  keyOf: (
    data: MessageData,
    pending: ReadonlySet<string>,
  ) => string | readonly string[] | undefined,
): Promise<unknown> {
  const pending = new Set(keys);
  if (pending.size === 0) return Promise.resolve();
  return waitFor((data) => {
    const confirmed = keyOf(data, pending);
    if (confirmed === undefined) return false;
    if (typeof confirmed === 'string') pending.delete(confirmed);
    else for (const key of confirmed) pending.delete(key);
    return pending.size === 0;
  });
}

/**
 * The start of a frame, where exchanges put what a frame is (`{"event":"error"`,
 * `{"type":"error"`): classifiers look there first rather than scan a 100 KB book snapshot.
 */
export function frameHead(text: string): string {
  return text.length <= 160 ? text : text.slice(0, 160);
}
