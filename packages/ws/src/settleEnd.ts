import { failure, type Permit } from '@breakwater/core';
import type { ResponseOutcome } from '@breakwater/core/adapter';
import { type CloseKind, classifyCloseCode } from './classifyCloseCode.ts';
import type { CloseCause, EndKind, GuardCloseEvent } from './GuardEvents.ts';
import type { MessageVerdict, ResolvedGuardOptions } from './options/types.ts';
import type { SocketEnd, UpgradeRefusal } from './SocketAdapter.ts';

/** The options that decide what the end of a connection means. */
export type EndOptions = Pick<
  ResolvedGuardOptions,
  'name' | 'closeCodes' | 'reconnectOnNormalClose' | 'minUptimeMs'
>;

const abnormalClosure = 1006;

/** A close the guard asks for with `code` and `reason` (`close()`, a halt, a rotation). */
export function cleanEnd(code: number, reason: string): SocketEnd {
  return { code, reason, wasClean: true, error: undefined, refusal: undefined, verdict: undefined };
}

/** A connection the guard gives up on: terminated, reported as an abnormal closure. */
export function abnormalEnd(error: unknown): SocketEnd {
  return {
    code: abnormalClosure,
    reason: '',
    wasClean: false,
    error,
    refusal: undefined,
    verdict: undefined,
  };
}

/**
 * A connection a frame ended (`classifyMessage` said `reconnect` or `halt`): closed cleanly with
 * 1000, its error naming the verdict's category and reason (never the frame).
 */
export function verdictEnd(name: string, verdict: MessageVerdict): SocketEnd {
  const category = verdict.category ?? (verdict.action === 'halt' ? 'client' : 'server');
  const reason = verdict.reason ?? '';
  const said = reason === '' ? '' : `: ${reason}`;
  const error = new Error(
    `WebSocket "${name}" got an error frame (${category}) and will ` +
      `${verdict.action === 'halt' ? 'halt' : 'reconnect'}${said}.`,
  );
  error.name = 'WebSocketErrorFrame';
  return {
    code: 1000,
    reason: truncateReason(reason),
    wasClean: true,
    error,
    refusal: undefined,
    verdict,
  };
}

/** A close reason within the 123 bytes a close frame allows. */
function truncateReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length <= 123) return reason;
  return new TextDecoder().decode(bytes.slice(0, 120)).replace(/\uFFFD$/, '');
}

/** True when the guard itself ended the connection on purpose: nothing to retry or blame. */
export function isDeliberate(cause: CloseCause): boolean {
  // 'message' is not deliberate: the server's frame decided, and the guard reacts to it.
  return cause === 'closed' || cause === 'rotated' || cause === 'halted';
}

/** True when a connection that ended this way is replaced by a new attempt. */
function reconnectsAfter(kind: EndKind, cause: CloseCause, options: EndOptions): boolean {
  if (isDeliberate(cause)) return false;
  return kind === 'transient' || (kind === 'normal' && options.reconnectOnNormalClose);
}

/**
 * What a connection was to the guard when it ended: the only connection being made (`attempt`),
 * the one delivering (`current`, or `replaced` while its replacement is being made), a
 * rotation's `replacement`, or one the guard had already let go of (`stale`, as every
 * connection once the guard has halted or closed).
 */
export type ConnectionRole = 'attempt' | 'current' | 'replaced' | 'replacement' | 'stale';

/**
 * What the guard does after a connection ended: nothing, halt, wait and connect again (or retry
 * the rotation, the old connection still delivering), or let the replacement take over.
 */
export type NextStep = 'none' | 'halt' | 'reconnect' | 'retryRotation' | 'takeover';

/** The step after a connection in `role` ended this way. */
export function nextAfterEnd(
  role: ConnectionRole,
  kind: EndKind,
  cause: CloseCause,
  options: EndOptions,
): NextStep {
  if (role === 'stale' || isDeliberate(cause)) return 'none';
  const retry = reconnectsAfter(kind, cause, options);
  if (role === 'replacement') return retry ? 'retryRotation' : 'none';
  if (!retry) return 'halt';
  return role === 'replaced' ? 'takeover' : 'reconnect';
}

