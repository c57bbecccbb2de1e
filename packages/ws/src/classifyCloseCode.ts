import type { CloseCodeMatch, CloseCodeOptions } from './options/types.ts';

/**
 * What a WebSocket close code means for the guard.
 * - `normal`: the peer is done (1000); no reconnect unless `reconnect.onNormalClose` asks for one.
 * - `transient`: going away, abnormal closure, server error or restart, try again later (1001,
 *   1006, 1011, 1012, 1013, …) and any code not listed: reconnect with backoff.
 * - `auth`: policy violation (1008) and the application codes listed in `closeCodes.auth`, such as
 *   OKX's 4001 and 4007 (login failed, API key deleted): reconnecting would fail the same way, so
 *   the guard halts until `reconnect()` is called.
 * - `refused`: the application codes listed in `closeCodes.refused`, which say the request is
 *   wrong (OKX's 4002 invalid request): the guard halts, as after `auth`.
 */
export type CloseKind = 'normal' | 'transient' | 'auth' | 'refused';

function matches(list: readonly CloseCodeMatch[] | undefined, code: number): boolean {
  if (list === undefined) return false;
  for (const entry of list) {
    if (typeof entry === 'number' ? entry === code : code >= entry[0] && code <= entry[1]) {
      return true;
    }
  }
  return false;
}

/**
 * Classifies a close code as the guard does, with the overrides of its `closeCodes` option, then
 * the defaults: 1000 is `normal`, 1008 is `auth`, everything else (1001, 1005, 1006, 1011–1015,
 * application codes) is `transient`.
 * @see {@link https://www.rfc-editor.org/rfc/rfc6455#section-7.4.1 | RFC 6455 §7.4.1 status codes}
 * @example `classifyCloseCode(4003, { auth: [[4001, 4009]] }) // 'auth'`
 */
export function classifyCloseCode(code: number, overrides: CloseCodeOptions = {}): CloseKind {
  if (matches(overrides.auth, code)) return 'auth';
  if (matches(overrides.refused, code)) return 'refused';
  if (matches(overrides.normal, code)) return 'normal';
  if (matches(overrides.transient, code)) return 'transient';
  if (code === 1000) return 'normal';
  if (code === 1008) return 'auth';
  return 'transient';
}
