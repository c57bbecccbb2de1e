import type { Permit, ResponseOutcome } from '@breakwater/core';
import { type CloseKind, classifyCloseCode } from './closeCodes.ts';
import type { CloseCause } from './events.ts';
import type { ResolvedGuardOptions } from './resolveGuardOptions.ts';
import type { SocketEnd, UpgradeRefusal } from './socketAdapter.ts';

/** The options that decide what the end of a connection means. */
export type EndOptions = Pick<
  ResolvedGuardOptions,
  'name' | 'closeCodes' | 'reconnectOnNormalClose' | 'minUptimeMs'
>;

const abnormalClosure = 1006;

/** A close the guard asks for with `code` and `reason` (`close()`, a halt, a rotation). */
export function cleanEnd(code: number, reason: string): SocketEnd {
  return { code, reason, wasClean: true, error: undefined, refusal: undefined };
}

/** A connection the guard gives up on: terminated, reported as an abnormal closure. */
export function abnormalEnd(error: unknown): SocketEnd {
  return { code: abnormalClosure, reason: '', wasClean: false, error, refusal: undefined };
}

/** True when the guard itself ended the connection on purpose: nothing to retry or blame. */
export function isDeliberate(cause: CloseCause): boolean {
  return cause === 'closed' || cause === 'rotated' || cause === 'halted';
}

/** True when a connection that ended this way is replaced by a new attempt. */
export function reconnectsAfter(kind: CloseKind, cause: CloseCause, options: EndOptions): boolean {
  if (isDeliberate(cause)) return false;
  return kind === 'transient' || (kind === 'normal' && options.reconnectOnNormalClose);
}

/**
 * Classifies the end of a connection and settles its permit if it still holds one: a failure
 * when it failed or closed before `minUptimeMs` (the uptime timer settles a success), released
 * when the end says nothing about the server (an `auth` close, a deliberate end).
 */
export function settleEnd(
  permit: Permit,
  end: SocketEnd,
  cause: CloseCause,
  uptimeMs: number | undefined,
  options: EndOptions,
): CloseKind {
  if (end.refusal !== undefined) {
    const verdict = permit.settle(refusalOutcome(end.refusal));
    return verdict.category === 'auth' ? 'auth' : 'transient';
  }
  let kind: CloseKind;
  if (isDeliberate(cause)) kind = 'normal';
  else if (cause === 'remote' && uptimeMs !== undefined) {
    kind = classifyCloseCode(end.code, options.closeCodes);
  } else kind = 'transient';
  if (permit.settled) return kind;
  if (kind === 'auth' || (kind === 'normal' && !reconnectsAfter(kind, cause, options))) {
    permit.release();
    return kind;
  }
  // A socket that closed under us is a network failure whatever came with it (the standard
  // WebSocket gives a bare Event, or nothing); the guard's own kills (a connect or heartbeat
  // timeout, a factory or resubscribe error) are classified by their error.
  const category = cause === 'remote' ? 'network' : undefined;
  permit.failure(end.error ?? closeError(end.code, uptimeMs, options), category);
  return kind;
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

/** A refused upgrade as the core's response outcome: 429 opens the breaker, 401 is `auth`. */
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