/** The `close` event of a connection that ended this way, before the guard takes `next`. */
export function closeEvent(
  name: string,
  end: SocketEnd,
  kind: EndKind,
  cause: CloseCause,
  uptimeMs: number | undefined,
  next: NextStep,
): GuardCloseEvent {
  return {
    name,
    code: end.code,
    reason: end.reason,
    kind,
    cause,
    wasClean: end.wasClean,
    uptimeMs,
    status: end.refusal?.status,
    error: end.error,
    willReconnect: next !== 'none' && next !== 'halt',
  };
}

/**
 * Classifies the end of a connection and settles its permit if it still holds one: a failure
 * when it failed or closed before `minUptimeMs` (the uptime timer settles a success), released
 * when the end says nothing about the server (an `auth` close, a `normal` close that is not
 * reconnected, a deliberate end), and a refused upgrade as its HTTP response.
 */
export function settleEnd(
  permit: Permit,
  end: SocketEnd,
  cause: CloseCause,
  uptimeMs: number | undefined,
  options: EndOptions,
): EndKind {
  if (end.refusal !== undefined) return settleRefusal(permit, end.refusal);
  if (end.verdict !== undefined) return settleVerdict(permit, end.verdict);
  let kind: CloseKind;
  if (isDeliberate(cause)) kind = 'normal';
  else if (cause === 'remote' && uptimeMs !== undefined) {
    kind = classifyCloseCode(end.code, options.closeCodes);
  } else kind = 'transient';
  if (permit.settled) return kind;
  if (
    kind === 'auth' ||
    kind === 'refused' ||
    (kind === 'normal' && !reconnectsAfter(kind, cause, options))
  ) {
    permit.release();
    return kind;
  }
  // A socket that closed under us is a network failure whatever came with it (the standard
  // WebSocket gives a bare Event, or nothing); the guard's own kills (a connect or heartbeat
  // timeout, what a function of the user's threw) are classified by their error.
  if (cause === 'remote') permit.settle(failure('network'));
  else
    permit.settle({ kind: 'error', error: end.error ?? closeError(end.code, uptimeMs, options) });
  return kind;
}

/**
 * Settles the permit of a connection an error frame ended, as that frame's verdict: `halt` is a
 * request error (released: a bad subscription must not trip the breaker for everyone), and
 * `reconnect` a failure of its category, with its `retryAfterMs` (which opens the breaker).
 */
function settleVerdict(permit: Permit, verdict: MessageVerdict): EndKind {
  if (verdict.action === 'halt') {
    if (!permit.settled) permit.release();
    return verdict.category === 'auth' ? 'auth' : 'refused';
  }
  if (!permit.settled) {
    const retryAfterMs = verdict.retryAfterMs;
    permit.settle(
      failure(
        verdict.category ?? 'server',
        retryAfterMs === undefined ? undefined : { retryAfterMs },
      ),
    );
  }
  return 'transient';
}

/**
 * Settles a refused upgrade's permit as its HTTP response and says whether to try again. What
 * the breaker's classifier ignores as a client error (400, 404, 410, …; not 408, 418 or 429,
 * which are failures) would be refused again: it halts, like an `auth` refusal. A 2xx or 3xx
 * instead of a 101 (an HTTP endpoint, a redirect `ws` does not follow) is no success of the
 * server's: the permit is released, and it halts too.
 */
function settleRefusal(permit: Permit, refusal: UpgradeRefusal): EndKind {
  const status = refusal.status;
  if (status >= 100 && status < 400) {
    permit.release();
    return 'refused';
  }
  const verdict = permit.settle(refusalOutcome(refusal));
  if (verdict.category === 'auth') return 'auth';
  if (verdict.verdict === 'ignore' && status >= 400 && status < 500) return 'refused';
  return 'transient';
}

function closeError(code: number, uptimeMs: number | undefined, options: EndOptions): Error {
  const when =
    uptimeMs === undefined
      ? 'before it opened'
      : `after ${Math.round(uptimeMs)} ms, under minUptimeMs (${options.minUptimeMs})`;
  const error = new Error(`WebSocket "${options.name}" closed with code ${code} ${when}.`);
  error.name = 'WebSocketClosedError';
  return error;
}

/** A refused upgrade as the response outcome the breaker's classifier reads. */
function refusalOutcome(refusal: UpgradeRefusal): ResponseOutcome {
  return {
    kind: 'response',
    status: refusal.status,
    header(name: string): string | null {
      const value = refusal.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : (value as string);
    },
  };
}
