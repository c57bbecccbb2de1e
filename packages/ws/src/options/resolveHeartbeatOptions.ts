import { BreakwaterConfigError } from '@breakwater/core';
import {
  expectFunction,
  expectNumber,
  expectObject,
  type KnownKeys,
  maxTimerMs,
  rejectUnknownKeys,
} from '@breakwater/core/adapter';
import type { MessageData, OutgoingData } from '../SocketAdapter.ts';
import type { HeartbeatOptions, HeartbeatPing, ResolvedHeartbeatOptions } from './types.ts';

const knownHeartbeat: KnownKeys<HeartbeatOptions> = {
  intervalMs: true,
  timeoutMs: true,
  message: true,
  isPong: true,
  ping: true,
};
const pings: readonly HeartbeatPing[] = ['interval', 'idle', 'none'];

/**
 * Validates the heartbeat (a ping every 15 s, 10 s to answer, by default); `false` is none.
 * A fixed `message` becomes a function returning it, so the guard only calls functions.
 * @throws BreakwaterConfigError naming the first invalid or unknown `heartbeat` option
 */
export function resolveHeartbeatOptions(
  value: HeartbeatOptions | false | undefined,
): ResolvedHeartbeatOptions | undefined {
  if (value === false) return undefined;
  const heartbeat = value ?? {};
  expectObject('heartbeat', heartbeat as unknown);
  rejectUnknownKeys('heartbeat', heartbeat, knownHeartbeat);
  const message = heartbeat.message;
  let makeMessage: (() => OutgoingData) | undefined;
  if (typeof message === 'function') makeMessage = message as () => OutgoingData;
  else if (message !== undefined) {
    if (
      typeof message !== 'string' &&
      !ArrayBuffer.isView(message) &&
      typeof message !== 'object'
    ) {
      throw new BreakwaterConfigError(
        'heartbeat.message',
        'a string, binary data or a function returning one',
        message,
      );
    }
    const fixed = message as OutgoingData;
    makeMessage = () => fixed;
  }
  const isPong = heartbeat.isPong;
  if (isPong !== undefined) expectFunction('heartbeat.isPong', isPong);
  const ping = heartbeat.ping ?? 'interval';
  if (!pings.includes(ping)) {
    throw new BreakwaterConfigError('heartbeat.ping', "'interval', 'idle' or 'none'", ping);
  }
  if (ping === 'none' && makeMessage !== undefined) {
    throw new BreakwaterConfigError(
      'heartbeat.message',
      "no ping message with `ping: 'none'` (it sends no ping)",
      message,
    );
  }
  return Object.freeze({
    intervalMs: expectNumber('heartbeat.intervalMs', heartbeat.intervalMs ?? 15_000, 1, maxTimerMs),
    timeoutMs: expectNumber('heartbeat.timeoutMs', heartbeat.timeoutMs ?? 10_000, 1, maxTimerMs),
    message: makeMessage,
    isPong: isPong as ((data: MessageData) => boolean) | undefined,
    ping,
  });
}
